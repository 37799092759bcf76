"""How long the dashboard's overview takes to be usable: from navigation until every number of
the page is drawn (the page marks itself data-loaded; trend lines follow), in Debian's Chromium
through Playwright, with the browser's cache warm as for someone who opens it daily.
Usage: dashboard-load.py BASE_URL TOKEN [runs]; prints one line per range."""

import os
import statistics
import sys
import time

from playwright.sync_api import sync_playwright

base, token = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=os.environ.get("CLICKTRAIL_CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    page.goto(f"{base}/dashboard/sign-in")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-loaded=true]")
    for label in ("7d", "30d", "90d"):
        times = []
        for _ in range(runs):
            page.goto("about:blank")
            start = time.perf_counter()
            page.goto(f"{base}/dashboard/#/?range={label}")
            page.wait_for_selector("[data-loaded=true]")
            times.append((time.perf_counter() - start) * 1000)
            # The trend lines load after the numbers; the next load starts on an idle server.
            page.wait_for_load_state("networkidle")
        print(f"overview {label:>4}: median {statistics.median(times):7.0f} ms, worst {max(times):7.0f} ms over {runs} loads")
    browser.close()
