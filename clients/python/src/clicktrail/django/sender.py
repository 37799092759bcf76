"""A bounded queue and one background thread that send the site's calls as JSON-RPC batches.

A page never waits for Clicktrail: requests only put calls on the queue. When the queue is full
(Clicktrail slow or down) calls are dropped and counted, and a log line says how many; a batch
that cannot be sent is dropped the same way instead of being retried forever.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from ..client import Clicktrail
from ..errors import ClicktrailError
from ..rpc import Call
from .conf import settings

logger = logging.getLogger("clicktrail")
# At most one "dropped" log line per interval, however many calls were dropped in it.
DROP_LOG_INTERVAL = 10.0


class Sender:
    def __init__(self, client: Clicktrail, *, capacity: int, batch_size: int) -> None:
        self._client = client
        self._queue: queue.Queue[Call] = queue.Queue(maxsize=capacity)
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._unfinished = 0
        self._dropped_unlogged = 0
        self._last_drop_log = float("-inf")
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, name="clicktrail-sender", daemon=True)
        self._thread.start()

    def submit(self, method: str, params: dict[str, Any]) -> bool:
        """Queues one call without waiting; False (and counted) when the queue is full."""
        with self._lock:
            self._unfinished += 1
        try:
            self._queue.put_nowait(Call(method, params))
            return True
        except queue.Full:
            self._finished(1)
            self._drop(1, "the queue is full (Clicktrail slow or unreachable)")
            return False

    def flush(self, timeout: float) -> bool:
        """Waits until every queued call has been sent or dropped; False if that took too long."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout)

    def _run(self) -> None:
        while True:
            calls = [self._queue.get()]
            while len(calls) < self._batch_size:
                try:
                    calls.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._client.rpc.send(calls)
                for call in calls:
                    if call.error is not None:
                        logger.warning("clicktrail: %s refused: %s", call.method, call.error)
            except ClicktrailError as error:
                self._drop(len(calls), f"a batch could not be sent ({error})")
            except Exception:
                logger.exception("clicktrail: a batch of %d calls failed", len(calls))
            finally:
                self._finished(len(calls))

    def _finished(self, count: int) -> None:
        with self._idle:
            self._unfinished -= count
            self._idle.notify_all()

    def _drop(self, count: int, why: str) -> None:
        with self._lock:
            self.dropped += count
            self._dropped_unlogged += count
            now = time.monotonic()
            if now - self._last_drop_log < DROP_LOG_INTERVAL:
                return
            dropped, self._dropped_unlogged, self._last_drop_log = self._dropped_unlogged, 0, now
        logger.warning("clicktrail: dropped %d calls: %s; %d dropped since start", dropped, why, self.dropped)


_sender: Sender | None = None
_sender_lock = threading.Lock()


def sender() -> Sender:
    """The process's sender, started on first use (after a fork, each worker starts its own)."""
    global _sender
    with _sender_lock:
        if _sender is None or not _sender._thread.is_alive():
            config = settings()
            client = Clicktrail(config.url, config.token, key=config.key, timeout=config.timeout, retries=0)
            _sender = Sender(client, capacity=config.queue_size, batch_size=config.batch_size)
        return _sender


def reset_sender() -> None:
    """Forgets the sender, so the next call starts one with the current settings."""
    global _sender
    with _sender_lock:
        _sender = None
