"""Consent Mode v2 signals read from a site's consent-banner cookie, in the formats the service
itself reads on ``/go/`` (see the service's docs/architecture.md, "Consent").

A cookie that is present but unreadable means "everything denied": a visitor who answered a
banner is never taken to have granted what could not be read. No cookie means "no answer yet":
None, so the service falls back to the consent stored for the visitor.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

SIGNALS = ("analytics_storage", "ad_storage", "ad_user_data", "ad_personalization")
DEFAULT_COOKIES = {"clicktrail": "clicktrail_consent", "cookiebot": "CookieConsent", "cookieyes": "cookieyes-consent"}


def signals(analytics: bool, advertising: bool) -> dict[str, str]:
    state = {True: "granted", False: "denied"}
    return {"analytics_storage": state[analytics], "ad_storage": state[advertising], "ad_user_data": state[advertising], "ad_personalization": state[advertising]}


ALL_DENIED = signals(False, False)


def from_cookie(format: str, raw: str | None) -> dict[str, str] | None:
    """The four signals the cookie value gives, ALL_DENIED when it cannot be read, None without it."""
    if raw is None:
        return None
    readers = {"clicktrail": _clicktrail, "cookiebot": _cookiebot, "cookieyes": _cookieyes}
    if format not in readers:
        raise ValueError(f"unknown consent cookie format {format!r}; one of {', '.join(readers)}")
    return readers[format](unquote(raw)) or dict(ALL_DENIED)


def _pairs(text: str) -> list[tuple[str, str]]:
    """``a:1,b:'x'`` → [("a", "1"), ("b", "x")], quotes and spaces around keys and values dropped."""
    result = []
    for pair in text.split(","):
        key, separator, value = pair.partition(":")
        if separator:
            result.append((key.strip(" '\""), value.strip(" '\"")))
    return result


def _clicktrail(value: str) -> dict[str, str] | None:
    """Clicktrail's own format: a JSON object of the signals, or ``signal:state`` pairs."""
    if value.strip().startswith("{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
        if not isinstance(parsed, dict) or not all(isinstance(state, str) for state in parsed.values()):
            return None
        pairs = list(parsed.items())
    else:
        pairs = _pairs(value)
    result = dict(ALL_DENIED)
    for name, state in pairs:
        if name in SIGNALS:
            if state.lower() not in ("granted", "denied"):
                return None
            result[name] = state.lower()
    return result


def _cookiebot(value: str) -> dict[str, str] | None:
    """Cookiebot's ``CookieConsent``: ``{stamp:'…',necessary:true,statistics:true,marketing:false,…}``,
    or ``-1`` outside consent regions (everything accepted). Cookiebot developer documentation,
    "Reading the consent cookie on the server side": https://www.cookiebot.com/en/developer/"""
    trimmed = value.strip()
    if trimmed == "-1":
        return signals(True, True)
    if not (trimmed.startswith("{") and trimmed.endswith("}")):
        return None
    fields = {}
    for key, field in _pairs(trimmed[1:-1]):
        fields.setdefault(key, field)
    booleans = {"true": True, "false": False}
    if fields.get("statistics") not in booleans or fields.get("marketing") not in booleans:
        return None
    return signals(booleans[fields["statistics"]], booleans[fields["marketing"]])


def _cookieyes(value: str) -> dict[str, str] | None:
    """CookieYes' ``cookieyes-consent``: ``consentid:…,consent:yes,analytics:yes,advertisement:no,…``.
    CookieYes documentation, "Retrieving consent data using getCkyConsent":
    https://www.cookieyes.com/documentation/retrieving-consent-data-using-api-getckyconsent/"""
    fields = {}
    for key, field in _pairs(value):
        fields.setdefault(key, field)
    answers = {"yes": True, "no": False}
    if fields.get("analytics") not in answers or fields.get("advertisement") not in answers:
        return None
    return signals(answers[fields["analytics"]], answers[fields["advertisement"]])
