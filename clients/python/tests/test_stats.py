"""Stats through the client: the document of one link, every link and page, and the export
streamed as NDJSON and CSV."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from clicktrail import ClicktrailError
from conftest import BROWSER, SITE, unique


def follow(service, slug: str, referer: str | None = f"{SITE}/articles/one", user_agent: str = BROWSER) -> httpx.Response:
    headers = {"User-Agent": user_agent}
    if referer:
        headers["Referer"] = referer
    return httpx.get(f"{service.url}/go/{slug}", headers=headers)


def recorded(client, slug: str, hits: int) -> bool:
    return client.stats.link(slug)["totals"]["hits"] >= hits


@pytest.fixture
def clicked(service, client):
    """A link with three counted clicks, a bot hit and a direct hit, all written."""
    from conftest import wait_until

    slug = unique("stats")
    client.links.create(slug, "https://shop.example/stats")
    for _ in range(3):
        assert follow(service, slug).status_code == 302
    follow(service, slug, user_agent="Googlebot/2.1")
    follow(service, slug, referer=None)
    wait_until(lambda: recorded(client, slug, 5), 10, "five hits in stats")
    return slug


def test_link_stats_count_honest_clicks_and_every_hit(client, clicked):
    now = datetime.now(timezone.utc)
    stats = client.stats.link(clicked, start=now - timedelta(days=1), end=now + timedelta(hours=1), tz="Europe/Berlin", interval="hour")
    assert (stats["totals"]["counted"], stats["totals"]["hits"]) == (3, 5)
    assert stats["totals"]["by_reason"]["bot"] == 1 and stats["totals"]["by_reason"]["no_referer"] == 1
    assert stats["interval"] == "hour" and stats["tz"] == "Europe/Berlin"
    assert sum(bucket["counted"] for bucket in stats["series"]) == 3
    assert stats["top_referers"] == [{"path": "/articles/one", "counted": 3}]


def test_an_unknown_link_or_a_bad_range_is_an_error(client):
    with pytest.raises(ClicktrailError) as missing:
        client.stats.link(unique("missing"))
    assert missing.value.status == 404
    with pytest.raises(ClicktrailError) as backwards:
        client.stats.link(unique("x"), start="2026-02-01", end="2026-01-01")
    assert backwards.value.status == 400


def test_links_stats_list_every_link_across_pages(client, clicked):
    rows = list(client.stats.links(page_size=1))
    assert len({row["slug"] for row in rows}) == len(rows) > 1
    assert next(row for row in rows if row["slug"] == clicked)["counted"] == 3


def test_page_stats_list_viewed_pages(client):
    path = f"/articles/{unique('viewed')}"
    for _ in range(2):
        client.rpc.track_pageview(path, user_agent=BROWSER)
    row = next(row for row in client.stats.pages(page_size=2) if row["path"] == path)
    assert (row["views"], row["clicks"]) == (2, 0)


@pytest.mark.parametrize("format", ["ndjson", "csv"])
def test_export_streams_every_row_of_the_range(client, clicked, format):
    rows = client.stats.export(slug=clicked, format=format, start=datetime.now(timezone.utc) - timedelta(hours=1))
    first = next(rows)
    assert first["slug"] == clicked
    rest = list(rows)
    assert len(rest) == 4
    counted = [row["counted"] for row in [first, *rest]]
    assert counted.count(True if format == "ndjson" else "true") == 3


def test_export_can_be_abandoned_midway_and_the_client_goes_on(client, clicked):
    rows = client.stats.export(slug=clicked)
    next(rows)
    rows.close()
    assert client.stats.link(clicked)["totals"]["hits"] == 5


def test_export_refuses_an_unknown_format(client):
    with pytest.raises(ValueError):
        next(client.stats.export(format="xml"))
