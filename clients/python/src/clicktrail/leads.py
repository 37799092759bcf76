"""``client.leads``: captured lead sources (scope ``stats:read``; erasing needs ``admin``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .models import Lead

if TYPE_CHECKING:
    from .client import Clicktrail

COLLECTION = "/api/v1/leads"


class Leads:
    def __init__(self, client: Clicktrail) -> None:
        self._client = client

    def list(
        self,
        subject: str | None = None,
        utm_source: str | None = None,
        utm_medium: str | None = None,
        utm_campaign: str | None = None,
        *,
        page_size: int = 100,
    ) -> Iterator[Lead]:
        """Every lead matching all the given filters (exact matches), oldest first."""
        params = {"subject": subject, "utm_source": utm_source, "utm_medium": utm_medium, "utm_campaign": utm_campaign, "limit": page_size}
        return (Lead.from_json(item) for item in self._client.pages(COLLECTION, "stats:read", params))

    def erase(self, subject: str) -> int:
        """Erases every lead of the subject (right to erasure); answers how many there were."""
        return self._client.request("DELETE", COLLECTION, "admin", params={"subject": subject})["deleted"]
