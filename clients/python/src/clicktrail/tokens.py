"""Bearer tokens: a fixed one, or short-lived ones minted from an admin key."""

from __future__ import annotations

import base64
import binascii
import threading
import time

import jwt

# Long enough for a slow export, short enough that a leaked token is soon worthless.
TOKEN_LIFETIME = 300
# A token this close to expiry is replaced, so that clock skew never makes a call fail.
RENEW_BEFORE = 60


class StaticToken:
    def __init__(self, token: str) -> None:
        self._token = token

    def token_for(self, scope: str) -> str:
        return self._token


class KeyTokens:
    """Mints one HS256 token per scope from ``kid:base64secret`` and reuses it until near expiry.

    Each call gets a token with only the scope it needs, so a token seen in a log or a proxy can
    do no more than that call could.
    """

    def __init__(self, key: str, clock=time.time) -> None:
        kid, separator, secret = key.partition(":")
        if not separator or not kid:
            raise ValueError("key must be written kid:base64secret")
        try:
            self._secret = base64.b64decode(secret.strip(), validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError("the key's secret is not base64") from error
        if len(self._secret) < 32:
            raise ValueError(f"the key's secret is {len(self._secret)} bytes; the service needs at least 32")
        self._kid = kid
        self._clock = clock
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def token_for(self, scope: str) -> str:
        now = self._clock()
        with self._lock:
            cached = self._cache.get(scope)
            if cached and cached[1] - RENEW_BEFORE > now:
                return cached[0]
            expires = now + TOKEN_LIFETIME
            token = jwt.encode(
                {"scope": scope, "iat": int(now), "exp": int(expires), "sub": "clicktrail-python"},
                self._secret,
                algorithm="HS256",
                headers={"kid": self._kid},
            )
            self._cache[scope] = (token, expires)
            return token
