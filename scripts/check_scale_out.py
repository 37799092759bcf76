"""Several `clicktrail serve` instances on one PostgreSQL behave as one service.

Usage: check_scale_out.py CLICKTRAIL_BINARY POSTGRES_DIR
POSTGRES_DIR is a throwaway server made by scripts/throwaway-postgres, which this script stops
and starts again for the outage drill. Every check prints one line; any failure exits 1.
With SCALE_OUT_DEBUG set (to anything), a failure also shows the server's sessions and row counts.
"""
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import requests

BIN, PG_DIR = sys.argv[1], sys.argv[2]
SCRIPTS = os.path.dirname(os.path.abspath(__file__))
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
SITE = "https://site.example/articles/best"
KEYS = "scale:" + __import__("base64").b64encode(os.urandom(32)).decode()
WORK = tempfile.mkdtemp()
STARTED = []  # every serve process, stopped at the end whatever happens


def fail(message):
    print("SCALE-OUT FAILED:", message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres(action):
    out = subprocess.run([os.path.join(SCRIPTS, "throwaway-postgres"), action, PG_DIR], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def psql(url, sql):
    return subprocess.run(["psql", "-qAt", url, "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def database_url(server_url, name):
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


class FakeGA:
    """A stand-in for the Measurement Protocol endpoint that records every event it is sent."""

    def __init__(self):
        events = self.events = []
        lock = self.lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    events.append(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self.server.server_port}/mp/collect"

    def client_ids(self):
        with self.lock:
            return [event["client_id"] for event in self.events]


class Instance:
    def __init__(self, name, database, ga=None, extra=None):
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, CLICKTRAIL_DATABASE=database, CLICKTRAIL_ADMIN_KEYS=KEYS, CLICKTRAIL_SITE_HOSTS="site.example",
                   CLICKTRAIL_LOG_LEVEL="notice", CLICKTRAIL_DATABASE_WAIT="20s")
        if ga:
            env.update(CLICKTRAIL_GA_MEASUREMENT_ID="G-SCALE", CLICKTRAIL_GA_API_SECRET="scale-secret", CLICKTRAIL_GA_ENDPOINT=ga.endpoint)
        env.update(extra or {})
        self.log = open(os.path.join(WORK, f"{name}.log"), "w")
        self.process = subprocess.Popen([BIN, "serve", "--port", str(self.port)], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        STARTED.append(self.process)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.ready() == 200:
                return
            time.sleep(0.05)
        fail(f"{name} did not start: {open(self.log.name).read()}")

    def ready(self):
        try:
            return requests.get(self.base + "/readyz", timeout=5).status_code
        except requests.RequestException:
            return None

    def stop(self, sig=signal.SIGTERM):
        self.process.send_signal(sig)
        self.process.wait(timeout=40)

    def metric(self, name, labels=""):
        text = requests.get(self.base + "/metrics", timeout=5).text
        return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + labels))


def token(database):
    env = dict(os.environ, CLICKTRAIL_DATABASE=database, CLICKTRAIL_ADMIN_KEYS=KEYS)
    return subprocess.run([BIN, "token", "mint", "--scope", "admin", "--ttl", "1h"], env=env, check=True, capture_output=True, text=True).stdout.strip()


def api(instance, method, path, auth, accept="application/json", **kwargs):
    headers = {"Authorization": f"Bearer {auth}", "Accept": accept}
    return requests.request(method, instance.base + path, headers=headers, timeout=10, **kwargs)


def go(instance, slug, cookies=None):
    """One visit of /go/<slug> from a browser on the site: (status, location)."""
    headers = {"User-Agent": BROWSER, "Referer": SITE, "Accept": "text/html"}
    if cookies:
        headers["Cookie"] = cookies
    response = requests.get(f"{instance.base}/go/{slug}", headers=headers, allow_redirects=False, timeout=10)
    return response.status_code, response.headers.get("Location")


def until(condition, within, what):
    """Seconds until `condition` held; `what` (text, or a function giving it) names it on failure."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        if condition():
            return time.monotonic() - started
        time.sleep(0.01)
    fail(f"{what() if callable(what) else what}: not within {within} s")


class Load:
    """Visits /go/<slug> from `threads` keep-alive connections until stopped; counts answers."""

    def __init__(self, instances, slug, threads=4, pause=0.0):
        self.slug, self.pause, self.stopped = slug, pause, threading.Event()
        self.lock = threading.Lock()
        self.answers = {}  # (instance name, status) -> count
        self.threads = [threading.Thread(target=self.run, args=(instances[i % len(instances)],), daemon=True) for i in range(threads)]
        for thread in self.threads:
            thread.start()

    def run(self, instance):
        connection = None
        while not self.stopped.is_set():
            try:
                connection = connection or http.client.HTTPConnection("127.0.0.1", instance.port, timeout=10)
                connection.request("GET", f"/go/{self.slug}", headers={"User-Agent": BROWSER, "Referer": SITE})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection, status = None, "error"
                time.sleep(0.01)
            with self.lock:
                key = (instance.name, status)
                self.answers[key] = self.answers.get(key, 0) + 1
            if self.pause:
                time.sleep(self.pause)

    def stop(self):
        self.stopped.set()
        for thread in self.threads:
            thread.join()
        return self.answers

    def count(self, status=302, name=None):
        with self.lock:
            return sum(n for (who, code), n in self.answers.items() if code == status and (name is None or who == name))


def diagnose(*instances):
    """The click writers' own figures, for a failure message."""
    names = ("clicktrail_clicks_counted_total", "clicktrail_click_queue_depth", "clicktrail_clicks_dropped_total")
    figures = {i.name: {name: i.metric(name) for name in names} for i in instances}
    if os.environ.get("SCALE_OUT_DEBUG"):
        figures["activity"] = psql(os.environ["SCALE_OUT_DEBUG"], "SELECT pid, application_name, state, wait_event_type, wait_event, pg_blocking_pids(pid), now() - xact_start, left(query, 100) FROM pg_stat_activity WHERE datname = 'scale'")
        figures["rows"] = psql(os.environ["SCALE_OUT_DEBUG"], "SELECT l.slug, l.click_count, (SELECT COUNT(*) FROM click c WHERE c.link_id = l.id), (SELECT SUM(hits) FROM click_bucket b WHERE b.link_id = l.id), (SELECT SUM(hits) FROM click_day b WHERE b.link_id = l.id) FROM link l")
    return figures


def counted(instance, auth, slug):
    body = api(instance, "GET", f"/api/v1/stats/links/{slug}?from=2020-01-01&to=2100-01-01&interval=month", auth).json()
    return body["totals"]["counted"], body["totals"]["hits"]


def unreachable_database_at_start():
    """serve retries a database that does not answer, a line per attempt, then exits 1 saying why."""
    url = f"postgres://app:hunter2-secret@127.0.0.1:{free_port()}/clicktrail?sslmode=disable"
    env = dict(os.environ, CLICKTRAIL_DATABASE=url, CLICKTRAIL_ADMIN_KEYS=KEYS, CLICKTRAIL_DATABASE_WAIT="3s")
    started = time.monotonic()
    out = subprocess.run([BIN, "serve", "--port", str(free_port())], env=env, capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    text = out.stdout + out.stderr
    attempts = text.count("database not reachable yet")
    check(out.returncode == 1, f"serve exited {out.returncode} without its database: {text}")
    check(attempts >= 2 and "CLICKTRAIL_DATABASE_WAIT" in text, f"serve did not retry and explain: {text}")
    check("hunter2" not in text, "the password was printed")
    check(2.5 < elapsed < 15, f"serve gave up after {elapsed:.1f} s for a 3 s wait")
    backup = subprocess.run([BIN, "backup", "--to", os.path.join(WORK, "b.sqlite"), "--database", url], capture_output=True, text=True)
    check(backup.returncode != 0 and "pg_dump" in backup.stderr and "hunter2" not in backup.stderr, f"backup on PostgreSQL: {backup.stderr}")
    print(f"unreachable database at start: {attempts} attempts logged, exit 1 after {elapsed:.1f} s, no password printed; "
          "backup points to pg_dump")


def main():
    unreachable_database_at_start()
    server = postgres("start") if not os.path.exists(os.path.join(PG_DIR, "port")) else postgres("restart")
    shared = database_url(server, "scale")
    if os.environ.get("SCALE_OUT_DEBUG") is not None:
        os.environ["SCALE_OUT_DEBUG"] = shared
    psql(server, "CREATE DATABASE scale")
    subprocess.run([BIN, "migrate", "--database", shared], check=True, capture_output=True)
    # Raw clicks older than the retention period, for the instances' retention to find.
    psql(shared, "INSERT INTO link (slug, name, url, created_at, updated_at) VALUES ('old', 'old', 'https://shop.example/old', 0, 0)")
    psql(shared, "INSERT INTO click (link_id, occurred_at, referer_class, counted, reason, ga_status) "
                 "SELECT 1, 1000 + i, 'internal', true, 'ok', 'not_applicable' FROM generate_series(1, 1000) AS i")
    ga = FakeGA()
    a, b = Instance("a", shared, ga), Instance("b", shared, ga)
    auth = token(shared)

    # Retention: the old rows are gone once, whichever instance purged them.
    until(lambda: psql(shared, "SELECT COUNT(*) FROM click") == "0", 10, "retention of old clicks")
    deleted = [i.metric("clicktrail_retention_deleted_total", '{table="click"}') for i in (a, b)]
    check(sum(deleted) == 1000 and 0 in deleted, f"retention deleted {deleted} clicks on the two instances")
    print(f"retention: 1000 old clicks deleted by one instance ({deleted})")

    # A link written through one instance is live on the other within a second, even where
    # the other had just learnt the slug was unknown.
    check(go(b, "fresh")[0] == 404, "an unknown slug is not 404 on b")
    check(api(a, "POST", "/api/v1/links", auth, json={"slug": "fresh", "url": "https://shop.example/one"}).status_code == 201, "create on a")
    created = until(lambda: go(b, "fresh") == (302, "https://shop.example/one"), 1.0, "b redirects a link created on a")
    check(api(a, "PUT", "/api/v1/links/fresh", auth, json={"url": "https://shop.example/two"}).status_code == 200, "edit on a")
    edited = until(lambda: go(b, "fresh") == (302, "https://shop.example/two"), 1.0, "b follows an edit made on a")
    check(api(b, "DELETE", "/api/v1/links/fresh", auth).status_code == 204, "delete on b")
    deleted_after = until(lambda: go(a, "fresh")[0] == 404, 1.0, "a forgets a link deleted on b")
    print(f"link changes seen by the other instance after: create {created * 1000:.0f} ms, edit {edited * 1000:.0f} ms, "
          f"delete {deleted_after * 1000:.0f} ms")

    # 20,000 hits spread over both add up exactly.
    check(api(a, "PUT", "/api/v1/links/spread", auth, json={"url": "https://shop.example/spread"}).status_code == 201, "create spread")
    go(a, "spread"), go(b, "spread")
    until(lambda: counted(a, auth, "spread") == (2, 2), 5, "the first two clicks")
    base = 2
    load = Load([a, b], "spread", threads=8)
    until(lambda: load.count() >= 20_000 - base, 120, "20,000 redirects")
    answers = load.stop()
    completed = load.count() + base
    check(set(code for _, code in answers) == {302}, f"answers other than 302: {answers}")
    until(lambda: counted(a, auth, "spread") == (completed, completed), 10, lambda: f"stats reaching {completed} (now {counted(a, auth, 'spread')}; {diagnose(a, b)})")
    check(counted(b, auth, "spread") == (completed, completed), "b's stats differ from a's")
    counter = api(b, "GET", "/api/v1/links/spread", auth).json()["click_count"]
    check(counter == completed, f"click_count {counter} for {completed} redirects")
    print(f"{completed} hits over both instances ({load.count(name='a')} on a, {load.count(name='b')} on b): "
          f"stats and counters say {completed} on both")

    # Each consented click reaches GA exactly once, whichever instance sends it.
    check(api(a, "PUT", "/api/v1/links/ga", auth, json={"url": "https://shop.example/ga"}).status_code == 201, "create ga")
    ids = [f"{1000 + n}.1700000000" for n in range(300)]
    for n, client in enumerate(ids):
        status, _ = go([a, b][n % 2], "ga", f"_ga=GA1.1.{client}; clicktrail_consent=analytics_storage:granted,ad_user_data:granted")
        check(status == 302, "a consented click was not redirected")
    until(lambda: len(ga.client_ids()) >= 300, 30, "300 GA events")
    until(lambda: api(a, "GET", "/api/v1/stats/outbox", auth).json()["queued"] == 0, 10, "the outbox emptying")
    time.sleep(1.5)  # both senders poll every second: a duplicate would have arrived by now
    received = ga.client_ids()
    check(sorted(received) == sorted(ids), f"GA got {len(received)} events for 300 clicks ({len(set(received))} distinct)")
    outbox = api(b, "GET", "/api/v1/stats/outbox", auth).json()
    check(outbox["sent"] == 300, f"the outbox says {outbox}")
    print("GA: 300 consented clicks over both instances, 300 events received, each exactly once")

    # PostgreSQL away for 5 s under load: cached slugs redirect, /readyz says 503 then 200,
    # clicks wait in the queue and every completed redirect is recorded.
    before = counted(a, auth, "spread")[0]
    load = Load([a, b], "spread", threads=4, pause=0.004)
    time.sleep(1)
    postgres("stop")
    went_down = until(lambda: a.ready() == 503 and b.ready() == 503, 10, "/readyz answering 503 without the database")
    # A confirmed click cannot wait out the outage: after 3 s it is withdrawn and the call says
    # nothing was stored. Being counted, it would break the exact count below if written later.
    asked = time.monotonic()
    ingest = api(a, "POST", "/rpc", auth, json={"jsonrpc": "2.0", "id": 1, "method": "clicks.ingest", "params": {
        "slug": "spread", "user_agent": BROWSER, "referer": SITE}}).json()
    waited = time.monotonic() - asked
    check(ingest.get("error", {}).get("code") == -32002, f"clicks.ingest while the database is away answered {ingest}")
    check(2.9 < waited < 6, f"clicks.ingest answered -32002 after {waited:.1f} s, not after its 3 s wait")
    time.sleep(max(0.0, 5 - went_down - waited))
    served_while_down = load.count()
    postgres("restart")
    until(lambda: a.ready() == 200 and b.ready() == 200, 20, "/readyz answering 200 once the database is back")
    time.sleep(1)
    answers = load.stop()
    completed = load.count()
    check(set(code for _, code in answers) == {302}, f"answers other than 302 around the outage: {answers}")
    until(lambda: counted(a, auth, "spread")[0] - before == completed, 30,
          lambda: f"{completed} clicks recorded after the outage (now {counted(a, auth, 'spread')[0] - before}; {diagnose(a, b)})")
    print(f"database stopped 5 s under load: {completed} redirects answered ({served_while_down} by the time it came back), "
          f"/readyz 503 then 200, {completed} clicks recorded, 0 lost; clicks.ingest answered -32002 after {waited:.1f} s "
          f"and its click was never written")

    # SIGKILL of one instance under load: the other keeps serving; the killed one loses at most its queue.
    before = counted(b, auth, "spread")[0]
    load = Load([a, b], "spread", threads=8)
    time.sleep(2)
    a.stop(signal.SIGKILL)
    killed_at = load.count(name="a")
    time.sleep(2)
    answers = load.stop()
    on_b = load.count(name="b")
    check(all(code == 302 for (who, code) in answers if who == "b"), f"b stopped serving when a died: {answers}")
    time.sleep(1)
    recorded = counted(b, auth, "spread")[0] - before
    check(on_b + killed_at - 10_000 <= recorded <= on_b + killed_at, f"{recorded} recorded for {on_b} on b and {killed_at} on a")
    print(f"SIGKILL of a under load: b answered all {on_b}; {recorded} recorded for {on_b + killed_at} completed "
          f"(lost {on_b + killed_at - recorded}, at most a's queue)")
    b.stop()

    # A SQLite history moved with copy-data answers every stats query identically.
    sqlite = os.path.join(WORK, "demo.sqlite")
    subprocess.run([BIN, "demo-data", "--database", sqlite, "--links", "15", "--clicks", "40000", "--days", "20",
                    "--end", "2026-11-22T00:00:00Z"], check=True, capture_output=True)
    queries = ["/api/v1/stats/links?from=2026-11-01&to=2026-11-22&tz=Europe/Berlin&limit=500",
               "/api/v1/stats/links?from=2026-11-02T05:15:00Z&to=2026-11-20T13:45:00Z&sort=hits&limit=500",
               "/api/v1/stats/pages?from=2026-11-01&to=2026-11-22&limit=500",
               "/api/v1/stats/pages?from=2026-11-03&to=2026-11-09&tz=Asia/Kathmandu&limit=500",
               "/api/v1/links?limit=500"]
    queries += [f"/api/v1/stats/links/demo-{n:02d}?from=2026-11-01&to=2026-11-22&tz={tz}&interval={interval}"
                for n in (1, 2, 7, 15) for tz, interval in (("UTC", "day"), ("America/St_Johns", "hour"), ("Asia/Kolkata", "week"))]
    queries += ["/api/v1/clicks?from=2026-11-10&to=2026-11-12&slug=demo-01"]

    def answers_of(instance):
        return [api(instance, "GET", q, auth, accept="application/x-ndjson" if "clicks" in q else "application/json").text for q in queries]

    before_copy = Instance("sqlite", sqlite)
    expected = answers_of(before_copy)
    before_copy.stop()
    psql(server, "CREATE DATABASE copied")
    copied = database_url(server, "copied")
    out = subprocess.run([BIN, "copy-data", "--from", sqlite, "--to", copied], capture_output=True, text=True)
    check(out.returncode == 0 and "Every table matches" in out.stdout, f"copy-data failed: {out.stdout} {out.stderr}")
    again = subprocess.run([BIN, "copy-data", "--from", sqlite, "--to", copied], capture_output=True, text=True)
    check(again.returncode != 0 and "already holds data" in again.stderr, f"a second copy-data was not refused: {again.stderr}")
    after_copy = Instance("copied", copied)
    actual = answers_of(after_copy)
    after_copy.stop()
    for query, left, right in zip(queries, expected, actual):
        check(left == right, f"{query} differs after copy-data:\n{left[:300]}\n{right[:300]}")
    check(all(len(text) > 50 for text in expected), "an answer is suspiciously empty")

    # SQLite keeps whatever a column is given; a value PostgreSQL's column type cannot hold stops
    # the copy with the table and column named, and nothing is left half copied.
    damaged = os.path.join(WORK, "damaged.sqlite")
    shutil.copyfile(sqlite, damaged)
    with sqlite3.connect(damaged) as db:
        db.execute("UPDATE link SET click_count = 'many' WHERE id = (SELECT MIN(id) FROM link)")
    psql(server, "CREATE DATABASE refused")
    refused_url = database_url(server, "refused")
    out = subprocess.run([BIN, "copy-data", "--from", damaged, "--to", refused_url], capture_output=True, text=True)
    check(out.returncode != 0 and "link.click_count holds" in out.stderr, f"a value bigint cannot hold was not refused: {out.stderr}")
    check(psql(refused_url, "SELECT COUNT(*) FROM link") == "0", "the refused copy left rows behind")
    print(f"copy-data: {len(queries)} stats, link and export answers identical on SQLite and on PostgreSQL after the move; "
          "a second copy into the filled database was refused, and so was a file holding text in a counter")


if __name__ == "__main__":
    try:
        main()
    finally:
        for process in STARTED:
            if process.poll() is None:
                process.kill()
