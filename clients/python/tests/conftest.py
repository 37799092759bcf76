"""Fixtures: the real clicktrail binary on a free port with a fresh database, a stand-in for
GA's Measurement Protocol that records what it receives, and the Django settings that point
the test site at them. The binary is CLICKTRAIL_BINARY (scripts/test sets it to the build it
made)."""

from __future__ import annotations

import base64
import http.server
import json
import os
import secrets
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from clicktrail import Clicktrail

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
SITE = "http://testserver"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float, what: str):
    """Polls `condition` until it is truthy; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class FakeGA:
    """Records every Measurement Protocol payload posted to it."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.lock = threading.Lock()
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with recorder.lock:
                    recorder.events.extend({**event, "client_id": body.get("client_id")} for event in body.get("events", []))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}/mp/collect"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self, name: str, client_id: str) -> list[dict]:
        with self.lock:
            return [event for event in self.events if event.get("name") == name and event.get("client_id") == client_id]


class Service:
    def __init__(self, folder: Path, ga: FakeGA) -> None:
        binary = os.environ.get("CLICKTRAIL_BINARY")
        if not binary:
            raise RuntimeError("CLICKTRAIL_BINARY must name the clicktrail binary to test against (scripts/test sets it)")
        self.key = f"py:{base64.b64encode(secrets.token_bytes(32)).decode()}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "CLICKTRAIL_DATABASE": str(folder / "clicktrail.sqlite"),
            "CLICKTRAIL_ADMIN_KEYS": self.key,
            "CLICKTRAIL_PORT": str(self.port),
            "CLICKTRAIL_SITE_HOSTS": "testserver,www.shop.test",
            "CLICKTRAIL_GA_MEASUREMENT_ID": "G-PYTEST",
            "CLICKTRAIL_GA_API_SECRET": "pytest-secret",
            "CLICKTRAIL_GA_ENDPOINT": ga.endpoint,
            "CLICKTRAIL_LOG_LEVEL": "warning",
        }
        self.log = open(folder / "serve.log", "w")
        self.process = subprocess.Popen([binary, "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT)

        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"clicktrail serve exited: {(folder / 'serve.log').read_text()}")
            try:
                return httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(ready, 30, "clicktrail serve to be ready")

    def client(self, **options) -> Clicktrail:
        return Clicktrail(self.url, key=self.key, **options)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture(scope="session")
def ga():
    fake = FakeGA()
    yield fake
    fake.server.shutdown()


@pytest.fixture(scope="session")
def service(tmp_path_factory, ga):
    running = Service(tmp_path_factory.mktemp("clicktrail"), ga)
    yield running
    running.stop()


@pytest.fixture
def client(service):
    with service.client() as made:
        yield made


@pytest.fixture(autouse=True)
def clicktrail_settings(settings, service):
    """The test site talks to the running service; each test starts with a fresh sender."""
    settings.CLICKTRAIL = {"URL": service.url, "KEY": service.key, "GA_MEASUREMENT_ID": "G-PYTEST", "CONSENT_COOKIE_FORMAT": "clicktrail"}
    yield settings


def unique(prefix: str) -> str:
    """A slug or tag no other test uses: the service's database is shared by the session."""
    return f"{prefix}-{secrets.token_hex(4)}"
