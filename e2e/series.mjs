// Series, end to end against `serve --demo`: the organizer (signed in) is
// refused a rule with too many dates (API), creates a weekly series with the
// dashboard's rule-builder form and publishes it; a buyer finds it once in the
// event list, picks a day in the month calendar (no script needed: plain
// links), picks a time, buys on the occurrence's event page, pays, and gets
// the confirmation e-mail with the date and a link to the occurrence's
// calendar file, which is a VEVENT at that time. The demo's "City Museum"
// calendar opens too. axe-core on every page, phone and desktop, English
// and Chinese.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... MAIL_DIR=dir node series.mjs
import assert from "node:assert/strict";
import { audit, assertTranslated } from "./checks.mjs";
import { base, shots, password, launch } from "./setup.mjs";
import { waitForMail } from "./mailbox.mjs";

const browser = await launch();
const sizes = [
  ["phone", { width: 360, height: 780 }],
  ["desktop", { width: 1280, height: 900 }],
];
const langs = ["en", "zh-CN"];
const words = { en: { weekly: "Weekly, from", other: "Other dates" }, "zh-CN": { weekly: "每周，自", other: "其他日期" } };

async function check(page, lang, what) {
  await audit(page, what);
  if (lang === "zh-CN") await assertTranslated(page, what);
}

async function api(page, method, path, body) {
  return page.evaluate(
    async ([m, p, b]) => {
      const csrf = document.querySelector("meta[name=csrf-token]")?.content ?? "";
      const r = await fetch(p, {
        method: m,
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        body: b === undefined ? undefined : JSON.stringify(b),
      });
      return { status: r.status, body: await r.json() };
    },
    [method, path, body],
  );
}

let run = 0;
try {
  // ----- the organizer makes a weekly series -----
  const staff = await browser.newContext({ viewport: sizes[1][1] });
  const desk = await staff.newPage();
  desk.setDefaultTimeout(15000);
  await desk.goto(`${base}/account/sign-in`);
  await desk.locator("#email").fill("organizer@demo.tessera.dev");
  await desk.locator("#password").fill(password);
  await desk.locator("main form button[type=submit]").click();
  await desk.waitForURL((u) => !u.pathname.startsWith("/account/sign-in"));
  await desk.goto(`${base}/dashboard`);
  const org = new URL(desk.url()).pathname.replace(/\/overview$/, "").split("/").pop();
  const venues = await api(desk, "GET", `/api/v1/orgs/${org}/venues`);
  const venue = venues.body.find((v) => v.name === "City Museum") ?? venues.body[0];
  const first = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
  const bad = await api(desk, "POST", `/api/v1/orgs/${org}/series`, {
    venue_id: venue.id, title: "Too many", category: "exhibition", rrule: "FREQ=DAILY;COUNT=20000",
    first_date: first, times: ["10:00"], duration_minutes: 60, capacity: 5, currency: "EUR",
    ticket_types: [{ name: "Entry", price_minor: 500 }],
  });
  assert.equal(bad.status, 422, JSON.stringify(bad));
  assert.ok(bad.body.error.fields.rrule, "too many occurrences names rrule");
  // The dashboard's form builds the rule: weekly on Saturday and Sunday, eight dates, two times.
  await desk.goto(`${base}/dashboard/orgs/${org}/series`);
  await check(desk, "en", "series list");
  await desk.locator("#title").fill("Saturday Tour");
  await desk.locator("#venue_id").selectOption(venue.id);
  await desk.locator("#category").selectOption("exhibition");
  await desk.locator("#freq").selectOption("WEEKLY");
  await desk.locator("input[name=day_SA]").check();
  await desk.locator("input[name=day_SU]").check();
  await desk.locator("#first_date").fill(first);
  await desk.locator("#count").fill("8");
  await desk.locator("#times").fill("11:00, 15:00");
  await desk.locator("#duration_minutes").fill("90");
  await desk.locator("#capacity").fill("12");
  await desk.locator("#type0_name").fill("Tour");
  await desk.locator("#type0_price").fill("12.00");
  await desk.locator("main form button[type=submit]").last().click();
  await desk.waitForURL(/\/series\/[0-9a-f-]+$/);
  const series = new URL(desk.url()).pathname.split("/").pop();
  await check(desk, "en", "series page");
  await desk.getByRole("button", { name: "Publish the series and all its dates" }).click();
  await desk.waitForURL(/saved=1/);
  await desk.screenshot({ path: `${shots}/series-dashboard.png`, fullPage: true });
  const occ = await api(desk, "GET", `/api/v1/orgs/${org}/series/${series}/occurrences`);
  assert.equal(occ.body.items.length, 16);
  await staff.close();

  for (const [size, viewport] of sizes) {
    for (const lang of langs) {
      run += 1;
      const tag = `${size}-${lang}`;
      const w = words[lang];
      const email = `visitor-${Date.now()}-${run}@example.org`;
      const ctx = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
      const page = await ctx.newPage();
      page.setDefaultTimeout(15000);
      // ----- listed once, as a weekly series -----
      await page.goto(`${base}/?lang=${lang}&q=Saturday%20Tour`);
      const cards = page.locator(".event-card", { hasText: "Saturday Tour" });
      assert.equal(await cards.count(), 1, "the series is listed once");
      assert.ok((await cards.first().innerText()).includes(w.weekly), await cards.first().innerText());
      await check(page, lang, `listing with a series ${tag}`);
      await cards.first().getByRole("link", { name: "Saturday Tour" }).click();
      await page.waitForURL(/\/series\//);
      // ----- the calendar: pick the n-th occurrence's day, then its time -----
      const pick = occ.body.items[2 * (run % 4)];
      const day = pick.starts_at_local.slice(0, 10);
      const month = day.slice(0, 7);
      if (!page.url().includes(`month=${month}`)) await page.goto(`${base}/series/${series}?month=${month}&lang=${lang}`);
      await page.locator(`table.dates-calendar a[href*="day=${day}"]`).click();
      await page.locator("ul.dates-slots").waitFor();
      await page.screenshot({ path: `${shots}/dates-calendar-${tag}.png`, fullPage: true });
      await check(page, lang, `series calendar ${tag}`);
      await page.locator(`ul.dates-slots a[href="/events/${pick.id}"]`).click();
      await page.waitForURL(new RegExp(`/events/${pick.id}`));
      await page.getByRole("link", { name: w.other }).waitFor();
      await check(page, lang, `occurrence page ${tag}`);
      // ----- buy and pay -----
      await page.locator("input[name^=qty_]").first().fill("2");
      await page.locator("#name").fill(`Visitor ${tag}`);
      await page.locator("#email").fill(email);
      await page.locator("form.buy button.big").click();
      await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
      await page.locator("form[action$='/pay'] button").click();
      await page.waitForURL(/\/pay\/sandbox\//);
      await page.locator("input[value=success]").check();
      await page.locator("main form button[type=submit]").click();
      await page.waitForURL(/\/confirmed$/);
      // ----- the e-mail: the date and time, and the calendar file -----
      const mail = await waitForMail({ to: email });
      const time = pick.starts_at_local.slice(11, 16);
      assert.ok(mail.text.includes(time), `the e-mail says ${time}: ${mail.text}`);
      const ics = mail.links.find((l) => l.endsWith(`/events/${pick.id}/calendar.ics`));
      assert.ok(ics, `the e-mail links the calendar file: ${mail.links}`);
      const cal = await (await fetch(ics.replace(/^https?:\/\/[^/]+/, base))).text();
      const stamp = new Date(pick.starts_at).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
      assert.ok(cal.includes(`DTSTART:${stamp}`), cal);
      await ctx.close();
    }
  }
  // ----- the demo museum's calendar -----
  const ctx = await browser.newContext({ viewport: sizes[0][1] });
  const page = await ctx.newPage();
  await page.goto(`${base}/?q=City%20Museum`);
  await page.locator(".event-card", { hasText: "City Museum" }).getByRole("link").first().click();
  await page.waitForURL(/\/series\//);
  assert.ok((await page.locator("table.dates-calendar a").count()) > 0, "the museum has days to pick");
  await check(page, "en", "museum calendar");
  await ctx.close();
  console.log("series: ok");
} finally {
  await browser.close();
}
