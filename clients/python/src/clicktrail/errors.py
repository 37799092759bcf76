"""The one exception the client raises."""

from __future__ import annotations

from typing import Any


class ClicktrailError(Exception):
    """A call that did not succeed.

    REST answers fill ``status``, ``title``, ``detail`` and ``errors`` from the problem+json body
    (``errors`` is the list of ``{"field", "message"}`` of a 422); JSON-RPC errors fill ``code``,
    ``message`` and ``data``. When the service could not be reached at all, ``status`` is None
    and the transport error is the exception's ``__cause__``.
    """

    def __init__(
        self,
        *,
        status: int | None = None,
        title: str | None = None,
        detail: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        type: str | None = None,
        code: int | None = None,
        message: str | None = None,
        data: Any = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.type = type
        self.code = code
        self.message = message
        self.data = data
        super().__init__(self._summary())

    def _summary(self) -> str:
        if self.code is not None:
            return f"JSON-RPC error {self.code}: {self.message}"
        parts = [str(self.status) if self.status is not None else "unreachable", self.title or "", self.detail or ""]
        summary = " ".join(part for part in parts if part)
        if self.errors:
            summary += " (" + "; ".join(f"{e.get('field')}: {e.get('message')}" for e in self.errors) + ")"
        return summary

    @classmethod
    def from_problem(cls, status: int, body: Any, reason: str) -> ClicktrailError:
        """From a REST answer: problem+json when the service sent it, else what the response says."""
        if isinstance(body, dict):
            return cls(
                status=body.get("status", status),
                title=body.get("title"),
                detail=body.get("detail"),
                errors=body.get("errors"),
                type=body.get("type"),
            )
        return cls(status=status, title=reason, detail=str(body)[:200] if body else None)

    @classmethod
    def from_rpc(cls, error: dict[str, Any]) -> ClicktrailError:
        return cls(status=200, code=error.get("code"), message=error.get("message"), data=error.get("data"))
