"""The visitor's GA ids from the cookies gtag.js writes, read exactly as the service reads them
on ``/go/``. Nothing is invented: a cookie without the documented shape gives no id."""

from __future__ import annotations

import re

_NUMBER_20 = re.compile(r"[0-9]{1,20}")
_NUMBER_18 = re.compile(r"[0-9]{1,18}")


def client_id(ga_cookie: str | None) -> str | None:
    """``_ga`` is ``GA1.<depth>.<random>.<first visit>``; GA's client id is ``<random>.<first visit>``."""
    if not ga_cookie:
        return None
    parts = ga_cookie.split(".")
    if len(parts) != 4 or not parts[0].startswith("GA"):
        return None
    if not (_NUMBER_20.fullmatch(parts[2]) and _NUMBER_20.fullmatch(parts[3])):
        return None
    return f"{parts[2]}.{parts[3]}"


def session_cookie_name(measurement_id: str) -> str:
    """A GA4 stream's session cookie: ``_ga_<measurement id without "G-">``."""
    return "_ga_" + measurement_id.removeprefix("G-")


def session_id(session_cookie: str | None) -> str | None:
    """From ``GS1.1.<session id>.…`` or the newer ``GS2.1.s<session id>$o<count>$…``."""
    if not session_cookie:
        return None
    parts = session_cookie.split(".", 2)
    if len(parts) != 3:
        return None
    if parts[0] == "GS1":
        candidate = parts[2].split(".", 1)[0]
    elif parts[0] == "GS2":
        first = parts[2].split("$", 1)[0]
        if not first.startswith("s"):
            return None
        candidate = first[1:]
    else:
        return None
    return candidate if _NUMBER_18.fullmatch(candidate) else None
