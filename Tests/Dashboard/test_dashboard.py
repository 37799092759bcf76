"""The dashboard in a real browser against the real binary: what an editor sees equals what the
stats API answers, links are made and changed through the forms, and the session cookie is
usable only from the dashboard itself."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import httpx
import pytest

from conftest import sign_in

SCREEN_WIDTHS = (1280, 375)


def number(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text))


def test_the_overview_shows_the_stats_apis_numbers_with_one_chart_point_per_bucket(watched, service):
    page = watched.page
    with page.expect_response(lambda response: "/api/v1/stats/overview" in response.url) as overview:
        sign_in(page, service.token("stats:read"))
    page.wait_for_selector("[data-loaded=true]")
    with service.api("stats:read") as api:
        expected = api.get(overview.value.url).json()
        assert expected["totals"]["hits"] > 0
        assert number(page.text_content("#total-counted")) == expected["totals"]["counted"]
        assert number(page.text_content("#total-hits")) == expected["totals"]["hits"]
        for reason, hits in expected["totals"]["by_reason"].items():
            assert number(page.text_content(f'table[data-breakdown] tr[data-key="{reason}"] td.num')) == hits
        points = page.evaluate("() => Chart.getChart(document.querySelector('.chart canvas')).data.datasets.map((d) => d.data.length)")
        assert points == [len(expected["series"])] * 2
        assert page.locator(".series-table tbody tr").count() == len(expected["series"])
        query = dict(httpx.URL(overview.value.url).params)
        table = api.get("/api/v1/stats/links", params={k: query[k] for k in ("from", "to", "tz")} | {"limit": 50}).json()["items"]
        first = page.locator("#links-table tbody tr").first
        assert first.locator("a").text_content() == table[0]["slug"]
        assert number(first.locator("td.num").first.text_content()) == table[0]["counted"]
        # Sixty links: the first fifty, then the rest on request.
        assert page.locator("#links-table tbody tr").count() == 50
        page.click("#more-links")
        page.wait_for_function("() => document.querySelectorAll('#links-table tbody tr').length === 60")
        assert page.is_hidden("#more-links")

        # Thirty days in the browser's zone: one point per day.
        with page.expect_response(lambda response: "/api/v1/stats/overview" in response.url) as month:
            page.select_option("#range", "30d")
        page.wait_for_selector("[data-loaded=true]")
        assert httpx.URL(month.value.url).params["interval"] == "day"
        expected = api.get(month.value.url).json()
        assert len(expected["series"]) == 30
        assert page.evaluate("() => Chart.getChart(document.querySelector('.chart canvas')).data.labels.length") == 30
        assert number(page.text_content("#total-counted")) == expected["totals"]["counted"]


def test_an_empty_range_says_what_to_do(watched, service):
    page = watched.page
    sign_in(page, service.token("stats:read"))
    page.select_option("#range", "custom")
    page.fill("#from", "2020-01-01")
    with page.expect_response(lambda response: "/api/v1/stats/overview" in response.url):
        page.fill("#to", "2020-01-07")
        page.dispatch_event("#to", "change")
    page.wait_for_selector("[data-loaded=true]")
    assert "No clicks yet in this range — link to /go/<slug> from your site" in page.text_content("main")


def test_link_detail_shows_its_numbers_and_its_go_url(watched, service):
    page = watched.page
    sign_in(page, service.token("stats:read", "links:read"))
    page.wait_for_selector("[data-loaded=true]")
    slug = page.locator("#links-table tbody tr a").first.text_content()
    with page.expect_response(lambda response: f"/api/v1/stats/links/{slug}?" in response.url) as stats:
        page.locator("#links-table tbody tr a").first.click()
    page.wait_for_selector("#link-counted")
    with service.api("stats:read") as api:
        expected = api.get(stats.value.url).json()
    assert number(page.text_content("#link-counted")) == expected["totals"]["counted"]
    assert number(page.text_content("#link-hits")) == expected["totals"]["hits"]
    assert page.input_value("#go-url") == f"{service.url}/go/{slug}"
    assert page.locator("dl.settings").text_content().count(slug) >= 1


def test_a_link_made_through_the_form_redirects(watched, service):
    page = watched.page
    sign_in(page, service.token("links:write", "stats:read"))
    page.goto("/dashboard/#/links/new")
    slug = f"form-{uuid.uuid4().hex[:8]}"
    page.fill("#field-slug", slug)
    page.fill("#field-name", "Made in the browser")
    page.fill("#field-url", "https://shop.example/from-the-form")
    page.fill("#field-tags", "spring, sale")
    page.click("button.primary")
    page.wait_for_url(f"**/dashboard/#/links/{slug}")
    page.wait_for_selector("#go-url")
    redirect = httpx.get(page.input_value("#go-url"), follow_redirects=False)
    assert redirect.status_code == 302
    assert redirect.headers["location"] == "https://shop.example/from-the-form"
    with service.api("links:read") as api:
        assert api.get(f"/api/v1/links/{slug}").json()["tags"] == ["spring", "sale"]


def test_bad_fields_show_the_apis_errors_next_to_them(watched, service):
    page = watched.page
    sign_in(page, service.token("links:write"))
    page.goto("/dashboard/#/links/new")
    page.fill("#field-slug", "Not A Slug")
    page.fill("#field-url", "ftp://files.example/")
    page.click("button.primary")
    page.wait_for_selector("#field-url-error:not([hidden])")
    assert "http" in page.text_content("#field-url-error")
    assert page.is_visible("#field-slug-error")
    assert page.is_hidden("#field-name-error")
    with service.api("links:read") as api:
        assert api.get("/api/v1/links", params={"q": "files.example"}).json()["items"] == []


def test_deactivating_stops_the_redirect(watched, service):
    slug = f"off-{uuid.uuid4().hex[:8]}"
    with service.api("links:write") as api:
        assert api.post("/api/v1/links", json={"slug": slug, "url": "https://shop.example/off"}).status_code == 201
    page = watched.page
    sign_in(page, service.token("links:write"))
    page.goto(f"/dashboard/#/links/{slug}")
    page.click("#toggle-active")
    page.wait_for_selector("#toggle-active:text('Activate')")
    with service.api("links:read") as api:
        assert api.get(f"/api/v1/links/{slug}").json()["active"] is False
    assert httpx.get(f"{service.url}/go/{slug}", follow_redirects=False).status_code == 404


def test_editing_changes_the_link_and_deleting_asks_first(watched, service):
    slug = f"edit-{uuid.uuid4().hex[:8]}"
    with service.api("links:write") as api:
        assert api.post("/api/v1/links", json={"slug": slug, "url": "https://shop.example/old", "tags": ["keep"]}).status_code == 201
    page = watched.page
    sign_in(page, service.token("links:write"))
    page.goto(f"/dashboard/#/links/{slug}/edit")
    assert page.input_value("#field-tags") == "keep"
    assert page.get_attribute("#field-slug", "readonly") is not None
    page.fill("#field-name", "Renamed in the browser")
    page.fill("#field-url", "https://shop.example/new")
    page.click("button.primary")
    page.wait_for_url(f"**/dashboard/#/links/{slug}")
    page.wait_for_selector("text=Renamed in the browser")
    with service.api("links:read") as api:
        link = api.get(f"/api/v1/links/{slug}").json()
    assert (link["name"], link["url"], link["tags"]) == ("Renamed in the browser", "https://shop.example/new", ["keep"])

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("text=Delete")
    with service.api("links:read") as api:
        assert api.get(f"/api/v1/links/{slug}").status_code == 200, "dismissing the question keeps the link"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Delete")
    page.wait_for_url("**/dashboard/#/links")
    with service.api("links:read") as api:
        assert api.get(f"/api/v1/links/{slug}").status_code == 404


def test_links_list_filters_and_pages(watched, service):
    page = watched.page
    sign_in(page, service.token("links:read"))
    page.goto("/dashboard/#/links")
    page.wait_for_selector("#links-list")
    page.fill("#search", "demo-001")
    page.click("form[role=search] button")
    page.wait_for_url("**q=demo-001**")
    page.wait_for_selector("#links-list")
    slugs = page.locator("#links-list tbody tr a").all_text_contents()
    assert slugs and all("demo-001" in slug for slug in slugs)

    page.goto("/dashboard/#/links?tag=demo")
    page.wait_for_selector("#links-list")
    first = page.locator("#links-list tbody tr a").all_text_contents()
    assert len(first) == 50
    page.click("#next-page")
    page.wait_for_url("**cursor=**")
    # Until the next page is drawn the list may be the first page or briefly empty: wait for rows
    # the first page did not have.
    page.wait_for_function(
        "(first) => { const slugs = [...document.querySelectorAll('#links-list tbody tr a')].map((a) => a.textContent);"
        " return slugs.length > 0 && !first.includes(slugs[0]); }",
        arg=first)
    second = page.locator("#links-list tbody tr a").all_text_contents()
    assert second and not set(first) & set(second)
    with service.api("links:read") as api:
        tagged = api.get("/api/v1/links", params={"tag": "demo", "limit": 500}).json()["items"]
    assert len(first) + len(second) == len(tagged)


def test_leads_are_browsed_and_an_admin_erases_a_subject_after_confirming(watched, service):
    subject = f"visitor-{uuid.uuid4().hex[:8]}"
    with service.api("ingest") as rpc:
        answer = rpc.post("/rpc", json={"jsonrpc": "2.0", "id": 1, "method": "leads.capture", "params": {
            "subject": subject, "params": {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "winter"}}}).json()
        assert "result" in answer, answer
    page = watched.page
    sign_in(page, service.token("admin"))
    page.goto(f"/dashboard/#/leads?subject={subject}")
    page.wait_for_selector("main table")
    assert "winter" in page.text_content("main table")
    page.click("#erase")
    assert page.is_visible("#erase-confirm")
    page.click("#erase-confirm")
    page.wait_for_selector("text=Erased 1 leads")
    with service.api("stats:read") as api:
        assert api.get("/api/v1/leads", params={"subject": subject}).json()["items"] == []


def test_a_stats_read_session_sees_no_write_buttons_and_cannot_write(watched, service):
    page = watched.page
    sign_in(page, service.token("stats:read", "links:read"))
    page.goto("/dashboard/#/links")
    page.wait_for_selector("#links-list")
    assert page.locator("text=New link").count() == 0
    page.locator("#links-list tbody tr a").first.click()
    page.wait_for_selector("#go-url")
    assert page.locator("#toggle-active").count() == 0
    status = page.evaluate("""() => fetch('/api/v1/links', {method: 'POST', headers: {'Content-Type': 'application/json',
        'X-Clicktrail-Dashboard': '1'}, body: JSON.stringify({slug: 'sneaky', url: 'https://shop.example/'})}).then((r) => r.status)""")
    assert status == 403


def test_the_cookie_is_http_only_strict_and_useless_elsewhere(watched, service):
    page = watched.page
    sign_in(page, service.token("links:write"))
    [cookie] = [c for c in page.context.cookies() if c["name"] == "clicktrail_session"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["secure"] is False  # plain HTTP on loopback
    assert page.evaluate("() => document.cookie") == ""
    without_header = page.evaluate("""() => fetch('/api/v1/links', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({slug: 'no-header', url: 'https://shop.example/'})}).then((r) => r.status)""")
    assert without_header == 403
    foreign = httpx.post(f"{service.url}/api/v1/links", json={"slug": "foreign", "url": "https://shop.example/"},
                         headers={"Origin": "https://evil.example", "X-Clicktrail-Dashboard": "1"},
                         cookies={"clicktrail_session": cookie["value"]})
    assert foreign.status_code == 403
    with service.api("links:read") as api:
        assert api.get("/api/v1/links/no-header").status_code == 404
        assert api.get("/api/v1/links/foreign").status_code == 404


def test_signing_out_sends_every_page_to_sign_in(watched, service):
    page = watched.page
    sign_in(page, service.token("stats:read"))
    page.click("text=Sign out")
    page.wait_for_url("**/dashboard/sign-in")
    assert [c for c in page.context.cookies() if c["name"] == "clicktrail_session"] == []
    page.goto("/dashboard/#/links")
    page.wait_for_url("**/dashboard/sign-in#/links")
    assert page.is_visible("#token")


def test_a_bad_token_is_refused_on_the_sign_in_page(watched, service):
    page = watched.page
    page.goto("/dashboard/sign-in")
    page.fill("#token", "not.a.token")
    page.click("button[type=submit]")
    assert "does not sign in" in page.text_content("#message")


def test_everything_loads_from_the_own_origin_under_the_csp(watched, service):
    page = watched.page
    sign_in(page, service.token("admin"))
    page.wait_for_selector("[data-loaded=true]")
    for route in ("#/links", "#/links/new", "#/leads", "#/links/demo-0001"):
        page.goto(f"/dashboard/{route}")
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_load_state("networkidle")
    origins = {f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in watched.requests}
    assert origins == {service.url}
    dashboard = [r for r in watched.responses if urlsplit(r.url).path.startswith("/dashboard")]
    assert dashboard and all(r.headers.get("content-security-policy") == "default-src 'self'" for r in dashboard)
    assert all(r.headers.get("x-frame-options") == "DENY" for r in dashboard)
    assert not [m for m in watched.console if "Content Security Policy" in m or "pageerror" in m], watched.console


def test_the_served_files_name_no_other_origin(service):
    files = ["/dashboard/sign-in"] + [f"/dashboard/assets/{name}" for name in ("app.js", "app.css", "chart.min.js", "icon.svg")]
    with service.api("stats:read") as api:
        files_and_bodies = [(path, api.get(path).text) for path in files] + [("/dashboard/", api.get("/dashboard/", headers={"Cookie": f"clicktrail_session={service.token('stats:read')}"}).text)]
    for path, body in files_and_bodies:
        assert body, path
        # Licence comments name their project's site; an XML namespace names no resource.
        code = re.sub(r"/\*.*?\*/", "", body, flags=re.S).replace('"http://www.w3.org/2000/svg"', "")
        code = code.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")
        assert not re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", code, flags=re.I), path
        for attribute in re.findall(r'(?:src|href|action)="([^"]*)"', code):
            assert attribute.startswith(("/", "#")), (path, attribute)


def test_keyboard_reaches_the_navigation_and_sign_out(watched, service):
    page = watched.page
    sign_in(page, service.token("stats:read"))
    page.wait_for_selector("[data-loaded=true]")
    reached = []
    for _ in range(8):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.textContent.trim()"))
    assert {"Skip to content", "Overview", "Links", "Sign out"} <= set(reached), reached


@pytest.mark.parametrize("width", SCREEN_WIDTHS)
def test_screenshots_fit_the_width(browser, service, screenshots, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=service.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, service.token("admin"))
        page.wait_for_selector("[data-loaded=true]")
        shots = {"overview": None, "links": "#/links", "link": "#/links/demo-0001", "leads": "#/leads"}
        for name, route in shots.items():
            if route:
                page.goto(f"/dashboard/{route}")
                page.wait_for_selector("body[data-ready=true]")
                page.wait_for_load_state("networkidle")
            # Wide tables scroll inside their own box; the page itself never scrolls sideways.
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1, name
            page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
        page.goto("/dashboard/#/links/new")
        page.fill("#field-slug", "shot")
        page.fill("#field-url", "ftp://bad")
        page.click("button.primary")
        page.wait_for_selector("#field-url-error:not([hidden])")
        page.screenshot(path=screenshots / f"form-error-{width}.png", full_page=True)
        assert (screenshots / f"overview-{width}.png").stat().st_size > 10_000
    finally:
        context.close()
