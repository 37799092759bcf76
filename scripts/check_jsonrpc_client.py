"""An independent JSON-RPC 2.0 client against the running service: requests are built and
responses parsed by the `jsonrpcclient` package, never by our own code.

Usage: check_jsonrpc_client.py BASE_URL TOKEN
"""
import sys

import requests
from jsonrpcclient import Error, Ok, notification, parse, request

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def post(base, token, payload):
    return requests.post(f"{base}/rpc", json=payload, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def expect(condition, message):
    if not condition:
        sys.exit(f"jsonrpcclient check failed: {message}")


def main():
    base, token = sys.argv[1], sys.argv[2]

    # A single call with named params.
    answer = post(base, token, request("clicks.ingest", params={
        "slug": "summer-sale", "user_agent": BROWSER, "site_host": "blog.example",
        "referer": "https://blog.example/post?utm_source=news&utm_medium=email",
    }))
    expect(answer.status_code == 200, f"clicks.ingest answered HTTP {answer.status_code}")
    click = parse(answer.json())
    expect(isinstance(click, Ok), f"clicks.ingest failed: {click}")
    expect(click.result["counted"] is True and click.result["reason"] == "ok", f"click not counted: {click}")

    # A single call with positional params, and a service error.
    unknown = parse(post(base, token, request("clicks.ingest", params=["no-such-link"])).json())
    expect(isinstance(unknown, Error) and unknown.code == -32001 and unknown.data == {"slug": "no-such-link"},
           f"unknown slug: {unknown}")

    # A batch: a call per method family, a notification (no answer), an invalid params error.
    batch = [
        request("consent.set", params={"subject": "1234.5678", "signals": {"analytics_storage": "granted"}}),
        notification("pageviews.track", params={"path": "/pricing", "user_agent": BROWSER}),
        request("consent.get", params=["1234.5678"]),
        request("leads.capture", params={"subject": "visitor-1", "url": "https://blog.example/?utm_source=ads&utm_medium=cpc"}),
        request("leads.capture", params={"subject": "visitor-1", "params": {"utm_source": "ads"}}),
        request("rpc.discover"),
    ]
    answer = post(base, token, batch)
    expect(answer.status_code == 200, f"batch answered HTTP {answer.status_code}")
    responses = {response.id: response for response in parse(answer.json())}
    ids = [call["id"] for call in batch if "id" in call]
    expect(sorted(responses) == sorted(ids), f"batch answered ids {sorted(responses)}, sent {sorted(ids)}")
    consent = responses[ids[1]]
    expect(isinstance(consent, Ok) and consent.result["signals"]["analytics_storage"] == "granted", f"consent.get: {consent}")
    lead = responses[ids[2]]
    expect(isinstance(lead, Ok) and isinstance(lead.result["id"], int), f"leads.capture: {lead}")
    missing = responses[ids[3]]
    expect(isinstance(missing, Error) and missing.code == -32602 and missing.data["field"] == "utm_medium",
           f"leads.capture without medium: {missing}")
    discovered = responses[ids[4]]
    names = {method["name"] for method in discovered.result["methods"]}
    expect({"clicks.ingest", "pageviews.track", "leads.capture", "leads.assign", "leads.erase",
            "consent.set", "consent.get", "rpc.discover"} == names, f"rpc.discover lists {names}")

    # Only notifications: HTTP 204, nothing to parse.
    quiet = post(base, token, [notification("consent.set", params=["1234.5678", {"ad_storage": "denied"}])])
    expect(quiet.status_code == 204 and quiet.content == b"", f"notification batch answered {quiet.status_code}")
    print("jsonrpcclient: single calls, a mixed batch and notifications parsed OK")


if __name__ == "__main__":
    main()
