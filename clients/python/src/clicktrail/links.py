"""``client.links``: the admin API's links (scope ``links:write``, reads ``links:read``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .errors import ClicktrailError
from .models import Link

if TYPE_CHECKING:
    from .client import Clicktrail

COLLECTION = "/api/v1/links"


def link_path(slug: str) -> str:
    return f"{COLLECTION}/{quote(slug, safe='')}"


class Links:
    def __init__(self, client: Clicktrail) -> None:
        self._client = client

    def create(self, slug: str, url: str, **fields: Any) -> Link:
        """Creates a link; a slug already taken is a ClicktrailError with status 409."""
        return Link.from_json(self._client.request("POST", COLLECTION, "links:write", json={"slug": slug, "url": url, **fields}))

    def get(self, slug: str) -> Link | None:
        """The link, or None when there is none with that slug."""
        try:
            return Link.from_json(self._client.request("GET", link_path(slug), "links:read"))
        except ClicktrailError as error:
            if error.status == 404:
                return None
            raise

    def put(self, slug: str, url: str, **fields: Any) -> Link:
        """Creates or replaces the link: the idempotent sync a CMS wants. Fields left out return
        to their defaults; the click count and creation time are kept."""
        return Link.from_json(self._client.request("PUT", link_path(slug), "links:write", json={"url": url, **fields}))

    def update(self, slug: str, **fields: Any) -> Link:
        """Changes the given fields only (JSON merge patch: a None value resets a field)."""
        return Link.from_json(
            self._client.request(
                "PATCH", link_path(slug), "links:write", json=fields, headers={"Content-Type": "application/merge-patch+json"}))

    def delete(self, slug: str) -> bool:
        """Deletes the link and its clicks; False when there was no such link (already deleted)."""
        try:
            self._client.request("DELETE", link_path(slug), "links:write")
            return True
        except ClicktrailError as error:
            if error.status == 404:
                return False
            raise

    def list(self, tag: str | None = None, active: bool | None = None, q: str | None = None, *, page_size: int = 100) -> Iterator[Link]:
        """Every matching link, oldest first, fetched page by page as the iteration goes on."""
        params = {"tag": tag, "active": active, "q": q, "limit": page_size}
        return (Link.from_json(item) for item in self._client.pages(COLLECTION, "links:read", params))
