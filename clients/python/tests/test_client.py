"""The client against the real service: every links, leads and JSON-RPC method, paging,
tokens minted from a key, and each error shape."""

from __future__ import annotations

import base64
import http.server
import threading

import jwt
import pytest

from clicktrail import Clicktrail, ClicktrailError, Lead, Link
from conftest import BROWSER, SITE, free_port, unique


def test_create_get_update_put_and_delete_a_link(client):
    slug = unique("shoe")
    created = client.links.create(slug, "https://shop.example/shoe", name="Shoe", tags=["shoes", "summer"])
    assert isinstance(created, Link)
    assert (created.slug, created.url, created.name, created.tags, created.active) == (slug, "https://shop.example/shoe", "Shoe", ["shoes", "summer"], True)
    assert created.created_at is not None and created.created_at.tzinfo is not None

    assert client.links.get(slug) == created
    assert client.links.get(unique("missing")) is None

    changed = client.links.update(slug, redirect_status=301, active=False)
    assert (changed.redirect_status, changed.active, changed.name) == (301, False, "Shoe")
    assert client.links.update(slug, name=None).name == slug  # merge patch: null resets to the default

    replaced = client.links.put(slug, "https://shop.example/shoe-2")
    assert (replaced.url, replaced.tags, replaced.redirect_status, replaced.id) == ("https://shop.example/shoe-2", [], 302, created.id)

    assert client.links.delete(slug) is True
    assert client.links.get(slug) is None
    assert client.links.delete(slug) is False


def test_put_creates_a_missing_link(client):
    slug = unique("synced")
    link = client.links.put(slug, "https://shop.example/synced", tags=["cms"])
    assert client.links.get(slug).id == link.id


def test_list_reads_every_page_lazily_and_filters(client):
    tag = unique("paged")
    slugs = [f"{tag}-{n}" for n in range(7)]
    for n, slug in enumerate(slugs):
        client.links.create(slug, f"https://shop.example/{n}", tags=[tag], active=n % 2 == 0)

    listed = client.links.list(tag=tag, page_size=2)
    assert next(listed).slug == slugs[0]
    assert [link.slug for link in listed] == slugs[1:]
    assert [link.slug for link in client.links.list(tag=tag, active=False, page_size=2)] == slugs[1::2]
    assert [link.slug for link in client.links.list(q=slugs[3].upper())] == [slugs[3]]


def test_a_taken_slug_is_a_409_with_the_problem_fields(client):
    slug = unique("taken")
    client.links.create(slug, "https://shop.example/a")
    with pytest.raises(ClicktrailError) as raised:
        client.links.create(slug, "https://shop.example/b")
    error = raised.value
    assert error.status == 409 and error.title and error.detail and error.code is None


def test_a_bad_link_is_a_422_naming_every_bad_field(client):
    with pytest.raises(ClicktrailError) as raised:
        client.links.create("Bad Slug", "ftp://shop.example", redirect_status=303)
    error = raised.value
    assert error.status == 422
    assert {problem["field"] for problem in error.errors} == {"slug", "url", "redirect_status"}
    assert all(problem["message"] for problem in error.errors)


def test_a_token_that_does_not_verify_is_a_401(service):
    with Clicktrail(service.url, "not-a-jwt") as client, pytest.raises(ClicktrailError) as raised:
        client.links.get("anything")
    assert raised.value.status == 401


def test_a_token_without_the_scope_is_a_403(service):
    kid, secret = service.key.split(":")
    token = jwt.encode({"scope": "stats:read", "exp": 4102444800}, base64.b64decode(secret), algorithm="HS256", headers={"kid": kid})
    with Clicktrail(service.url, token) as client:
        client.stats.outbox()
        with pytest.raises(ClicktrailError) as raised:
            client.links.create(unique("scope"), "https://shop.example/")
    assert raised.value.status == 403


def test_tokens_minted_from_the_key_carry_only_the_scope_of_the_call(service):
    seen = []

    def record(request):
        seen.append(request.headers["Authorization"].removeprefix("Bearer "))

    with Clicktrail(service.url, key=service.key) as client:
        client._http.event_hooks["request"].append(record)
        client.links.get(unique("x"))
        client.stats.outbox()
        client.stats.outbox()
    kid, secret = service.key.split(":")
    claims = [jwt.decode(token, base64.b64decode(secret), algorithms=["HS256"]) for token in seen]
    assert [claim["scope"] for claim in claims] == ["links:read", "stats:read", "stats:read"]
    assert seen[1] == seen[2]  # reused until it nears expiry
    assert all(jwt.get_unverified_header(token)["kid"] == kid for token in seen)
    assert all(0 < claim["exp"] - claim["iat"] <= 300 for claim in claims)


@pytest.mark.parametrize("key", ["no-colon", ":c2VjcmV0", "k:not base64!", f"k:{base64.b64encode(b'short').decode()}"])
def test_a_malformed_key_is_refused_at_once(key):
    with pytest.raises(ValueError):
        Clicktrail("http://127.0.0.1:9", key=key)


def test_an_unreachable_service_is_an_error_without_a_status():
    with Clicktrail(f"http://127.0.0.1:{free_port()}", "token", retries=1, backoff=0.01) as client, pytest.raises(ClicktrailError) as raised:
        client.links.get("x")
    assert raised.value.status is None and raised.value.__cause__ is not None


class FlakyProxy:
    """Answers 503 to the first `failures` requests, then 200 with an empty link list."""

    def __init__(self, failures: int) -> None:
        self.methods: list[str] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                proxy.methods.append(self.command)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                failing = len(proxy.methods) <= failures
                body = b'{"title":"Service Unavailable","status":503,"detail":"restarting","type":"about:blank"}' if failing else b'{"items":[],"next_cursor":null}'
                self.send_response(503 if failing else 200)
                self.send_header("Content-Type", "application/problem+json" if failing else "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_idempotent_calls_are_retried_on_503_and_others_are_not():
    proxy = FlakyProxy(failures=2)
    with Clicktrail(proxy.url, "token", retries=2, backoff=0.01) as client:
        assert list(client.links.list()) == []
        assert proxy.methods == ["GET", "GET", "GET"]
    proxy = FlakyProxy(failures=1)
    with Clicktrail(proxy.url, "token", retries=2, backoff=0.01) as client, pytest.raises(ClicktrailError) as raised:
        client.links.create("x", "https://shop.example/")
    assert proxy.methods == ["POST"] and raised.value.status == 503 and raised.value.detail == "restarting"
    proxy.server.shutdown()


def test_leads_are_listed_by_filter_across_pages_and_erased(client):
    subject = unique("visitor")
    campaign = unique("spring")
    for n in range(5):
        client.rpc.capture_lead(subject, url=f"https://www.shop.test/landing?utm_source=news&utm_medium=email&utm_campaign={campaign}&n={n}")
    client.rpc.capture_lead(unique("other"), params={"utm_source": "news", "utm_medium": "email", "utm_campaign": campaign})

    leads = list(client.leads.list(subject=subject, page_size=2))
    assert len(leads) == 5 and all(isinstance(lead, Lead) for lead in leads)
    assert {(lead.utm_source, lead.utm_medium, lead.utm_campaign, lead.landing_path) for lead in leads} == {("news", "email", campaign, "/landing")}
    assert len(list(client.leads.list(utm_campaign=campaign, page_size=4))) == 6

    assert client.leads.erase(subject) == 5
    assert list(client.leads.list(subject=subject)) == []
    assert client.leads.erase(subject) == 0


def test_rpc_methods_answer_their_results(client, ga):
    slug = unique("rpc")
    client.links.create(slug, "https://shop.example/rpc")
    visitor = f"{unique('v')}"
    ga_client = "1234567.89"

    click = client.rpc.ingest_click(slug, referer=f"{SITE}/articles/one?utm_source=blog&utm_medium=referral", user_agent=BROWSER, site_host="testserver")
    assert click["counted"] is True and click["reason"] == "ok" and isinstance(click["id"], int)
    bot = client.rpc.ingest_click(slug, referer=f"{SITE}/a", user_agent="curl/8.0")
    assert (bot["counted"], bot["reason"]) == (False, "bot")

    view = client.rpc.track_pageview("/articles/rpc", title="RPC", host="testserver", user_agent=BROWSER, status=200)
    assert view == {"counted": True, "reason": "ok", "ga_status": view["ga_status"]}

    assert isinstance(client.rpc.capture_lead(visitor, params={"utm_source": "ads", "utm_medium": "cpc"})["id"], int)
    client.rpc.assign_leads(visitor, "user-42-" + visitor)
    assert [lead.subject for lead in client.leads.list(subject="user-42-" + visitor)] == ["user-42-" + visitor]

    stored = client.rpc.set_consent(ga_client, {"analytics_storage": "granted"}, source="banner")
    assert stored["signals"]["analytics_storage"] == "granted" and stored["signals"]["ad_storage"] == "denied"
    assert client.rpc.get_consent(ga_client)["signals"] == stored["signals"]


def test_rpc_errors_carry_code_message_and_data(client):
    with pytest.raises(ClicktrailError) as unknown:
        client.rpc.ingest_click(unique("nope"), user_agent=BROWSER)
    assert unknown.value.code == -32001 and unknown.value.message and unknown.value.data["slug"].startswith("nope-")
    with pytest.raises(ClicktrailError) as invalid:
        client.rpc.capture_lead(unique("v"), params={"utm_source": "ads"})
    assert invalid.value.code == -32602 and invalid.value.data["field"] == "utm_medium"
    assert invalid.value.status == 200 and invalid.value.errors == []


def test_a_batch_is_one_request_and_settles_each_call(service, client):
    requests = []
    client._http.event_hooks["request"].append(requests.append)
    with client.rpc.batch() as batch:
        view = batch.track_pageview("/batched", user_agent=BROWSER)
        bad = batch.ingest_click(unique("nope"), user_agent=BROWSER)
        consent = batch.get_consent(unique("nobody"))
        with pytest.raises(RuntimeError):
            view.result
    assert len(requests) == 1
    assert view.result["counted"] is True
    assert consent.result["signals"]["analytics_storage"] == "denied"
    with pytest.raises(ClicktrailError) as raised:
        bad.result
    assert raised.value.code == -32001


def test_a_batch_longer_than_the_service_takes_is_sent_in_parts(client):
    requests = []
    client._http.event_hooks["request"].append(requests.append)
    with client.rpc.batch() as batch:
        calls = [batch.track_pageview(f"/many/{n}", user_agent=BROWSER) for n in range(150)]
    assert len(requests) == 2 and all(call.result["counted"] for call in calls)


def test_a_links_schedule_limit_and_routing_read_back_typed(client):
    slug = unique("routed")
    link = client.links.create(
        slug, "https://shop.example/r", starts_at="2026-01-01T00:00:00Z", max_clicks=5, expired_url="https://shop.example/over",
        destinations=[{"url": "https://shop.example/a", "weight": 1}, {"url": "https://shop.example/b", "weight": 3}],
        rules=[{"device": "ios", "url": "https://apps.example/ios"}])
    assert link.state == "live" and link.max_clicks == 5 and link.starts_at.year == 2026 and link.expires_at is None
    assert [d["weight"] for d in link.destinations] == [1, 3] and link.rules[0]["device"] == "ios"
    assert client.links.update(slug, rules=None, destinations=None).rules is None
