"""Fixtures of the browser suite: the real clicktrail binary (CLICKTRAIL_BINARY) serving a
database filled by `clicktrail demo-data`, and Debian's Chromium driven by Playwright
(CLICKTRAIL_CHROMIUM, default /usr/bin/chromium; Playwright never downloads a browser here)."""

from __future__ import annotations

import base64
import os
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

REPOSITORY = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Service:
    url: str
    binary: str
    environment: dict

    def token(self, *scopes: str, ttl: str = "1h") -> str:
        arguments = [self.binary, "token", "mint", "--ttl", ttl]
        for scope in scopes:
            arguments += ["--scope", scope]
        return subprocess.run(arguments, env=self.environment, check=True, capture_output=True, text=True).stdout.strip()

    def api(self, *scopes: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token(*scopes)}"}, timeout=10)


@pytest.fixture(scope="session")
def service(tmp_path_factory) -> Service:
    binary = os.environ["CLICKTRAIL_BINARY"]
    folder = tmp_path_factory.mktemp("dashboard")
    database = folder / "demo.sqlite"
    environment = {
        **os.environ,
        "CLICKTRAIL_ADMIN_KEYS": "dash:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "CLICKTRAIL_DATABASE": str(database),
        "CLICKTRAIL_LOG_LEVEL": "warning",
    }
    subprocess.run([binary, "demo-data", "--links", "60", "--clicks", "20000", "--days", "30", "--seed", "7"],
                   env=environment, check=True, capture_output=True)
    port = free_port()
    log = open(folder / "serve.log", "w")
    process = subprocess.Popen([binary, "serve", "--port", str(port)], env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"clicktrail did not start: {(folder / 'serve.log').read_text()}")
        time.sleep(0.05)
    yield Service(url=url, binary=binary, environment=environment)
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CLICKTRAIL_CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = Path(os.environ.get("CLICKTRAIL_SCREENSHOTS", REPOSITORY / "data" / "dashboard-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watched:
    """A page whose requests, responses and console messages are kept for the test to check."""

    def __init__(self, page: Page):
        self.page = page
        self.requests: list[str] = []
        self.responses = []
        self.console: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", lambda response: self.responses.append(response))
        page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))


@pytest.fixture
def watched(browser, service) -> Watched:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=service.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Watched(page)
    context.close()


def sign_in(page: Page, token: str) -> None:
    page.goto("/dashboard/")
    page.wait_for_url("**/dashboard/sign-in")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-ready=true]")
