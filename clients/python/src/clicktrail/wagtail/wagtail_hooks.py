"""Registers the snippet, and deletes a link in Clicktrail before the CMS forgets it."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..django.conf import client
from ..errors import ClicktrailError
from .models import AffiliateLink


class AffiliateLinkViewSet(SnippetViewSet):
    model = AffiliateLink
    icon = "link"
    menu_label = "Affiliate links"
    list_display = ["slug", "name", "url", "active"]
    search_fields = ["slug", "name", "url"]


register_snippet(AffiliateLinkViewSet)


@hooks.register("before_delete_snippet")
def delete_in_clicktrail(request, instances):
    links = [instance for instance in instances if isinstance(instance, AffiliateLink)]
    for link in links:
        try:
            client().links.delete(link.slug)
        except ClicktrailError as error:
            messages.error(request, f"Clicktrail could not delete /go/{link.slug}, so the link was kept: {error}")
            return redirect(request.META.get("HTTP_REFERER") or "wagtailsnippets_clicktrail_wagtail_affiliatelink:list")
    return None
