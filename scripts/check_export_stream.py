"""The click export streams: a demo database's whole log is read through GET /api/v1/clicks by
a client that first stalls, then reads everything, while the server's resident memory is
sampled. A server that built the body in memory (or ignored a slow reader) would grow by
about the body's size; this one must stay within a small bound and lose no row.

Usage: check_export_stream.py BASE_URL TOKEN SERVER_PID DATABASE
"""
import json
import sqlite3
import sys
import time
import urllib.request

base, token, pid, database = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
GROWTH_LIMIT_MB = 32


def rss_mb():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS for the server")


expected = sqlite3.connect(database).execute("SELECT count(*) FROM click").fetchone()[0]
before = rss_mb()
peak = before
request = urllib.request.Request(
    f"{base}/api/v1/clicks?from=2000-01-01&to=2100-01-01",
    headers={"Authorization": f"Bearer {token}", "Accept": "application/x-ndjson"},
)
rows = 0
size = 0
pending = b""
first = last = None
with urllib.request.urlopen(request) as response:
    assert response.headers["Content-Type"] == "application/x-ndjson", response.headers["Content-Type"]
    assert response.headers.get("Content-Length") is None, "the export should be chunked, not sized up front"
    stalled = False
    while chunk := response.read(1 << 16):
        size += len(chunk)
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop()
        for line in lines:
            row = json.loads(line)
            first = first or row
            last = row
            rows += 1
        if size > (4 << 20) and not stalled:
            # A reader that stops: the server must wait for it, not keep producing into memory.
            stalled = True
            for _ in range(30):
                time.sleep(0.1)
                peak = max(peak, rss_mb())
        if rows % 20000 < 200:
            peak = max(peak, rss_mb())
peak = max(peak, rss_mb())
assert pending == b"", "the body must end with a complete line"
assert rows == expected, f"exported {rows} rows, the database holds {expected}"
assert first["occurred_at"] <= last["occurred_at"], "rows come in time order"
growth = peak - before
print(f"export: {rows} rows, {size / 1048576:.0f} MB streamed; server RSS {before:.0f} MB before, peak {peak:.0f} MB (+{growth:.0f} MB)")
assert size > 3 * GROWTH_LIMIT_MB * 1048576, "the body should be far larger than the memory bound to prove anything"
assert growth < GROWTH_LIMIT_MB, f"server memory grew by {growth:.0f} MB while streaming"
