"""``{% load clicktrail %}{% go_url "slug" %}``: the absolute ``/go/`` URL of a link."""

from urllib.parse import quote

from django import template

from ..conf import settings

register = template.Library()


@register.simple_tag
def go_url(slug: str) -> str:
    return f"{settings().public_url}/go/{quote(str(slug), safe='')}"
