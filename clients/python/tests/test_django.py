"""The Django app on a small site against the real service: lead sources from a landing follow
the visitor through sign-in, page views reach stats (and GA with consent), the template tag's
URL redirects and counts."""

from __future__ import annotations

import re

import httpx
import pytest
from django.test import Client
from django.contrib.auth import get_user_model

from clicktrail import consent
from clicktrail.django import user_subject
from clicktrail.django.sender import sender
from conftest import BROWSER, SITE, unique, wait_until

pytestmark = pytest.mark.django_db


def sent() -> None:
    """Waits until the background sender has sent everything the requests queued."""
    assert sender().flush(timeout=10)


def test_a_landing_with_utm_then_a_sign_in_files_the_lead_under_the_user(client, service):
    browser = Client(HTTP_USER_AGENT=BROWSER)
    campaign = unique("spring")
    landing = browser.get(f"/articles/welcome/?utm_source=newsletter&utm_medium=email&utm_campaign={campaign}&gclid=abc")
    assert landing.status_code == 200
    visitor = landing.cookies["clicktrail_visitor"]
    assert visitor.value.startswith("v-") and visitor["httponly"]

    user = get_user_model().objects.create_user("reader", "reader@example.com", "a long password")
    assert browser.post("/login/", {"username": "reader", "password": "a long password"}).status_code == 302
    sent()

    subject = user_subject(user)
    assert "reader" not in subject and "@" not in subject and str(user.pk) not in subject.removeprefix("u-")[:1]
    leads = list(client.leads.list(subject=subject))
    assert [(lead.utm_source, lead.utm_medium, lead.utm_campaign, lead.gclid, lead.landing_path) for lead in leads] == [
        ("newsletter", "email", campaign, "abc", "/articles/welcome/")
    ]
    assert list(client.leads.list(subject=visitor.value)) == []


def test_a_signed_in_visitor_landing_is_filed_under_the_user_at_once(client):
    user = get_user_model().objects.create_user("member", password="a long password")
    browser = Client(HTTP_USER_AGENT=BROWSER)
    browser.force_login(user)
    click_id = unique("gclid")
    response = browser.get(f"/articles/x/?gclid={click_id}")
    assert "clicktrail_visitor" not in response.cookies
    sent()
    leads = [lead for lead in client.leads.list(subject=user_subject(user)) if lead.gclid == click_id]
    assert [(lead.utm_source, lead.utm_medium) for lead in leads] == [("google", "cpc")]


def test_a_page_without_lead_parameters_sets_no_cookie():
    browser = Client(HTTP_USER_AGENT=BROWSER)
    assert browser.get("/articles/plain/?utm_source=only-half").cookies == {}


def test_page_views_show_in_page_stats_and_pages_that_are_not_pages_are_left_out(client):
    browser = Client(HTTP_USER_AGENT=BROWSER)
    slug = unique("viewed")
    for _ in range(3):
        assert browser.get(f"/articles/{slug}/").status_code == 200
    browser.post(f"/articles/{slug}/")
    browser.get("/api/ping/")
    browser.get(f"/articles/{slug}/", HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    sent()
    pages = {row["path"]: row for row in client.stats.pages()}
    assert pages[f"/articles/{slug}/"]["views"] == 3
    assert "/api/ping/" not in pages


def test_a_consented_page_view_reaches_ga_with_its_title_and_a_refused_one_does_not(ga):
    denied, granted = "111111.222", "333333.444"
    browser = Client(HTTP_USER_AGENT=BROWSER)
    browser.cookies["_ga"] = f"GA1.1.{denied}"
    browser.cookies["clicktrail_consent"] = "analytics_storage:denied"
    browser.get("/articles/refused/")
    browser.cookies["_ga"] = f"GA1.1.{granted}"
    browser.cookies["clicktrail_consent"] = "analytics_storage:granted"
    browser.cookies["_ga_PYTEST"] = "GS2.1.s1764460000$o1$g1$t1764460100"
    browser.get("/articles/granted/")
    sent()
    [event] = wait_until(lambda: ga.received("page_view", granted), 15, "the consented page view at GA")
    assert event["params"]["page_title"] == "Article granted"
    assert event["params"]["session_id"] in ("1764460000", 1764460000)
    assert ga.received("page_view", denied) == []


def test_the_go_url_tag_links_to_a_link_that_redirects_and_counts_with_the_sites_referer(client, service):
    slug = unique("tagged")
    client.links.create(slug, "https://shop.example/tagged")
    page = Client(HTTP_USER_AGENT=BROWSER).get(f"/articles/{slug}/")
    href = re.search(r'href="([^"]+)"', page.content.decode()).group(1)
    assert href == f"{service.url}/go/{slug}"

    followed = httpx.get(href, headers={"Referer": f"{SITE}/articles/{slug}/", "User-Agent": BROWSER})
    assert (followed.status_code, followed.headers["Location"]) == (302, "https://shop.example/tagged")
    wait_until(lambda: client.stats.link(slug)["totals"]["counted"] == 1, 10, "the click to be counted")


# Expected: the first letter of analytics_storage, ad_storage, ad_user_data, ad_personalization.
@pytest.mark.parametrize(
    ("format", "cookie", "expected"),
    [
        ("clicktrail", "analytics_storage:granted,ad_storage:denied", "gddd"),
        ("clicktrail", "%7B%22analytics_storage%22%3A%22granted%22%2C%22ad_storage%22%3A%22granted%22%7D", "ggdd"),
        ("clicktrail", "analytics_storage:maybe", "dddd"),
        ("cookiebot", "{stamp:'x',necessary:true,preferences:false,statistics:true,marketing:false,method:'explicit',ver:1}", "gddd"),
        ("cookiebot", "-1", "gggg"),
        ("cookiebot", "{statistics:yes}", "dddd"),
        ("cookieyes", "consentid:x,consent:yes,action:yes,necessary:yes,analytics:no,advertisement:yes", "dggg"),
        ("cookieyes", "garbage", "dddd"),
    ],
)
def test_consent_cookies_are_read_like_the_service_reads_them(format, cookie, expected):
    signals = consent.from_cookie(format, cookie)
    assert [signals[name][0] for name in consent.SIGNALS] == list(expected)


def test_no_consent_cookie_leaves_the_decision_to_the_stored_consent():
    assert consent.from_cookie("cookiebot", None) is None
