// An organizer makes an event in the dashboard from nothing to the gate: a
// refused form first, then the event, a quota and a ticket type; publishing
// makes the check-in list "All tickets" with the gate "Main entrance"; a
// buyer buys in the sandbox; the organizer scans the ticket at that gate in
// /scan (manual code entry) and sees it counted on the event's check-in tab,
// where a list and a gate are also made and removed; last, the venues, a
// venue with its seat map and the payment settings are looked at. The
// journey runs on a desktop in English and on a phone in Chinese, with
// axe-core on every page and, in Chinese, no English catalog text showing.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... node dashboard.mjs
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";
import { audit, assertTranslated } from "./checks.mjs";

const base = process.env.BASE;
const shots = process.env.SHOTS ?? "screenshots";
const password = process.env.DEMO_PASSWORD;
assert.ok(base, "BASE is the server's URL");
assert.ok(password, "DEMO_PASSWORD is the demo organizer's password (printed by serve --demo)");
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
});

const runs = [
  { name: "desktop-en", lang: "en", viewport: { width: 1280, height: 900 }, mobile: false },
  { name: "phone-zh", lang: "zh-CN", viewport: { width: 360, height: 780 }, mobile: true },
];

async function journey(run) {
  const zh = run.lang === "zh-CN";
  const check = async (page, what) => {
    await audit(page, `${what} (${run.name})`);
    if (zh) await assertTranslated(page, `${what} (${run.name})`);
  };
  const shot = (page, what) => page.screenshot({ path: `${shots}/dashboard-${what}-${run.name}.png`, fullPage: true });
  const staff = await browser.newContext({
    viewport: run.viewport,
    isMobile: run.mobile,
    hasTouch: run.mobile,
    locale: zh ? "zh-CN" : "en-GB",
    extraHTTPHeaders: { "Accept-Language": zh ? "zh-CN" : "en-GB" },
  });
  const page = await staff.newPage();
  page.setDefaultTimeout(15000);
  const title = `Gala ${run.name} ${Date.now()}`;

  // ----- sign in, find the organization, a new event (refused first) -----
  await page.goto(`${base}/account/sign-in?next=%2Fdashboard`);
  await page.locator("#email").fill("organizer@demo.tessera.dev");
  await page.locator("#password").fill(password);
  await page.locator("main form button[type=submit]").click();
  // One organization: the dashboard opens on its overview; `?all` lists the organizations.
  await page.waitForURL(/\/dashboard\/orgs\/[^/]+\/overview$/);
  await check(page, "overview");
  await page.goto(`${base}/dashboard?all`);
  await check(page, "dashboard home");
  await page.locator("main .cards a").first().click();
  await page.waitForURL(/\/dashboard\/orgs\/[^/]+$/);
  const orgPath = new URL(page.url()).pathname;
  const org = orgPath.split("/").pop();
  await check(page, "events list");
  await page.locator("main a[href$='/events/new']").click();
  await page.locator("#title").fill(title);
  await page.locator("main form button[type=submit]").click();
  await page.locator(".error-summary").waitFor();
  assert.equal(await page.locator("#title").inputValue(), title, "a refused form keeps what was typed");
  assert.equal(await page.locator("#starts_at").getAttribute("aria-invalid"), "true");
  await check(page, "new event, refused");
  // The event starts within the hour, so that its ticket can be scanned
  // now; times are typed as the venue's wall clock (the form says its zone).
  const zone = await page.locator("p.hint").first().innerText();
  const tz = zone.match(/\(([^)]+)\)|（([^）]+)）/);
  const venueZone = tz ? tz[1] ?? tz[2] : "UTC";
  const atVenue = (ms) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-GB", { timeZone: venueZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
        .formatToParts(new Date(ms))
        .map((p) => [p.type, p.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
  };
  await page.locator("#starts_at").fill(atVenue(Date.now() + 30 * 60e3));
  await page.locator("#ends_at").fill(atVenue(Date.now() + 8 * 3600e3));
  await page.locator("main form button[type=submit]").click();
  await page.waitForURL(/\/events\/[0-9a-f-]+$/);
  const eventUrl = page.url();
  const event = eventUrl.split("/").pop();

  // ----- a quota, a ticket type, publish -----
  await page.locator("details:has(form[action$='/quotas']) > summary").click();
  await page.locator("#q_name").fill("House");
  await page.locator("#q_capacity").fill("50");
  await page.locator("form[action$='/quotas'] button[type=submit]").click();
  await page.waitForURL(eventUrl);
  await page.locator("details:has(form[action$='/ticket-types']) > summary").click();
  await page.locator("#tt_name").fill("Entry");
  await page.locator("#tt_price").fill("15");
  await page.locator("form[action$='/ticket-types'] button[type=submit]").click();
  await page.waitForURL(eventUrl);
  await page.locator("table.stack th[scope=row]", { hasText: "Entry" }).waitFor();
  await check(page, "event page, draft");
  await page.locator("form[action$='/action']:has(input[value=publish]) button").click();
  await page.locator(".badge-ok").waitFor();
  await shot(page, "event");
  await check(page, "event page, published");

  // ----- the check-in tab: the default list and gate -----
  await page.locator("nav.tabs a[href$='/checkin']").click();
  await page.getByRole("heading", { name: "All tickets" }).waitFor();
  await page.locator("table.stack th[scope=row]", { hasText: "Main entrance" }).waitFor();
  await check(page, "check-in tab");
  // A list of its own, then deleted (behind its confirmation).
  await page.locator("details:has(form[action$='/checkin/lists']) > summary").click();
  await page.locator("#new-name").fill("Staff door");
  await page.locator("form[action$='/checkin/lists'] button[type=submit]").click();
  await page.locator("#new-gates-error").waitFor();
  await check(page, "check-in tab, refused list");
  await page.locator("#new-gates").fill("Back door\nLoading bay");
  await page.locator("form[action$='/checkin/lists'] button[type=submit]").click();
  const staffList = page.locator("section.checkin-list", { has: page.getByRole("heading", { name: "Staff door" }) });
  await staffList.waitFor();
  await staffList.locator("details.confirm", { hasText: "Loading bay" }).locator("summary").click();
  await staffList.locator("details.confirm[open] button[type=submit]").click();
  await staffList.locator("table.stack th[scope=row]", { hasText: "Back door" }).waitFor();
  assert.equal(await staffList.locator("table.stack th[scope=row]", { hasText: "Loading bay" }).count(), 0);
  await staffList.locator("details.panel > summary").click();
  await staffList.locator("details.panel details.confirm > summary").click();
  await staffList.locator("details.confirm[open] button[type=submit]").click();
  await page.getByRole("heading", { name: "All tickets" }).waitFor();
  assert.equal(await page.getByRole("heading", { name: "Staff door" }).count(), 0, "the list was deleted");
  await shot(page, "checkin");

  // ----- a buyer buys one ticket in the sandbox -----
  const buyer = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "en-GB" });
  const b = await buyer.newPage();
  b.setDefaultTimeout(15000);
  await b.goto(`${base}/events/${event}`);
  await b.getByLabel("How many").first().fill("1");
  await b.getByLabel("Name on the tickets").fill("Katherine Johnson");
  await b.getByLabel("E-mail").fill(`katherine-${run.name}-${Date.now()}@example.org`);
  await b.getByRole("button", { name: "Reserve" }).click();
  await b.getByRole("heading", { name: "Your order" }).waitFor();
  const orderId = new URL(b.url()).pathname.split("/").pop();
  await b.getByRole("button", { name: /^Pay / }).click();
  await b.getByLabel("Payment succeeds").check();
  await b.getByRole("button", { name: /^Pay / }).click();
  await b.getByRole("link", { name: "Back to the order" }).click();
  await b.getByRole("heading", { name: "Tickets" }).waitFor();
  await buyer.close();

  // ----- scanned at the default gate in /scan -----
  const api = (path) => page.evaluate((p) => fetch(p).then((r) => r.json()), path);
  const tickets = await api(`/api/v1/orgs/${org}/orders/${orderId}/tickets`);
  assert.equal(tickets.length, 1, JSON.stringify(tickets));
  const lists = await api(`/api/v1/orgs/${org}/events/${event}/checkin-lists`);
  assert.equal(lists.length, 1, JSON.stringify(lists));
  const [list] = lists;
  assert.equal(list.gates[0].name, "Main entrance");
  await page.goto(`${base}/scan`);
  const gateLink = page.locator(`a[href='/scan/${org}/${list.id}?gate=${list.gates[0].id}']`);
  await gateLink.click();
  await page.locator("#code").waitFor();
  await check(page, "scanner at the default gate");
  await page.locator("#code").fill(tickets[0].code);
  await page.locator("form:has(#code) button[type=submit]").click();
  await page.locator("#verdict.ok").waitFor();
  assert.match(await page.locator("#verdict").innerText(), /Katherine Johnson/);
  await shot(page, "scanned");

  // ----- counted on the check-in tab -----
  await page.goto(`${eventUrl}/checkin`);
  const stats = page.locator("section.checkin-list .stats strong").first();
  assert.equal((await stats.innerText()).trim(), "1 / 1");
  await page.locator("table.stack td.num", { hasText: "1" }).first().waitFor();
  await check(page, "check-in tab, after a scan");
  await shot(page, "checkin-scanned");

  // ----- the organization's venues and payment settings -----
  await page.goto(`${base}${orgPath}/venues`);
  await check(page, "venues");
  await page.locator("main table.stack th[scope=row] a").first().click();
  await page.locator("#seat-map").waitFor();
  await check(page, "venue");
  await shot(page, "venue");
  await page.goto(`${base}${orgPath}/payments`);
  await page.locator("#record-payout").waitFor();
  await check(page, "payments");
  await shot(page, "payments");
  await staff.close();
  console.log(`dashboard (${run.name}): event made, published with its default gate, bought, scanned there: ok`);
}

try {
  for (const run of runs) await journey(run);
} finally {
  await browser.close();
}
