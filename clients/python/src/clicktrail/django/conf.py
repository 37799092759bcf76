"""The ``CLICKTRAIL`` setting, the shared client, and the ids the integration derives."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.crypto import salted_hmac

from .. import consent
from ..client import Clicktrail


@dataclass(frozen=True)
class Settings:
    url: str
    key: str | None
    token: str | None
    # Where browsers reach the service, when it differs from URL (which the server calls).
    public_url: str
    timeout: float
    queue_size: int
    batch_size: int
    track_pageviews: bool
    capture_leads: bool
    exclude_paths: tuple[str, ...]
    consent_format: str | None
    consent_cookie: str | None
    visitor_cookie: str
    visitor_cookie_age: int
    ga_measurement_id: str | None


@functools.cache
def settings() -> Settings:
    raw = getattr(django_settings, "CLICKTRAIL", None)
    if not isinstance(raw, dict) or not raw.get("URL"):
        raise ImproperlyConfigured('CLICKTRAIL = {"URL": "https://…", "KEY": "kid:base64secret"} is required')
    unknown = set(raw) - {
        "URL", "KEY", "TOKEN", "PUBLIC_URL", "TIMEOUT", "QUEUE_SIZE", "BATCH_SIZE", "TRACK_PAGEVIEWS", "CAPTURE_LEADS",
        "EXCLUDE_PATHS", "CONSENT_COOKIE_FORMAT", "CONSENT_COOKIE", "VISITOR_COOKIE", "VISITOR_COOKIE_AGE", "GA_MEASUREMENT_ID",
    }
    if unknown:
        raise ImproperlyConfigured(f"CLICKTRAIL has unknown settings: {', '.join(sorted(unknown))}")
    if raw.get("KEY") and raw.get("TOKEN"):
        raise ImproperlyConfigured("CLICKTRAIL takes KEY or TOKEN, not both")
    consent_format = raw.get("CONSENT_COOKIE_FORMAT")
    if consent_format is not None and consent_format not in consent.DEFAULT_COOKIES:
        raise ImproperlyConfigured(f"CLICKTRAIL CONSENT_COOKIE_FORMAT must be one of {', '.join(consent.DEFAULT_COOKIES)}")
    # Files, not pages; an unset MEDIA_URL reads as "/", which would exclude everything.
    static_prefixes = tuple(
        str(prefix) for prefix in (getattr(django_settings, "STATIC_URL", None), getattr(django_settings, "MEDIA_URL", None))
        if prefix and str(prefix).startswith("/") and str(prefix) != "/")
    return Settings(
        url=raw["URL"].rstrip("/"),
        key=raw.get("KEY"),
        token=raw.get("TOKEN"),
        public_url=(raw.get("PUBLIC_URL") or raw["URL"]).rstrip("/"),
        timeout=float(raw.get("TIMEOUT", 5.0)),
        queue_size=int(raw.get("QUEUE_SIZE", 1000)),
        batch_size=min(int(raw.get("BATCH_SIZE", 50)), 100),
        track_pageviews=bool(raw.get("TRACK_PAGEVIEWS", True)),
        capture_leads=bool(raw.get("CAPTURE_LEADS", True)),
        exclude_paths=tuple(raw.get("EXCLUDE_PATHS", ())) + static_prefixes,
        consent_format=consent_format,
        consent_cookie=raw.get("CONSENT_COOKIE") or (consent.DEFAULT_COOKIES[consent_format] if consent_format else None),
        visitor_cookie=raw.get("VISITOR_COOKIE", "clicktrail_visitor"),
        visitor_cookie_age=int(raw.get("VISITOR_COOKIE_AGE", 365 * 24 * 3600)),
        ga_measurement_id=raw.get("GA_MEASUREMENT_ID"),
    )


@functools.cache
def client() -> Clicktrail:
    """The client for calls made while serving a request (the Wagtail sync, stats panels)."""
    config = settings()
    return Clicktrail(config.url, config.token, key=config.key, timeout=config.timeout)


def _forget(*, setting: str, **kwargs) -> None:
    if setting == "CLICKTRAIL":
        settings.cache_clear()
        client.cache_clear()
        from .sender import reset_sender

        reset_sender()


setting_changed.connect(_forget)


def new_visitor_id() -> str:
    """A random first-party id: the only thing that ties a landing to a later sign-in."""
    return "v-" + secrets.token_hex(16)


def user_subject(user) -> str:
    """The lead subject of a signed-in user: derived from the primary key with the site's secret,
    so it never carries an e-mail or a guessable id; the same user always gets the same one."""
    return "u-" + salted_hmac("clicktrail.user-subject", str(user.pk)).hexdigest()[:32]
