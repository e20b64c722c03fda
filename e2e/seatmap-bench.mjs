// How the seat map copes with the 80,000-seat stadium: makes a stadium
// event on a running `tessera serve --demo` through the JSON API (the
// demo organizer's login), takes 90 % of its seats off sale (blocked, which
// the storefront draws as sold), then measures in Chromium: the payloads,
// the time to a drawn map, and the time a zoom step and a status refresh
// take. Not part of CI; the figures go to BENCHMARKS.md.
// Usage: BASE=http://127.0.0.1:PORT DEMO_PASSWORD=... node seatmap-bench.mjs
// (EVENT=<id> measures an event made by an earlier run instead.)
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";

const base = process.env.BASE;
const password = process.env.DEMO_PASSWORD;
assert.ok(base && password, "BASE and DEMO_PASSWORD");

// ---- the event, through the API
const login = await fetch(`${base}/api/v1/auth/login`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ email: "organizer@demo.tessera.dev", password }),
});
assert.equal(login.status, 200, await login.clone().text());
const cookie = login.headers.get("set-cookie").split(";")[0];
const { csrf_token: csrf } = await login.json();
async function api(method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", cookie, "x-csrf-token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}
const org = (await api("GET", "/api/v1/orgs")).find((o) => o.slug === "demo").id;
const event = process.env.EVENT ? { id: process.env.EVENT } : await makeStadium();
async function makeStadium() {
const venue = await api("POST", `/api/v1/orgs/${org}/venues`, {
  name: `Stadium ${Date.now()}`, address: "1 Arena Way", timezone: "Europe/Berlin", capacity: 100000,
});
const summary = await api("POST", `/api/v1/orgs/${org}/venues/${venue.id}/seat-map/generate`, { shape: "stadium" });
const start = new Date(Date.now() + 40 * 86400e3);
const event = await api("POST", `/api/v1/orgs/${org}/events`, {
  venue_id: venue.id, title: `Stadium benchmark ${start.getTime()}`, category: "sports",
  starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 3 * 3600e3).toISOString(),
});
const zones = {};
for (const [cat, price] of [["A", 9000], ["B", 6000], ["C", 3500]]) {
  const q = await api("POST", `/api/v1/orgs/${org}/events/${event.id}/quotas`, { name: cat, capacity: 100000 });
  const tt = await api("POST", `/api/v1/orgs/${org}/events/${event.id}/ticket-types`, {
    name: `Zone ${cat}`, price_minor: price, currency: "EUR", quota_ids: [q.id],
  });
  zones[cat] = tt.id;
}
await api("PUT", `/api/v1/orgs/${org}/events/${event.id}/seating`, { zones });
await api("POST", `/api/v1/orgs/${org}/events/${event.id}/publish`, {});
const doc = await (await fetch(`${base}/api/v1/events/${event.id}/seat-map`)).text();
console.log(`stadium: ${summary.seats} seats in ${summary.sections.length} sections`);
const ids = [];
for (const s of JSON.parse(doc).sections) for (const r of s.rows) for (const seat of r.seats) ids.push(seat.id);
// 90 % off sale, at random (a fixed seed, so runs compare).
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const off = ids.filter(() => rand() < 0.9);
for (let k = 0; k < off.length; k += 1000) {
  await api("POST", `/api/v1/orgs/${org}/events/${event.id}/seating/block`, { seat_ids: off.slice(k, k + 1000), blocked: true });
}
console.log(`event ${event.id}: ${off.length} seats off sale`);
return event;
}
const doc = await (await fetch(`${base}/api/v1/events/${event.id}/seat-map`)).text();
const statuses = await (await fetch(`${base}/api/v1/events/${event.id}/seats`)).text();
const page = await (await fetch(`${base}/events/${event.id}`)).text();
const kb = (n) => `${Math.round(n / 1024).toLocaleString("en")} KiB`;
console.log(`map document: ${kb(doc.length)} raw, ${kb(gzipSync(doc, { level: 9 }).length)} gzip -9`);
console.log(`statuses:     ${kb(statuses.length)} raw, ${kb(gzipSync(statuses, { level: 9 }).length)} gzip -9`);
console.log(`event page:   ${kb(page.length)} raw (one section listed)`);

// ---- the browser
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
});
try {
  for (const [name, viewport] of [["phone", { width: 360, height: 780 }], ["desktop", { width: 1280, height: 900 }]]) {
    const runs = [];
    for (let run = 0; run < 3; run++) {
      const context = await browser.newContext({ viewport });
      const tab = await context.newPage();
      const t0 = Date.now();
      await tab.goto(`${base}/events/${event.id}`);
      await tab.locator("#seatmap[data-ready]").waitFor({ timeout: 60000 });
      const wall = Date.now() - t0;
      const timings = JSON.parse(await tab.locator("#seatmap").getAttribute("data-timings"));
      // A zoom step, from the click until the map has rested and painted
      // (whole map; then zoomed in, where a window around the view is drawn).
      const zoomSteps = await tab.evaluate(async () => {
        const button = document.querySelector(".seat-toolbar button");
        const svg = document.querySelector("svg.seatmap");
        const frames = () => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
        const out = [];
        for (let k = 0; k < 4; k++) {
          const t = performance.now();
          button.click();
          await frames();
          while (svg.classList.contains("moving")) await new Promise((ok) => setTimeout(ok, 5));
          await frames();
          out.push(Math.round(performance.now() - t - 120)); // less the 120 ms rest delay
        }
        return out;
      });
      // Dragging: frame intervals while the pointer moves for a second.
      const box = await tab.locator(".seatmap-frame").boundingBox();
      await tab.evaluate(() => {
        window.__frames = [];
        let last = performance.now();
        const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__frames.length < 400) requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
      });
      await tab.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await tab.mouse.down();
      for (let k = 0; k < 40; k++) await tab.mouse.move(box.x + box.width / 2 + k * 3, box.y + box.height / 2 + k * 2);
      await tab.mouse.up();
      const frames = (await tab.evaluate(() => window.__frames)).slice(1, 40).sort((a, b) => a - b);
      runs.push({
        wall, ...timings,
        zoom_whole_ms: zoomSteps[0], zoom_in_ms: zoomSteps[3],
        drag_frame_p50_ms: Math.round(frames[Math.floor(frames.length / 2)]),
        drag_frame_max_ms: Math.round(frames[frames.length - 1]),
      });
      await context.close();
    }
    runs.sort((a, b) => a.first_paint_ms - b.first_paint_ms);
    const median = runs[1];
    console.log(`${name}: median of 3: ${JSON.stringify(median)}`);
  }
} finally {
  await browser.close();
}
