"""``client.stats``: counted clicks, page views and the click log (scope ``stats:read``).

``start`` and ``end`` are the API's ``from`` (inclusive) and ``to`` (exclusive): a datetime
(naive ones are UTC), a date (the start of that day in ``tz``) or the API's own text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from .client import Clicktrail

Moment = datetime | date | str | None
EXPORT_TYPES = {"ndjson": "application/x-ndjson", "csv": "text/csv"}


class Stats:
    def __init__(self, client: Clicktrail) -> None:
        self._client = client

    def link(self, slug: str, start: Moment = None, end: Moment = None, tz: str = "UTC", interval: str | None = None) -> dict[str, Any]:
        """One link's stats document: totals, the series, top referers and top sources."""
        params = {"from": start, "to": end, "tz": tz, "interval": interval}
        return self._client.request("GET", f"/api/v1/stats/links/{quote(slug, safe='')}", "stats:read", params=params)

    def links(self, start: Moment = None, end: Moment = None, tz: str = "UTC", sort: str | None = None, *, page_size: int = 500) -> Iterator[dict[str, Any]]:
        """Every link with its counted clicks and hits over the range, most first."""
        params = {"from": start, "to": end, "tz": tz, "sort": sort, "limit": page_size}
        return self._client.pages("/api/v1/stats/links", "stats:read", params)

    def pages(self, start: Moment = None, end: Moment = None, tz: str = "UTC", *, page_size: int = 500) -> Iterator[dict[str, Any]]:
        """Every page with views in the range: views, clicks on links from it, click-through."""
        params = {"from": start, "to": end, "tz": tz, "limit": page_size}
        return self._client.pages("/api/v1/stats/pages", "stats:read", params)

    def outbox(self) -> dict[str, Any]:
        """The GA forwarding outbox: events queued, sent, failed and dead."""
        return self._client.request("GET", "/api/v1/stats/outbox", "stats:read")

    def export(self, start: Moment = None, end: Moment = None, slug: str | None = None, format: str = "ndjson", tz: str = "UTC") -> Iterator[dict[str, Any]]:
        """Every logged hit of the range, read from the stream as the iteration goes on.

        ``ndjson`` rows carry JSON values; ``csv`` rows are the CSV cells as strings.
        Stop iterating (or close the iterator) to end the download.
        """
        if format not in EXPORT_TYPES:
            raise ValueError(f"format must be one of {', '.join(EXPORT_TYPES)}")
        params = {"from": start, "to": end, "slug": slug, "tz": tz}
        with self._client.stream("GET", "/api/v1/clicks", "stats:read", params=params, headers={"Accept": EXPORT_TYPES[format]}) as response:
            lines = response.iter_lines()
            if format == "ndjson":
                yield from (json.loads(line) for line in lines if line)
            else:
                yield from csv.DictReader(lines)
