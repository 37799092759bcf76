"""The affiliate link snippet in Wagtail's admin: saving creates the link in Clicktrail, the edit
view shows its numbers, deleting removes it, and a refused sync is shown to the editor."""

from __future__ import annotations

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from clicktrail.wagtail.models import AffiliateLink
from conftest import BROWSER, SITE, free_port, unique, wait_until

pytestmark = pytest.mark.django_db
VIEWS = "wagtailsnippets_clicktrail_wagtail_affiliatelink"


@pytest.fixture
def editor():
    from django.test import Client

    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "a long password")
    browser = Client()
    browser.force_login(user)
    return browser


def form(slug: str, url: str = "https://shop.example/kettle", **extra) -> dict:
    return {"slug": slug, "name": "Kettle", "url": url, "tags": "kitchen, summer", "active": "on", **extra}


def test_a_saved_snippet_exists_in_clicktrail_redirects_and_shows_its_clicks(editor, client, service):
    slug = unique("kettle")
    response = editor.post(reverse(f"{VIEWS}:add"), form(slug))
    assert response.status_code == 302, response.content.decode()[:2000]
    link = client.links.get(slug)
    assert (link.url, link.name, link.tags, link.active) == ("https://shop.example/kettle", "Kettle", ["kitchen", "summer"], True)

    followed = httpx.get(f"{service.url}/go/{slug}", headers={"Referer": f"{SITE}/shop/", "User-Agent": BROWSER})
    assert followed.headers["Location"] == "https://shop.example/kettle"
    wait_until(lambda: client.stats.link(slug)["totals"]["counted"] == 1, 10, "the click")
    httpx.get(f"{service.url}/go/{slug}", headers={"User-Agent": "curl/8"})
    wait_until(lambda: client.stats.link(slug)["totals"]["hits"] == 2, 10, "the bot hit")

    snippet = AffiliateLink.objects.get(slug=slug)
    page = editor.get(reverse(f"{VIEWS}:edit", args=[snippet.pk])).content.decode()
    assert "data-counted>1<" in page and "data-hits>2<" in page and f"/go/{slug}" in page


def test_editing_a_snippet_replaces_the_link_and_renaming_it_moves_it(editor, client):
    slug = unique("mixer")
    editor.post(reverse(f"{VIEWS}:add"), form(slug))
    snippet = AffiliateLink.objects.get(slug=slug)
    renamed = unique("mixer")
    response = editor.post(reverse(f"{VIEWS}:edit", args=[snippet.pk]), {"slug": renamed, "name": "", "url": "https://shop.example/mixer", "tags": ""})
    assert response.status_code == 302
    link = client.links.get(renamed)
    assert (link.url, link.name, link.tags, link.active) == ("https://shop.example/mixer", renamed, [], False)
    assert client.links.get(slug) is None


def test_a_link_clicktrail_refuses_is_shown_on_the_form_and_not_saved(editor, client):
    slug = unique("ipv6")
    response = editor.post(reverse(f"{VIEWS}:add"), form(slug, url="http://[::1]/kettle"))
    assert response.status_code == 200
    assert "Clicktrail:" in response.content.decode()
    assert not AffiliateLink.objects.filter(slug=slug).exists()
    assert client.links.get(slug) is None


def test_a_save_while_clicktrail_is_down_is_shown_and_not_saved(editor, settings):
    settings.CLICKTRAIL = {**settings.CLICKTRAIL, "URL": f"http://127.0.0.1:{free_port()}"}
    slug = unique("down")
    response = editor.post(reverse(f"{VIEWS}:add"), form(slug))
    assert response.status_code == 200
    assert "Clicktrail did not take this link" in response.content.decode()
    assert not AffiliateLink.objects.filter(slug=slug).exists()


def test_deleting_a_snippet_deletes_the_link(editor, client, service):
    slug = unique("gone")
    editor.post(reverse(f"{VIEWS}:add"), form(slug))
    snippet = AffiliateLink.objects.get(slug=slug)
    assert editor.post(reverse(f"{VIEWS}:delete", args=[snippet.pk])).status_code == 302
    assert not AffiliateLink.objects.filter(pk=snippet.pk).exists()
    assert client.links.get(slug) is None
    assert httpx.get(f"{service.url}/go/{slug}", headers={"User-Agent": BROWSER}).status_code == 404


def test_a_delete_clicktrail_cannot_do_keeps_the_snippet_and_says_why(editor, client, settings):
    slug = unique("kept")
    editor.post(reverse(f"{VIEWS}:add"), form(slug))
    snippet = AffiliateLink.objects.get(slug=slug)
    settings.CLICKTRAIL = {**settings.CLICKTRAIL, "URL": f"http://127.0.0.1:{free_port()}"}
    response = editor.post(reverse(f"{VIEWS}:delete", args=[snippet.pk]), follow=True)
    assert AffiliateLink.objects.filter(pk=snippet.pk).exists()
    assert "could not delete" in response.content.decode()
    assert client.links.get(slug) is not None


def test_the_shipped_migration_matches_the_model():
    from django.core.management import call_command

    call_command("makemigrations", "clicktrail_wagtail", "--check", "--dry-run", verbosity=0)
