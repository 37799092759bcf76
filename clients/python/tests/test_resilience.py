"""A slow or absent Clicktrail never slows or breaks a page; what cannot be sent is counted
and logged instead of piling up."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest
from django.test import Client

from clicktrail.django.sender import sender
from conftest import BROWSER, free_port

pytestmark = pytest.mark.django_db
# Far from flaky: the client's timeout is 5 s, a page must not wait for it at all.
PAGE_BOUND = 1.0


class Silent:
    """Accepts connections and never answers: a hung Clicktrail."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


def timed_pages(count: int) -> list[float]:
    browser = Client(HTTP_USER_AGENT=BROWSER)
    durations = []
    for n in range(count):
        started = time.monotonic()
        response = browser.get(f"/articles/page-{n}/?utm_source=ads&utm_medium=cpc")
        durations.append(time.monotonic() - started)
        assert response.status_code == 200
    return durations


def test_pages_answer_at_once_while_clicktrail_is_down_and_the_loss_is_logged(settings, caplog):
    settings.CLICKTRAIL = {"URL": f"http://127.0.0.1:{free_port()}", "KEY": settings.CLICKTRAIL["KEY"]}
    caplog.set_level(logging.WARNING, logger="clicktrail")
    assert max(timed_pages(5)) < PAGE_BOUND
    assert sender().flush(timeout=10)
    assert sender().dropped == 10  # five page views and five lead captures
    assert any("dropped" in record.getMessage() and "could not be sent" in record.getMessage() for record in caplog.records)


def test_pages_answer_at_once_while_clicktrail_hangs_and_a_full_queue_drops(settings, caplog):
    silent = Silent()
    try:
        settings.CLICKTRAIL = {"URL": silent.url, "KEY": settings.CLICKTRAIL["KEY"], "TIMEOUT": 5.0, "QUEUE_SIZE": 4, "BATCH_SIZE": 1}
        caplog.set_level(logging.WARNING, logger="clicktrail")
        assert max(timed_pages(10)) < PAGE_BOUND
        assert sender().dropped >= 20 - 4 - 1 - 1  # the queue holds 4, the sender has taken 1 (maybe 2)
        assert any("queue is full" in record.getMessage() for record in caplog.records)
    finally:
        silent.close()
