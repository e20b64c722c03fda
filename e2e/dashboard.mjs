// An organizer creates and publishes an event in the dashboard and watches
// a sale arrive on the sales page without reloading it; then axe-core checks
// the main pages for serious or critical accessibility problems.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... node dashboard.mjs
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const base = process.env.BASE;
const shots = process.env.SHOTS ?? "screenshots";
const password = process.env.DEMO_PASSWORD;
assert.ok(base, "BASE is the server's URL");
assert.ok(password, "DEMO_PASSWORD is the demo organizer's password (printed by serve --demo)");
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
});

async function signIn(page) {
  await page.goto(`${base}/account/sign-in`);
  await page.getByLabel("E-mail").fill("organizer@demo.tessera.dev");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "My orders" }).waitFor();
}

/** Runs axe-core on the page; fails on serious or critical violations. */
async function audit(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `${what}: ${JSON.stringify(bad, null, 1)}`);
  const minor = result.filter((v) => !bad.includes(v));
  console.log(`axe ${what}: no serious or critical violations${minor.length ? ` (minor: ${minor.map((v) => v.id).join(", ")})` : ""}`);
}

try {
  const title = `Gala ${Date.now()}`;
  const staff = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
  const page = await staff.newPage();
  page.setDefaultTimeout(15000);
  await signIn(page);
  await page.getByRole("link", { name: "Dashboard" }).click();
  // One organization: the dashboard opens on its overview.
  await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Events" }).click();
  await page.getByRole("link", { name: "New event" }).click();

  // A refused form keeps what was typed, then the event is created.
  await page.getByLabel("Title").fill(title);
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Please check the marked fields.").waitFor();
  assert.equal(await page.getByLabel("Title").inputValue(), title);
  const day = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10);
  await page.getByLabel("Starts (venue time)").fill(`${day}T19:30`);
  await page.getByLabel("Ends (venue time)").fill(`${day}T22:00`);
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("heading", { name: title }).waitFor();

  await page.getByText("Add a quota").click();
  await page.locator("#q_name").fill("House");
  await page.locator("#q_capacity").fill("50");
  await page.getByRole("button", { name: "Create" }).last().click();
  await page.getByText("Add a ticket type").click();
  await page.locator("#tt_name").fill("Entry");
  await page.locator("#tt_price").fill("15");
  await page.getByRole("button", { name: "Create" }).first().click();
  await page.getByRole("cell", { name: "€15.00" }).waitFor();
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByText("published").first().waitFor();
  await page.screenshot({ path: `${shots}/dashboard-event-desktop.png`, fullPage: true });
  const eventUrl = page.url();

  // The sales page, open while a buyer pays.
  await page.getByRole("link", { name: "Sales" }).click();
  await page.getByText("No sales yet.").waitFor();
  const buyer = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "en-GB" });
  const b = await buyer.newPage();
  b.setDefaultTimeout(15000);
  await b.goto(`${base}/`);
  await b.getByRole("link", { name: title }).click();
  await b.getByLabel("How many").fill("2");
  await b.getByLabel("Name on the tickets").fill("Katherine Johnson");
  await b.getByLabel("E-mail").fill("katherine@example.org");
  await b.getByRole("button", { name: "Reserve" }).click();
  await b.locator(".countdown").waitFor();
  const before = await b.locator(".countdown").textContent();
  await b.waitForTimeout(1500);
  assert.notEqual(await b.locator(".countdown").textContent(), before, "the hold countdown runs");
  await b.getByRole("button", { name: /^Pay / }).click();
  await b.getByLabel("Payment succeeds").check();
  await b.getByRole("button", { name: /^Pay / }).click();
  await b.getByRole("link", { name: "Back to the order" }).click();
  await b.getByRole("heading", { name: "Tickets" }).waitFor();

  // No reload: the availability stream brings the new figures in.
  await page.getByText("€30.00").first().waitFor({ timeout: 20000 });
  assert.ok(await page.locator("svg.chart").count() >= 2, "charts per ticket type and per day");
  await page.screenshot({ path: `${shots}/dashboard-sales-desktop.png`, fullPage: true });
  console.log("dashboard: event created, published, sale shown live: ok");

  // Orders: search by e-mail, open the order.
  await page.getByRole("link", { name: "Orders" }).first().click();
  await page.getByLabel("Search by reference, name or e-mail").fill("katherine@");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByRole("cell", { name: /Katherine Johnson/ }).first().waitFor();
  await page.screenshot({ path: `${shots}/dashboard-orders-desktop.png`, fullPage: true });

  // Accessibility of the main pages, at phone width as well.
  const pages = [
    ["storefront home", b, `${base}/`],
    ["buyer order", b, b.url()],
    ["dashboard event", page, eventUrl],
    ["dashboard sales", page, `${eventUrl}/sales`],
    ["dashboard orders", page, `${base}${new URL(page.url()).pathname}`],
    ["attendees", page, `${eventUrl}/attendees`],
    ["check-in figures", page, `${eventUrl}/checkin`],
  ];
  const events = await (await page.request.get(`${base}/api/v1/events`)).json();
  const play = events.items.find((e) => e.category === "theatre");
  if (play) {
    const orgPath = new URL(eventUrl).pathname.split("/events/")[0];
    pages.push(["seat map (storefront)", b, `${base}/events/${play.id}`]);
    pages.push(["seat map (dashboard)", page, `${base}${orgPath}/events/${play.id}/seats`]);
  }
  pages.push(["scanner chooser", page, `${base}/scan`]);
  const firstGate = await (async () => {
    await page.goto(`${base}/scan`);
    const href = await page.locator("a[href^='/scan/']").first().getAttribute("href");
    return href ? `${base}${href}` : null;
  })();
  if (firstGate) pages.push(["scanner", page, firstGate]);
  for (const [what, p, url] of pages) {
    await p.goto(url);
    await audit(p, what);
  }
  const anon = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN" } });
  const a = await anon.newPage();
  for (const [what, url] of [["sign-in (zh)", "/account/sign-in"], ["sign-up (zh)", "/account/sign-up"], ["home (zh)", "/"], ["not found (zh)", "/no/such/page"]]) {
    await a.goto(`${base}${url}`);
    await audit(a, what);
  }
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(eventUrl);
  await page.screenshot({ path: `${shots}/dashboard-event-phone.png`, fullPage: true });
  await Promise.all([staff.close(), buyer.close(), anon.close()]);
} finally {
  await browser.close();
}
