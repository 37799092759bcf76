"""Reports page views and captures lead sources, without ever slowing or breaking a page."""

from __future__ import annotations

import logging
import re

from django.http import HttpRequest, HttpResponse

from .. import consent, ga_cookies
from .conf import new_visitor_id, settings, user_subject
from .sender import sender

logger = logging.getLogger("clicktrail")

# The service needs utm_source and utm_medium for a lead. Ads platforms that auto-tag with
# only a click id are attributed the way their own analytics do (Google Ads "google / cpc",
# Microsoft Advertising "bing / cpc"); other click ids ride along with UTM parameters only.
CLICK_ID_SOURCES = {"gclid": ("google", "cpc"), "msclkid": ("bing", "cpc")}
TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# A title is looked for in the page's head only; a larger page is not searched further.
TITLE_SEARCH_LIMIT = 64 * 1024


class ClicktrailMiddleware:
    """Put it after AuthenticationMiddleware. Every call goes to the background sender."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        try:
            self._observe(request, response)
        except Exception:
            logger.exception("clicktrail: could not report this request")
        return response

    def _observe(self, request: HttpRequest, response: HttpResponse) -> None:
        config = settings()
        if request.method != "GET" or request.path.startswith(config.exclude_paths):
            return
        if config.capture_leads:
            self._capture_lead(request, response)
        if config.track_pageviews and response.get("Content-Type", "").startswith("text/html"):
            self._track_pageview(request, response)

    def _capture_lead(self, request: HttpRequest, response: HttpResponse) -> None:
        config = settings()
        params = {}
        if not (request.GET.get("utm_source") and request.GET.get("utm_medium")):
            inferred = next((source for click_id, source in CLICK_ID_SOURCES.items() if request.GET.get(click_id)), None)
            if inferred is None:
                return
            params = {"utm_source": inferred[0], "utm_medium": inferred[1]}
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            subject = user_subject(user)
        else:
            subject = request.COOKIES.get(config.visitor_cookie) or new_visitor_id()
            response.set_cookie(
                config.visitor_cookie, subject, max_age=config.visitor_cookie_age, httponly=True, samesite="Lax", secure=request.is_secure())
        call = {"subject": subject, "url": request.build_absolute_uri()}
        if params:
            call["params"] = params
        sender().submit("leads.capture", call)

    def _track_pageview(self, request: HttpRequest, response: HttpResponse) -> None:
        params = {
            "path": request.path,
            "status": response.status_code,
            "host": request.get_host(),
            "referer": request.META.get("HTTP_REFERER"),
            # Read by the service to tell bots from people; it is never stored.
            "user_agent": request.META.get("HTTP_USER_AGENT"),
            "title": getattr(request, "clicktrail_title", None) or _title(response),
            **visitor_analytics(request),
        }
        sender().submit("pageviews.track", {name: value for name, value in params.items() if value})


def visitor_analytics(request: HttpRequest) -> dict:
    """The GA ids and the banner's consent of this visitor, as JSON-RPC parameters."""
    config = settings()
    result = {"ga_client_id": ga_cookies.client_id(request.COOKIES.get("_ga"))}
    if config.ga_measurement_id:
        result["ga_session_id"] = ga_cookies.session_id(request.COOKIES.get(ga_cookies.session_cookie_name(config.ga_measurement_id)))
    if config.consent_format:
        result["consent"] = consent.from_cookie(config.consent_format, request.COOKIES.get(config.consent_cookie))
    return {name: value for name, value in result.items() if value is not None}


def _title(response: HttpResponse) -> str | None:
    if response.streaming:
        return None
    match = TITLE.search(response.content[:TITLE_SEARCH_LIMIT])
    if not match:
        return None
    title = " ".join(match.group(1).decode(response.charset or "utf-8", "replace").split())
    return title[:300] or None
