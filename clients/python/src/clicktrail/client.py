"""The client: one httpx connection pool, tokens, retries and error mapping for every call."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import httpx

from .errors import ClicktrailError
from .leads import Leads
from .links import Links
from .models import format_moment
from .rpc import RPC
from .stats import Stats
from .tokens import KeyTokens, StaticToken

# Answers of a proxy or of an instance going away; another try may reach a healthy instance.
RETRIED_STATUSES = frozenset({502, 503, 504})
# A connection that failed or broke; a read timeout is not retried (that would triple the wait).
RETRIED_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.PoolTimeout)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})


class Clicktrail:
    """A Clicktrail service at ``base_url``.

    Authenticate with a ``token`` (a JWT minted elsewhere) or a ``key`` (``kid:base64secret``,
    as in the service's key file), from which the client mints a short-lived token per scope.
    ``retries`` applies to idempotent calls only (GET, PUT, DELETE), on connection errors and
    502/503/504, with back-off starting at ``backoff`` seconds.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        key: str | None = None,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if token is not None and key is not None:
            raise ValueError("give a token or a key, not both")
        self.base_url = base_url.rstrip("/")
        self._tokens = KeyTokens(key) if key is not None else StaticToken(token) if token is not None else None
        self._retries = retries
        self._backoff = backoff
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport, headers={"User-Agent": "clicktrail-python"})
        self.links = Links(self)
        self.stats = Stats(self)
        self.leads = Leads(self)
        self.rpc = RPC(self)

    def go_url(self, slug: str) -> str:
        """The absolute ``/go/`` URL of a link, for pages to link to."""
        return f"{self.base_url}/go/{slug}"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Clicktrail:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # The plumbing every resource shares.

    def request(self, method: str, path: str, scope: str, *, params: dict[str, Any] | None = None, json: Any = None, headers: dict[str, str] | None = None) -> Any:
        """Sends one call and answers its JSON body (None for 204); raises ClicktrailError otherwise."""
        request = self._build(method, path, scope, params=params, json=json, headers=headers)
        response = self._send(request, stream=False)
        if response.status_code == 204:
            return None
        return response.json()

    @contextlib.contextmanager
    def stream(self, method: str, path: str, scope: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Iterator[httpx.Response]:
        """A successful response whose body is read as it arrives; closed when the block ends."""
        response = self._send(self._build(method, path, scope, params=params, headers=headers), stream=True)
        try:
            yield response
        finally:
            response.close()

    def pages(self, path: str, scope: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paged list, one page fetched at a time as the caller reads on."""
        cursor = None
        while True:
            page = self.request("GET", path, scope, params={**params, "cursor": cursor})
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def _build(self, method: str, path: str, scope: str, *, params, json=None, headers=None) -> httpx.Request:
        headers = dict(headers or {})
        if self._tokens is not None:
            headers["Authorization"] = f"Bearer {self._tokens.token_for(scope)}"
        query = {name: _query_value(value) for name, value in (params or {}).items() if value is not None}
        return self._http.build_request(method, path, params=query, json=json, headers=headers)

    def _send(self, request: httpx.Request, *, stream: bool) -> httpx.Response:
        attempts = 1 + (self._retries if request.method in IDEMPOTENT_METHODS else 0)
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                response = self._http.send(request, stream=stream)
            except RETRIED_ERRORS as error:
                if last:
                    raise ClicktrailError(title="Clicktrail unreachable", detail=str(error) or type(error).__name__) from error
            except httpx.TransportError as error:
                raise ClicktrailError(title="Clicktrail unreachable", detail=str(error) or type(error).__name__) from error
            else:
                if response.status_code < 400:
                    return response
                if last or response.status_code not in RETRIED_STATUSES:
                    raise _error_from(response)
                response.close()
            time.sleep(self._backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")


def _error_from(response: httpx.Response) -> ClicktrailError:
    response.read()
    try:
        body = response.json()
    except ValueError:
        body = response.text
    finally:
        response.close()
    return ClicktrailError.from_problem(response.status_code, body, response.reason_phrase)


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return format_moment(value)
    return value
