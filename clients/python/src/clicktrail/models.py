"""Typed results: links and leads as the service answers them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any


def parse_timestamp(text: str | None) -> datetime | None:
    """RFC 3339 as the service writes it (UTC, ``Z``); Python 3.10's fromisoformat lacks ``Z``."""
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def format_moment(value: datetime | date | str) -> str:
    """A range bound as the service reads it: an RFC 3339 timestamp or a bare date.

    A naive datetime is taken as UTC, like every timestamp the service answers.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class _KnownFields:
    """Fields the service adds later (a newer server) stay reachable as attributes."""

    extra: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        extra = self.__dict__.get("extra", {})
        if name in extra:
            return extra[name]
        raise AttributeError(name)

    @classmethod
    def from_json(cls, body: dict[str, Any]):
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        values = {name: body[name] for name in known if name in body}
        for name in ("created_at", "updated_at", "starts_at", "expires_at"):
            if name in values:
                values[name] = parse_timestamp(values[name])
        return cls(**values, extra={k: v for k, v in body.items() if k not in known})


@dataclass
class Link(_KnownFields):
    slug: str
    url: str
    id: int | None = None
    name: str | None = None
    active: bool = True
    redirect_status: int = 302
    forward_query: bool = False
    tags: list[str] = field(default_factory=list)
    click_count: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    starts_at: datetime | None = None
    expires_at: datetime | None = None
    max_clicks: int | None = None
    expired_url: str | None = None
    destinations: list[dict[str, Any]] | None = None
    rules: list[dict[str, Any]] | None = None
    # live, scheduled, expired, exhausted or inactive (read-only).
    state: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Lead(_KnownFields):
    id: int
    subject: str
    utm_source: str
    utm_medium: str
    utm_campaign: str | None = None
    utm_term: str | None = None
    utm_content: str | None = None
    gclid: str | None = None
    aclk: str | None = None
    msclkid: str | None = None
    twclid: str | None = None
    fbclid: str | None = None
    custom: dict[str, str] = field(default_factory=dict)
    landing_path: str | None = None
    created_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
