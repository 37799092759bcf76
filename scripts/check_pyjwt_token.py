"""A CMS mints its own token with PyJWT and the shared key: the README promises that this works.

Usage: check_pyjwt_token.py BASE_URL KEY_FILE
"""
import base64
import sys
import time

import jwt
import requests

base_url, key_file = sys.argv[1], sys.argv[2]
kid, secret = open(key_file).read().split()[0].split(":", 1)
key = base64.b64decode(secret)
now = int(time.time())

good = jwt.encode({"scope": "links:write", "exp": now + 300, "sub": "pyjwt"}, key, algorithm="HS256", headers={"kid": kid})
created = requests.post(f"{base_url}/api/v1/links", json={"slug": "pyjwt-check", "url": "https://example.com/"},
                        headers={"Authorization": f"Bearer {good}"}, timeout=10)
assert created.status_code == 201, (created.status_code, created.text)
deleted = requests.delete(f"{base_url}/api/v1/links/pyjwt-check", headers={"Authorization": f"Bearer {good}"}, timeout=10)
assert deleted.status_code == 204, (deleted.status_code, deleted.text)

expired = jwt.encode({"scope": "admin", "exp": now - 3600}, key, algorithm="HS256", headers={"kid": kid})
refused = requests.get(f"{base_url}/api/v1/links", headers={"Authorization": f"Bearer {expired}"}, timeout=10)
assert refused.status_code == 401 and refused.headers["content-type"] == "application/problem+json", refused.text
print("PyJWT tokens: accepted when valid, refused when expired")
