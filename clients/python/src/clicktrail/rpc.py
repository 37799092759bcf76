"""``client.rpc``: the JSON-RPC 2.0 ingest methods (scope ``ingest``), one call or one batch.

Each method takes the JSON-RPC method's parameter names; parameters left at None are not sent.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from .errors import ClicktrailError

if TYPE_CHECKING:
    from .client import Clicktrail

ENDPOINT = "/rpc"
# The service refuses larger batches whole; a longer one is sent in several.
MAX_BATCH = 100


class _Methods:
    """The ingest methods, each a call handed to ``_call``: sent at once, or kept for a batch."""

    def _call(self, method: str, params: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _named(self, method: str, **params: Any) -> Any:
        return self._call(method, {name: value for name, value in params.items() if value is not None})

    def ingest_click(self, slug: str, *, occurred_at: str | None = None, referer: str | None = None, user_agent: str | None = None,
                     site_host: str | None = None, ga_client_id: str | None = None, ga_session_id: str | None = None,
                     consent: dict[str, str] | None = None, utm: dict[str, Any] | None = None) -> Any:
        return self._named("clicks.ingest", slug=slug, occurred_at=occurred_at, referer=referer, user_agent=user_agent, site_host=site_host,
                           ga_client_id=ga_client_id, ga_session_id=ga_session_id, consent=consent, utm=utm)

    def track_pageview(self, path: str, *, title: str | None = None, host: str | None = None, referer: str | None = None,
                       user_agent: str | None = None, status: int | None = None, ga_client_id: str | None = None,
                       ga_session_id: str | None = None, consent: dict[str, str] | None = None) -> Any:
        return self._named("pageviews.track", path=path, title=title, host=host, referer=referer, user_agent=user_agent, status=status,
                           ga_client_id=ga_client_id, ga_session_id=ga_session_id, consent=consent)

    def capture_lead(self, subject: str, *, url: str | None = None, params: dict[str, Any] | None = None, custom: dict[str, str] | None = None) -> Any:
        return self._named("leads.capture", subject=subject, url=url, params=params, custom=custom)

    def assign_leads(self, from_subject: str, to_subject: str) -> Any:
        return self._call("leads.assign", {"from": from_subject, "to": to_subject})

    def set_consent(self, subject: str, signals: dict[str, str], *, source: str | None = None) -> Any:
        return self._named("consent.set", subject=subject, signals=signals, source=source)

    def get_consent(self, subject: str) -> Any:
        return self._named("consent.get", subject=subject)


class RPC(_Methods):
    def __init__(self, client: Clicktrail) -> None:
        self._client = client
        self._ids = itertools.count(1)

    def batch(self) -> Batch:
        """``with client.rpc.batch() as batch: call = batch.track_pageview(...)``: the calls go
        out together when the block ends; each ``call.result`` then holds its answer (or raises
        its error)."""
        return Batch(self)

    def _call(self, method: str, params: dict[str, Any]) -> Any:
        return self.send([Call(method, params)])[0].result

    def send(self, calls: list[Call]) -> list[Call]:
        """Sends the calls as JSON-RPC batches of at most 100 and settles each one."""
        for start in range(0, len(calls), MAX_BATCH):
            chunk = calls[start : start + MAX_BATCH]
            by_id = {}
            for call in chunk:
                call.id = next(self._ids)
                by_id[call.id] = call
            request = [{"jsonrpc": "2.0", "id": call.id, "method": call.method, "params": call.params} for call in chunk]
            answers = self._client.request("POST", ENDPOINT, "ingest", json=request if len(request) > 1 else request[0])
            for answer in answers if isinstance(answers, list) else [answers]:
                call = by_id.get(answer.get("id"))
                if call is None:
                    continue
                if "error" in answer:
                    call.settle(error=ClicktrailError.from_rpc(answer["error"]))
                else:
                    call.settle(result=answer.get("result"))
            for call in chunk:
                if not call.settled:
                    call.settle(error=ClicktrailError(code=-32603, message="no answer for this call"))
        return calls


class Call:
    """One JSON-RPC call; ``result`` is its answer once sent, or raises its error."""

    def __init__(self, method: str, params: dict[str, Any]) -> None:
        self.method = method
        self.params = params
        self.id: int | None = None
        self.settled = False
        self._result: Any = None
        self._error: ClicktrailError | None = None

    def settle(self, *, result: Any = None, error: ClicktrailError | None = None) -> None:
        self._result, self._error, self.settled = result, error, True

    @property
    def error(self) -> ClicktrailError | None:
        return self._error

    @property
    def result(self) -> Any:
        if not self.settled:
            raise RuntimeError("the batch has not been sent yet")
        if self._error is not None:
            raise self._error
        return self._result


class Batch(_Methods):
    """Collects calls; sends them as one request when the ``with`` block ends without an error."""

    def __init__(self, rpc: RPC) -> None:
        self._rpc = rpc
        self.calls: list[Call] = []

    def _call(self, method: str, params: dict[str, Any]) -> Call:
        call = Call(method, params)
        self.calls.append(call)
        return call

    def send(self) -> list[Call]:
        return self._rpc.send(self.calls) if self.calls else []

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is None:
            self.send()
