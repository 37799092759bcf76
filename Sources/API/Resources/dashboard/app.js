// The dashboard: pages drawn from the REST API with the session cookie. No framework and no
// build step; every element is made with el() and filled with textContent, so no data from the
// API is ever parsed as HTML.
"use strict";

const view = document.getElementById("view");
const state = { session: null, range: "7d", from: "", to: "", tz: Intl.DateTimeFormat().resolvedOptions().timeZone };
const zones = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"];
const reasons = { ok: "Counted (ok)", bot: "Bots", no_referer: "No referer (direct)", external_referer: "External referer", prefetch: "Prefetch", head: "HEAD requests" };
const refererClasses = { internal: "Your site", external: "Other sites", none: "No referer" };

// ---- helpers ----

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const number = new Intl.NumberFormat();
const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

// Every call carries the session cookie (same origin); writes also the dashboard's header,
// without which the server refuses the cookie.
async function api(method, path, body, contentType = "application/json") {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-Clicktrail-Dashboard"] = "1";
  if (body !== undefined) headers["Content-Type"] = contentType;
  const response = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    location.assign("/dashboard/sign-in");
    throw new ApiError(401, { detail: "signed out" });
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data || {});
  return data;
}

function can(scope) {
  const scopes = state.session ? state.session.scopes : [];
  if (scopes.includes("admin")) return true;
  if (scope === "links:read") return scopes.includes("links:read") || scopes.includes("links:write");
  return scopes.includes(scope);
}

function show(...nodes) {
  view.replaceChildren(...nodes);
}

function problemBox(error) {
  return el("p", { class: "problem", role: "alert", text: error instanceof ApiError ? error.message : `Something failed: ${error.message}` });
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== "" && value !== null && value !== undefined) search.set(name, value);
  return search.toString();
}

// ---- the range: presets in the chosen zone, as the API's bare dates or instants ----

function todayIn(zone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

function addDays(date, days) {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

function rangeParams() {
  const tz = state.tz;
  if (state.range === "24h") {
    const to = new Date();
    return { from: new Date(to.getTime() - 86400000).toISOString(), to: to.toISOString(), tz, interval: "hour" };
  }
  if (state.range === "custom" && state.from && state.to) return { from: state.from, to: addDays(state.to, 1), tz };
  const days = { "7d": 7, "30d": 30, "90d": 90 }[state.range] || 7;
  const tomorrow = addDays(todayIn(tz), 1);
  return { from: addDays(tomorrow, -days), to: tomorrow, tz, interval: days <= 7 ? "hour" : "day" };
}

// The range lives in the page's address (#/…?range=30d&tz=…), so a view can be bookmarked
// and shared; changing it navigates.
function rangeControls() {
  const range = el("select", { id: "range", "aria-label": "Range" },
    [["24h", "Last 24 hours"], ["7d", "Last 7 days"], ["30d", "Last 30 days"], ["90d", "Last 90 days"], ["custom", "Custom…"]]
      .map(([value, label]) => el("option", { value, selected: value === state.range }, label)));
  const from = el("input", { type: "date", id: "from", value: state.from });
  const to = el("input", { type: "date", id: "to", value: state.to });
  const custom = el("span", { class: "toolbar", hidden: state.range !== "custom" },
    el("label", {}, "From", from), el("label", {}, "To (inclusive)", to));
  const tz = el("input", { id: "tz", list: "zones", value: state.tz, size: 18 });
  const apply = () => {
    state.range = range.value;
    state.from = from.value;
    state.to = to.value;
    state.tz = tz.value.trim() || Intl.DateTimeFormat().resolvedOptions().timeZone;
    custom.hidden = state.range !== "custom";
    if (state.range !== "custom" || (state.from && state.to)) {
      const path = (location.hash.slice(1) || "/").split("?")[0];
      const custom = state.range === "custom" ? { from: state.from, to: state.to } : {};
      location.hash = `#${path}?${query({ range: state.range, tz: state.tz, ...custom })}`;
    }
  };
  range.addEventListener("change", apply);
  from.addEventListener("change", apply);
  to.addEventListener("change", apply);
  tz.addEventListener("change", apply);
  return el("div", { class: "toolbar" },
    el("label", {}, "Range", range), custom,
    el("label", {}, "Time zone", tz, el("datalist", { id: "zones" }, zones.map((zone) => el("option", { value: zone })))));
}

// ---- charts: Chart.js draws, a table beside it holds the same numbers ----

const charts = new Set();

function seriesLabel(start, interval) {
  const date = start.slice(0, 10);
  return interval === "hour" ? `${date} ${start.slice(11, 16)}` : date;
}

function seriesChart(stats, title) {
  const labels = stats.series.map((bucket) => seriesLabel(bucket.start, stats.interval));
  const canvas = el("canvas", { role: "img", "aria-label": `${title}: counted clicks and all hits per ${stats.interval}; the numbers are in the table below` });
  const figure = el("div", { class: "chart" }, canvas);
  if (window.Chart) {
    const chart = new window.Chart(canvas, {
      type: "line",
      data: {
        labels,
        datasets: [
          { label: "Counted clicks", data: stats.series.map((b) => b.counted), borderColor: "#0072b2", backgroundColor: "#0072b2", pointRadius: 0, tension: 0.2 },
          { label: "All hits", data: stats.series.map((b) => b.hits), borderColor: "#e69f00", backgroundColor: "#e69f00", borderDash: [6, 3], pointRadius: 0, tension: 0.2 },
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: "index", intersect: false }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    charts.add(chart);
  }
  const table = el("table", { class: "series-table" },
    el("thead", {}, el("tr", {}, el("th", { text: stats.interval }), el("th", { class: "num", text: "Counted" }), el("th", { class: "num", text: "All hits" }))),
    el("tbody", {}, stats.series.map((bucket, index) =>
      el("tr", {}, el("td", { text: labels[index] }), el("td", { class: "num", text: number.format(bucket.counted) }), el("td", { class: "num", text: number.format(bucket.hits) })))));
  return el("section", { "aria-label": title }, figure, el("details", {}, el("summary", { text: "Show the numbers as a table" }), el("div", { class: "table-wrap" }, table)));
}

function breakdownTable(caption, names, counts, total) {
  return el("div", { class: "table-wrap" }, el("table", { "data-breakdown": caption },
    el("caption", { class: "muted", text: caption }),
    el("thead", {}, el("tr", {}, el("th", { text: "" }), el("th", { class: "num", text: "Hits" }), el("th", { class: "num", text: "Share" }), el("th", { class: "hide-narrow", text: "" }))),
    el("tbody", {}, Object.entries(names).map(([key, label]) => {
      const count = counts[key] || 0;
      const bar = el("div", { class: "bar" });
      bar.style.width = `${total ? Math.round((count / total) * 100) : 0}%`;
      return el("tr", { "data-key": key }, el("th", { scope: "row", text: label }), el("td", { class: "num", text: number.format(count) }),
        el("td", { class: "num", text: total ? percent.format(count / total) : "–" }), el("td", { class: "hide-narrow" }, bar));
    }))));
}

function sparkline(series) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("viewBox", "0 0 100 24");
  svg.setAttribute("role", "img");
  const max = Math.max(1, ...series.map((b) => b.counted));
  const step = series.length > 1 ? 100 / (series.length - 1) : 100;
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", series.map((b, i) => `${(i * step).toFixed(1)},${(22 - (b.counted / max) * 20).toFixed(1)}`).join(" "));
  svg.append(line);
  svg.setAttribute("aria-label", `counted clicks per bucket: ${series.map((b) => b.counted).join(", ")}`);
  return svg;
}

function card(label, value, id) {
  return el("div", { class: "card" }, el("div", { class: "value", id, text: value }), el("div", { class: "label", text: label }));
}

function goURL(slug) {
  return `${location.origin}/go/${slug}`;
}

// ---- pages ----

async function overviewPage() {
  if (!can("stats:read")) return linksPage();
  const body = el("div", {});
  show(el("h1", { text: "Overview" }), rangeControls(), body);
  const params = rangeParams();
  body.append(el("p", { class: "muted", text: "Loading…" }));
  try {
    const [overview, links, pages, outbox] = await Promise.all([
      api("GET", `/api/v1/stats/overview?${query(params)}`),
      api("GET", `/api/v1/stats/links?${query({ from: params.from, to: params.to, tz: params.tz, limit: 50 })}`),
      api("GET", `/api/v1/stats/pages?${query({ from: params.from, to: params.to, tz: params.tz, limit: 20 })}`),
      api("GET", "/api/v1/stats/outbox"),
    ]);
    const totals = overview.totals;
    body.replaceChildren(
      el("div", { class: "cards" },
        card("Counted clicks", number.format(totals.counted), "total-counted"),
        card("All hits", number.format(totals.hits), "total-hits"),
        card("Counted share", totals.hits ? percent.format(totals.counted / totals.hits) : "–", "counted-share")),
      el("h2", { text: "Clicks over time" }),
      totals.hits === 0 ? el("p", { class: "empty", text: "No clicks yet in this range — link to /go/<slug> from your site and they appear here." }) : seriesChart(overview, "All links"),
      el("div", { class: "grid2" },
        el("section", {}, el("h2", { text: "Hits by reason" }), breakdownTable("Why each hit was or was not counted", reasons, totals.by_reason, totals.hits)),
        el("section", {}, el("h2", { text: "Hits by referer" }), breakdownTable("Where the click came from", refererClasses, totals.by_referer_class, totals.hits))),
      el("h2", { text: "Links" }), linksTable(links, totals.counted, params),
      el("h2", { text: "Pages" }), pagesTable(pages),
      el("h2", { text: "Google Analytics forwarding" }), outboxHealth(outbox));
    body.dataset.loaded = "true";
  } catch (error) {
    body.replaceChildren(problemBox(error));
  }
}

function linksTable(links, totalCounted, params) {
  if (links.items.length === 0) return el("p", { class: "empty" }, "No links yet — ", el("a", { href: "#/links/new", text: "create one" }), ", then link to /go/<slug> from your site.");
  const row = (item) => {
    const spark = el("td", { class: "hide-narrow" });
    const tr = el("tr", {},
      el("td", {}, el("a", { href: `#/links/${encodeURIComponent(item.slug)}`, text: item.slug }), el("div", { class: "muted", text: item.name })),
      el("td", { class: "num", text: number.format(item.counted) }),
      el("td", { class: "num", text: number.format(item.hits) }),
      el("td", { class: "num", text: totalCounted ? percent.format(item.counted / totalCounted) : "–" }),
      spark);
    return { item, spark, tr };
  };
  const rows = links.items.map(row);
  const tbody = el("tbody", {}, rows.map((r) => r.tr));
  // Trend lines follow for the first rows, one request each, once the table is usable.
  const range = { from: params.from, to: params.to, tz: params.tz, interval: state.range === "24h" ? "hour" : "day" };
  for (const { item, spark } of rows.slice(0, 20)) {
    api("GET", `/api/v1/stats/links/${encodeURIComponent(item.slug)}?${query(range)}`)
      .then((stats) => spark.append(sparkline(stats.series)))
      .catch(() => {});
  }
  let cursor = links.next_cursor;
  const more = el("button", { type: "button", id: "more-links", hidden: !cursor, onclick: async () => {
    try {
      const page = await api("GET", `/api/v1/stats/links?${query({ from: params.from, to: params.to, tz: params.tz, limit: 100, cursor })}`);
      tbody.append(...page.items.map((item) => row(item).tr));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (error) { more.replaceWith(problemBox(error)); }
  } }, "Show more links");
  return el("div", {}, el("div", { class: "table-wrap" }, el("table", { id: "links-table" },
    el("thead", {}, el("tr", {}, el("th", { text: "Link" }), el("th", { class: "num", text: "Counted" }), el("th", { class: "num", text: "All hits" }),
      el("th", { class: "num", text: "Share" }), el("th", { class: "hide-narrow", text: "Trend" }))),
    tbody)), el("div", { class: "pager" }, more));
}

function pagesTable(pages) {
  if (pages.items.length === 0) return el("p", { class: "empty", text: "No page views in this range — the JSON-RPC method pageviews.track (or the Django middleware) reports them." });
  return el("div", { class: "table-wrap" }, el("table", { id: "pages-table" },
    el("thead", {}, el("tr", {}, el("th", { text: "Page" }), el("th", { class: "num", text: "Views" }), el("th", { class: "num", text: "Clicks" }), el("th", { class: "num", text: "Click-through" }))),
    el("tbody", {}, pages.items.map((page) => el("tr", {},
      el("td", {}, el("code", { text: page.path })), el("td", { class: "num", text: number.format(page.views) }),
      el("td", { class: "num", text: number.format(page.clicks) }), el("td", { class: "num", text: percent.format(page.ctr) }))))));
}

function outboxHealth(outbox) {
  const ageMinutes = outbox.oldest_queued_at ? (Date.now() - Date.parse(outbox.oldest_queued_at)) / 60000 : 0;
  const piling = ageMinutes > 15;
  const status = piling
    ? el("p", { class: "warning", id: "outbox-warning", role: "alert" }, `Events are piling up: the oldest queued event waits for ${Math.round(ageMinutes)} minutes. GA may be unreachable or refusing; events older than 72 hours are lost to GA.`)
    : el("p", { class: "healthy", text: outbox.queued ? "Forwarding keeps up." : "Nothing waiting." });
  const failed = outbox.failed + outbox.dead > 0
    ? el("p", { class: "warning", text: `${number.format(outbox.failed)} events were refused by GA and ${number.format(outbox.dead)} were too old to send.` }) : null;
  return el("div", {}, el("div", { class: "cards" },
    card("Queued", number.format(outbox.queued)), card("Sent", number.format(outbox.sent)),
    card("Failed", number.format(outbox.failed)), card("Dead", number.format(outbox.dead)),
    card("Oldest queued", outbox.oldest_queued_at ? `${Math.round(ageMinutes)} min` : "–")), status, failed);
}

async function linkPage(slug) {
  show(el("p", { text: "Loading…" }));
  let link;
  try {
    link = await api("GET", `/api/v1/links/${encodeURIComponent(slug)}`);
  } catch (error) {
    return show(el("h1", { text: slug }), problemBox(error), el("p", {}, el("a", { href: "#/links", text: "All links" })));
  }
  const url = el("input", { id: "go-url", readonly: true, value: goURL(link.slug), "aria-label": "The link's /go/ URL" });
  const copied = el("span", { class: "muted", role: "status" });
  const copy = el("button", { type: "button", onclick: async () => {
    url.select();
    try {
      await navigator.clipboard.writeText(url.value);
    } catch (error) {
      document.execCommand("copy");
    }
    copied.textContent = "Copied.";
  } }, "Copy");
  const actions = can("links:write") ? el("div", { class: "actions" },
    el("a", { class: "button", href: `#/links/${encodeURIComponent(link.slug)}/edit`, text: "Edit" }),
    el("button", { type: "button", id: "toggle-active", onclick: async () => {
      try {
        await api("PATCH", `/api/v1/links/${encodeURIComponent(link.slug)}`, { active: !link.active }, "application/merge-patch+json");
        linkPage(link.slug);
      } catch (error) { view.prepend(problemBox(error)); }
    } }, link.active ? "Deactivate" : "Activate"),
    el("button", { type: "button", class: "danger", onclick: async () => {
      if (!confirm(`Delete ${link.slug} and every click recorded for it?`)) return;
      try {
        await api("DELETE", `/api/v1/links/${encodeURIComponent(link.slug)}`);
        location.hash = "#/links";
      } catch (error) { view.prepend(problemBox(error)); }
    } }, "Delete")) : null;
  const stats = el("div", {});
  show(el("h1", { text: link.name || link.slug }), el("div", { class: "copy" }, url, copy, copied), actions,
    el("h2", { text: "Settings" }), settingsList(link),
    can("stats:read") ? el("h2", { text: "Clicks" }) : null, can("stats:read") ? rangeControls() : null, stats);
  if (can("stats:read")) loadLinkStats(link, stats);
}

function settingsList(link) {
  const rows = [
    ["Slug", link.slug], ["Destination", link.url], ["State", link.state], ["Active", link.active ? "yes" : "no"],
    ["Redirect", String(link.redirect_status)], ["Forwards the query", link.forward_query ? "yes" : "no"],
    ["Tags", link.tags.join(", ") || "–"], ["Counted clicks (all time)", number.format(link.click_count)],
    ["Starts", link.starts_at || "–"], ["Expires", link.expires_at || "–"], ["Click limit", link.max_clicks === null ? "–" : number.format(link.max_clicks)],
    ["After expiry", link.expired_url || "–"],
    ["Weighted destinations", link.destinations ? link.destinations.map((d) => `${d.url} (${d.weight})`).join("; ") : "–"],
    ["Rules", link.rules ? `${link.rules.length}` : "–"], ["Created", link.created_at], ["Updated", link.updated_at],
  ];
  return el("dl", { class: "settings" }, rows.flatMap(([name, value]) => [el("dt", { text: name }), el("dd", { text: value })]));
}

async function loadLinkStats(link, target) {
  target.replaceChildren(el("p", { class: "muted", text: "Loading…" }));
  try {
    const stats = await api("GET", `/api/v1/stats/links/${encodeURIComponent(link.slug)}?${query(rangeParams())}`);
    const totals = stats.totals;
    target.replaceChildren(
      el("div", { class: "cards" }, card("Counted clicks", number.format(totals.counted), "link-counted"), card("All hits", number.format(totals.hits), "link-hits")),
      totals.hits === 0 ? el("p", { class: "empty", text: `No clicks yet in this range — link to /go/${link.slug} from your site.` }) : seriesChart(stats, link.slug),
      el("div", { class: "grid2" },
        el("section", {}, el("h2", { text: "Hits by reason" }), breakdownTable("Why each hit was or was not counted", reasons, totals.by_reason, totals.hits)),
        el("section", {}, el("h2", { text: "Top referring pages" }), simpleTable(["Page", "Counted"], stats.top_referers.map((r) => [r.path, r.counted]), "No counted clicks from your pages in this range."))),
      el("h2", { text: "Top campaigns" }),
      simpleTable(["Source", "Medium", "Campaign", "Counted"], stats.top_sources.map((s) => [s.utm_source, s.utm_medium || "–", s.utm_campaign || "–", s.counted]), "No clicks with UTM parameters in this range."));
  } catch (error) {
    target.replaceChildren(problemBox(error));
  }
}

function simpleTable(headings, rows, emptyText) {
  if (rows.length === 0) return el("p", { class: "empty", text: emptyText });
  return el("div", { class: "table-wrap" }, el("table", {},
    el("thead", {}, el("tr", {}, headings.map((h, i) => el("th", { class: i === headings.length - 1 ? "num" : null, text: h })))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((cell, i) =>
      el("td", { class: typeof cell === "number" ? "num" : null, text: typeof cell === "number" ? number.format(cell) : cell })))))));
}

async function linksPage(params = new URLSearchParams()) {
  const search = el("input", { type: "search", id: "search", value: params.get("q") || "", "aria-label": "Search slug, name or URL" });
  const tag = el("input", { id: "tag-filter", value: params.get("tag") || "", size: 12, "aria-label": "Tag" });
  const active = el("select", { id: "active-filter", "aria-label": "Active" },
    [["", "All"], ["true", "Active"], ["false", "Inactive"]].map(([value, label]) => el("option", { value, selected: (params.get("active") || "") === value }, label)));
  const go = (cursor) => {
    location.hash = `#/links?${query({ q: search.value.trim(), tag: tag.value.trim(), active: active.value, cursor })}`;
  };
  const filters = el("form", { class: "toolbar", role: "search", onsubmit: (event) => { event.preventDefault(); go(""); } },
    el("label", {}, "Search", search), el("label", {}, "Tag", tag), el("label", {}, "Show", active), el("button", { type: "submit" }, "Filter"));
  const list = el("div", {}, el("p", { class: "muted", text: "Loading…" }));
  show(el("h1", { text: "Links" }), can("links:write") ? el("div", { class: "actions" }, el("a", { class: "button primary", href: "#/links/new", text: "New link" })) : null, filters, list);
  if (!can("links:read")) return list.replaceChildren(el("p", { class: "empty", text: "This session's token has no links:read scope." }));
  try {
    const page = await api("GET", `/api/v1/links?${query({ q: params.get("q"), tag: params.get("tag"), active: params.get("active"), cursor: params.get("cursor"), limit: 50 })}`);
    if (page.items.length === 0) {
      list.replaceChildren(el("p", { class: "empty" }, params.toString() ? "No link matches." : "No links yet — create one, then link to /go/<slug> from your site."));
      return;
    }
    list.replaceChildren(el("div", { class: "table-wrap" }, el("table", { id: "links-list" },
      el("thead", {}, el("tr", {}, el("th", { text: "Link" }), el("th", { class: "hide-narrow", text: "Destination" }), el("th", { text: "State" }), el("th", { class: "num", text: "Counted" }))),
      el("tbody", {}, page.items.map((link) => el("tr", {},
        el("td", {}, el("a", { href: `#/links/${encodeURIComponent(link.slug)}`, text: link.slug }), el("div", { class: "muted", text: link.name })),
        el("td", { class: "hide-narrow" }, el("code", { text: link.url })),
        el("td", { text: link.active ? link.state : "inactive" }),
        el("td", { class: "num", text: number.format(link.click_count) })))))),
      el("div", { class: "pager" },
        params.get("cursor") ? el("button", { type: "button", onclick: () => history.back() }, "Previous") : null,
        page.next_cursor ? el("button", { type: "button", id: "next-page", onclick: () => go(page.next_cursor) }, "Next") : null));
  } catch (error) {
    list.replaceChildren(problemBox(error));
  }
}

const linkFields = [
  { name: "slug", label: "Slug", help: "Lowercase letters, digits, - and _: the link is /go/<slug>." },
  { name: "name", label: "Name" },
  { name: "url", label: "Destination URL", type: "url" },
  { name: "tags", label: "Tags", help: "Separated by commas." },
  { name: "redirect_status", label: "Redirect status", options: ["302", "301", "307", "308"] },
  { name: "starts_at", label: "Starts at", type: "datetime-local", help: "Empty: live at once." },
  { name: "expires_at", label: "Expires at", type: "datetime-local", help: "Empty: never." },
  { name: "max_clicks", label: "Click limit", type: "number", help: "Counted clicks after which the link expires; empty: none." },
  { name: "expired_url", label: "URL after expiry", type: "url", help: "Empty: a 404 page." },
  { name: "active", label: "Active", type: "checkbox" },
  { name: "forward_query", label: "Forward the query string", type: "checkbox" },
];

function localInput(instant) {
  if (!instant) return "";
  const date = new Date(instant);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

async function linkFormPage(slug) {
  if (!can("links:write")) return show(el("p", { class: "empty", text: "This session's token cannot change links (it lacks links:write)." }));
  let link = null;
  if (slug) {
    try {
      link = await api("GET", `/api/v1/links/${encodeURIComponent(slug)}`);
    } catch (error) {
      return show(problemBox(error));
    }
  }
  const inputs = {};
  const errors = {};
  const fields = linkFields.map((field) => {
    const id = `field-${field.name}`;
    let input;
    if (field.options) {
      input = el("select", { id, name: field.name }, field.options.map((value) => el("option", { value, selected: link && String(link[field.name]) === value }, value)));
    } else if (field.type === "checkbox") {
      input = el("input", { id, name: field.name, type: "checkbox", checked: link ? link[field.name] : field.name === "active" });
    } else {
      let value = link ? link[field.name] : "";
      if (field.name === "tags") value = link ? link.tags.join(", ") : "";
      if (field.type === "datetime-local") value = localInput(value);
      input = el("input", { id, name: field.name, type: field.type || "text", value: value === null ? "" : value, readonly: field.name === "slug" && link !== null });
    }
    inputs[field.name] = input;
    errors[field.name] = el("p", { class: "error", id: `${id}-error`, role: "alert", hidden: true });
    input.setAttribute("aria-describedby", `${id}-error${field.help ? ` ${id}-help` : ""}`);
    const help = field.help ? el("span", { class: "help", id: `${id}-help`, text: field.help }) : null;
    return field.type === "checkbox"
      ? el("div", { class: "field" }, el("div", { class: "field check" }, input, el("label", { for: id, text: field.label })), errors[field.name])
      : el("div", { class: "field" }, el("label", { for: id, text: field.label }), input, help, errors[field.name]);
  });
  const formProblem = el("div", {});
  const form = el("form", { class: "link-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    for (const box of Object.values(errors)) { box.hidden = true; box.textContent = ""; }
    formProblem.replaceChildren();
    const text = (name) => inputs[name].value.trim();
    const instant = (name) => (text(name) ? new Date(text(name)).toISOString() : null);
    const body = {
      name: text("name"), url: text("url"), active: inputs.active.checked, forward_query: inputs.forward_query.checked,
      redirect_status: Number(inputs.redirect_status.value), tags: text("tags") ? text("tags").split(",").map((t) => t.trim()).filter(Boolean) : [],
      starts_at: instant("starts_at"), expires_at: instant("expires_at"),
      max_clicks: text("max_clicks") ? Number(text("max_clicks")) : null, expired_url: text("expired_url") || null,
    };
    try {
      const saved = link
        ? await api("PATCH", `/api/v1/links/${encodeURIComponent(link.slug)}`, body, "application/merge-patch+json")
        : await api("POST", "/api/v1/links", { slug: text("slug"), ...body });
      location.hash = `#/links/${encodeURIComponent(saved.slug)}`;
    } catch (error) {
      const fieldErrors = error instanceof ApiError && Array.isArray(error.problem.errors) ? error.problem.errors : [];
      let shown = false;
      for (const item of fieldErrors) {
        const box = errors[item.field.split(/[.[]/)[0]];
        if (!box) continue;
        box.textContent = box.textContent ? `${box.textContent} ${item.message}` : item.message;
        box.hidden = false;
        shown = true;
      }
      formProblem.replaceChildren(problemBox(error));
      if (shown) form.querySelector(".error:not([hidden])").previousElementSibling?.focus?.();
    }
  } }, fields, el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, link ? "Save" : "Create"),
    el("a", { class: "button", href: link ? `#/links/${encodeURIComponent(link.slug)}` : "#/links", text: "Cancel" })));
  show(el("h1", { text: link ? `Edit ${link.slug}` : "New link" }), formProblem, form);
}

async function leadsPage(params = new URLSearchParams()) {
  if (!can("stats:read")) return show(el("p", { class: "empty", text: "This session's token cannot read leads (it lacks stats:read)." }));
  const subject = el("input", { id: "lead-subject", value: params.get("subject") || "", "aria-label": "Subject" });
  const campaign = el("input", { id: "lead-campaign", value: params.get("utm_campaign") || "", "aria-label": "Campaign" });
  const go = (cursor) => {
    location.hash = `#/leads?${query({ subject: subject.value.trim(), utm_campaign: campaign.value.trim(), cursor })}`;
  };
  const list = el("div", {}, el("p", { class: "muted", text: "Loading…" }));
  const erase = can("admin") && params.get("subject") ? eraseBox(params.get("subject")) : null;
  show(el("h1", { text: "Leads" }),
    el("form", { class: "toolbar", role: "search", onsubmit: (event) => { event.preventDefault(); go(""); } },
      el("label", {}, "Subject", subject), el("label", {}, "Campaign", campaign), el("button", { type: "submit" }, "Show")),
    erase, list);
  try {
    const page = await api("GET", `/api/v1/leads?${query({ subject: params.get("subject"), utm_campaign: params.get("utm_campaign"), cursor: params.get("cursor"), limit: 50 })}`);
    if (page.items.length === 0) return list.replaceChildren(el("p", { class: "empty", text: "No leads match — leads are captured by leads.capture (or the Django middleware) when a visitor lands with UTM parameters." }));
    const columns = Object.keys(page.items[0]);
    list.replaceChildren(simpleTable(columns, page.items.map((lead) => columns.map((c) => (lead[c] === null ? "–" : typeof lead[c] === "number" ? lead[c] : String(lead[c])))), ""),
      el("div", { class: "pager" },
        params.get("cursor") ? el("button", { type: "button", onclick: () => history.back() }, "Previous") : null,
        page.next_cursor ? el("button", { type: "button", onclick: () => go(page.next_cursor) }, "Next") : null));
  } catch (error) {
    list.replaceChildren(problemBox(error));
  }
}

// Erasing is for good: a first button asks, a second one (naming the subject) does it.
function eraseBox(subject) {
  const box = el("div", { class: "actions" });
  const ask = el("button", { type: "button", class: "danger", id: "erase", onclick: () => {
    box.replaceChildren(el("p", { class: "warning", role: "alert", text: `Erase every lead of “${subject}”? This cannot be undone.` }),
      el("button", { type: "button", class: "danger", id: "erase-confirm", onclick: async () => {
        try {
          const result = await api("DELETE", `/api/v1/leads?${query({ subject })}`);
          box.replaceChildren(el("p", { class: "healthy", role: "status", text: `Erased ${result.deleted} leads of “${subject}”.` }));
        } catch (error) { box.replaceChildren(problemBox(error)); }
      } }, `Erase leads of ${subject}`),
      el("button", { type: "button", onclick: () => box.replaceChildren(ask) }, "Cancel"));
  } }, "Erase this subject's leads…");
  box.append(ask);
  return box;
}

// ---- routing: #/, #/links, #/links/new, #/links/<slug>, #/links/<slug>/edit, #/leads ----

// After a change of page, focus moves to it (screen readers announce it); on first load it
// stays at the top, where the skip link is.
async function route(event) {
  for (const chart of charts) chart.destroy();
  charts.clear();
  const [path, search] = (location.hash.slice(1) || "/").split("?");
  const params = new URLSearchParams(search || "");
  if (params.get("range")) {
    state.range = params.get("range");
    state.tz = params.get("tz") || state.tz;
    state.from = params.get("from") || "";
    state.to = params.get("to") || "";
  }
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  for (const link of document.querySelectorAll("nav a")) {
    const current = link.getAttribute("href").slice(2).split("/")[0] === (parts[0] || "");
    if (current) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  if (parts[0] === "links" && parts[1] === "new") await linkFormPage(null);
  else if (parts[0] === "links" && parts[1] && parts[2] === "edit") await linkFormPage(parts[1]);
  else if (parts[0] === "links" && parts[1]) await linkPage(parts[1]);
  else if (parts[0] === "links") await linksPage(params);
  else if (parts[0] === "leads") await leadsPage(params);
  else await overviewPage();
  if (event) view.focus({ preventScroll: true });
}

async function start() {
  try {
    state.session = await api("GET", "/dashboard/session");
  } catch (error) {
    return show(problemBox(error));
  }
  document.getElementById("who").textContent = `${state.session.subject || "signed in"} · ${state.session.scopes.join(", ")}`;
  document.getElementById("nav-leads").hidden = !can("stats:read");
  window.addEventListener("hashchange", route);
  await route(null);
  document.body.dataset.ready = "true";
}

start();
