// Waitlists, end to end against `serve --demo` (the concert's front row is
// sold out with a waitlist): per run the organizer adds a one-ticket type
// to the concert and it sells out; a buyer finds it sold out on the event
// page, joins its waitlist and sees their place; the organizer cancels the
// order holding the ticket; the sweeper offers the freed ticket and the
// offer e-mail arrives in the buyer's language; the buyer follows its link
// and pays; the entry shows accepted and the organizer's Waitlist tab lists
// it. axe-core on every page, at phone and desktop width, in English and
// Chinese (the Chinese run's screenshots show the entry and the tab).
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... MAIL_DIR=dir node waitlist.mjs
import assert from "node:assert/strict";
import { audit, assertTranslated } from "./checks.mjs";
import { base, shots, password, launch } from "./setup.mjs";
import { waitForMail } from "./mailbox.mjs";

const browser = await launch();

const runs = [
  ["desktop", { width: 1280, height: 900 }, "en"],
  ["phone", { width: 360, height: 780 }, "zh-CN"],
];
const words = {
  en: { join: "Join the waitlist", pay: "Buy the tickets", subject: "held for you", waiting: "Waiting", accepted: "Accepted" },
  "zh-CN": { join: "加入候补名单", pay: "购买门票", subject: "为您保留", waiting: "等候中", accepted: "已接受" },
};

const events = await (await fetch(`${base}/api/v1/events?limit=50`)).json();
const gig = events.items.find((e) => e.title === "Night of Strings");
assert.ok(gig, "the demo has the concert");

async function check(page, lang, what) {
  await audit(page, what);
  if (lang === "zh-CN") await assertTranslated(page, what);
}

/** The page's own session calls the API (CSRF token from the shell). */
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

try {
  for (const [size, viewport, lang] of runs) {
    const tag = `${size}-${lang}`;
    const w = words[lang];
    const stamp = `${Date.now()}-${size}`;
    const buyerEmail = `waiting-${stamp}@example.org`;

    // ----- the organizer: a one-ticket type, sold at once -----
    const staff = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
    const desk = await staff.newPage();
    desk.setDefaultTimeout(15000);
    await desk.goto(`${base}/account/sign-in?lang=${lang}`);
    await desk.locator("#email").fill("organizer@demo.tessera.dev");
    await desk.locator("#password").fill(password);
    await desk.locator("main form button[type=submit]").click();
    await desk.waitForURL((u) => !u.pathname.startsWith("/account/sign-in"));
    await desk.goto(`${base}/dashboard?lang=${lang}`);
    const orgPath = new URL(desk.url()).pathname.replace(/\/overview$/, "");
    const org = orgPath.split("/").pop();
    const quota = await api(desk, "POST", `/api/v1/orgs/${org}/events/${gig.id}/quotas`, { name: `Box ${stamp}`, capacity: 1 });
    assert.equal(quota.status, 201, JSON.stringify(quota));
    const typeName = `Box seat ${size}`;
    const tt = await api(desk, "POST", `/api/v1/orgs/${org}/events/${gig.id}/ticket-types`, {
      name: typeName, price_minor: 4500, currency: "EUR", max_per_order: 2, quota_ids: [quota.body.id],
    });
    assert.equal(tt.status, 201, JSON.stringify(tt));
    const holder = await (await fetch(`${base}/api/v1/events/${gig.id}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lines: [{ ticket_type_id: tt.body.id, quantity: 1 }], email: `holder-${stamp}@example.org`, name: "Holder" }),
    })).json();
    assert.ok(holder.id, JSON.stringify(holder));
    const paid = await api(desk, "POST", `/api/v1/orgs/${org}/orders/${holder.id}/mark-paid`, {});
    assert.equal(paid.status, 200, JSON.stringify(paid));

    // ----- the buyer: sold out, joins the waitlist -----
    const ctx = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(`${base}/events/${gig.id}?lang=${lang}`);
    const row = page.locator(".ticket-row", { hasText: typeName });
    await row.getByRole("link", { name: w.join }).click();
    await page.waitForURL(/\/waitlist\?type=/);
    await check(page, lang, `join form ${tag}`);
    // Refused first: no address, the error next to the field.
    await page.locator("#name").fill(`Waiting ${tag}`);
    await page.locator("#email").fill("not an address");
    await page.locator("form.wl-join button.big").click();
    await page.locator("#email-error").waitFor();
    await check(page, lang, `join refused ${tag}`);
    await page.locator("#email").fill(buyerEmail);
    await page.locator("#quantity").fill("1");
    await page.locator("form.wl-join button.big").click();
    await page.waitForURL(/\/waitlist\/[0-9a-f-]+\/[^/]+$/);
    const entryUrl = page.url();
    assert.equal(await page.locator(".wl-position").innerText(), "1", "first in line for the new type");
    await page.getByText(w.waiting).first().waitFor();
    await page.screenshot({ path: `${shots}/waitlist-entry-${tag}.png`, fullPage: true });
    await check(page, lang, `entry waiting ${tag}`);

    // ----- the organizer frees the ticket; the tab lists the entry -----
    await desk.goto(`${base}${orgPath}/events/${gig.id}/waitlist?lang=${lang}`);
    assert.ok(await desk.locator("#enabled").isChecked(), "the demo concert has its waitlist on");
    await desk.locator("table.waitlist").getByText(buyerEmail).waitFor();
    await check(desk, lang, `waitlist tab ${tag}`);
    const cancelled = await api(desk, "POST", `/api/v1/orgs/${org}/orders/${holder.id}/cancel`, {});
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled));

    // ----- the sweeper offers it: the e-mail, in the buyer's language -----
    const offer = await waitForMail({ to: buyerEmail, subject: w.subject, timeoutMs: 30000 });
    const link = offer.links.find((l) => l.includes("/o/"));
    assert.ok(link, `the offer links to its order: ${offer.links}`);
    await page.goto(entryUrl);
    await page.getByRole("link", { name: w.pay }).waitFor();
    await check(page, lang, `entry offered ${tag}`);

    // ----- the buyer follows the e-mail's link and pays -----
    await page.goto(`${link.replace(/^https?:\/\/[^/]+/, base)}`);
    await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
    await page.locator("form[action$='/pay'] button").click();
    await page.waitForURL(/\/pay\/sandbox\//);
    await page.locator("input[value=success]").check();
    await page.locator("main form button[type=submit]").click();
    await page.waitForURL(/\/confirmed$/);
    await page.goto(entryUrl);
    await page.getByText(w.accepted).first().waitFor();
    await page.screenshot({ path: `${shots}/waitlist-accepted-${tag}.png`, fullPage: true });
    await check(page, lang, `entry accepted ${tag}`);
    await ctx.close();

    await desk.goto(`${base}${orgPath}/events/${gig.id}/waitlist?lang=${lang}`);
    const line = desk.locator("table.waitlist tr", { hasText: buyerEmail });
    await line.getByText(w.accepted).waitFor();
    await desk.screenshot({ path: `${shots}/waitlist-tab-${tag}.png`, fullPage: true });
    await check(desk, lang, `waitlist tab after ${tag}`);
    await staff.close();
  }
  console.log("waitlist: ok");
} finally {
  await browser.close();
}
