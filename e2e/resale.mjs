// Face-value resale, end to end against `serve --demo` (the concert has
// resale on, primary tickets first): per run the organizer adds a
// one-ticket type to the concert and it sells out to a seller; the seller
// opens their order, follows "Sell at face value", is refused above the
// cap with the message next to the field, then lists at face value; a buyer
// finds the ticket under "Resale tickets" on the event page, reserves it
// with their details and pays in the sandbox; the buyer's order has the
// ticket, the seller's page shows it sold and the seller's e-mail arrives
// in their language; the organizer's Resale tab lists the sale. axe-core on
// every page, at desktop and phone width, in English and Chinese.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... MAIL_DIR=dir node resale.mjs
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
  en: { sell: "Sell at face value", list: "List for resale", buy: "Buy", reserve: "Reserve this ticket", sold: "Sold", subject: "was resold", resale: "Resale tickets" },
  "zh-CN": { sell: "按面值转售", list: "挂出转售", buy: "购买", reserve: "预订这张票", sold: "已售出", subject: "已转售", resale: "转售票" },
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
    const sellerEmail = `seller-${stamp}@example.org`;
    const locale = lang === "en" ? "en-GB" : "zh-CN";

    // ----- the organizer: a one-ticket type, sold at once to the seller -----
    const staff = await browser.newContext({ viewport, locale });
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
    const quota = await api(desk, "POST", `/api/v1/orgs/${org}/events/${gig.id}/quotas`, { name: `Loge ${stamp}`, capacity: 1 });
    assert.equal(quota.status, 201, JSON.stringify(quota));
    const typeName = `Loge ${size}`;
    const tt = await api(desk, "POST", `/api/v1/orgs/${org}/events/${gig.id}/ticket-types`, {
      name: typeName, price_minor: 4000, currency: "EUR", max_per_order: 1, quota_ids: [quota.body.id],
    });
    assert.equal(tt.status, 201, JSON.stringify(tt));
    const sale = await (await fetch(`${base}/api/v1/events/${gig.id}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lines: [{ ticket_type_id: tt.body.id, quantity: 1 }], email: sellerEmail, name: "Sam Seller", locale: lang }),
    })).json();
    assert.ok(sale.id, JSON.stringify(sale));
    const paid = await api(desk, "POST", `/api/v1/orgs/${org}/orders/${sale.id}/mark-paid`, {});
    assert.equal(paid.status, 200, JSON.stringify(paid));

    // ----- the seller lists it from their order page -----
    const sellerCtx = await browser.newContext({ viewport, locale });
    await sellerCtx.addCookies([{ name: "tessera_order", value: sale.access_token, url: `${base}/orders/${sale.id}` }]);
    const seller = await sellerCtx.newPage();
    seller.setDefaultTimeout(15000);
    await seller.goto(`${base}/orders/${sale.id}?lang=${lang}`);
    await seller.getByRole("link", { name: w.sell }).click();
    await seller.waitForURL(/\/resale$/);
    await check(seller, lang, `sell page ${tag}`);
    const price = seller.locator("input[name^=price_]");
    assert.equal(await price.inputValue(), "40.00", "the price starts at the cap (face value)");
    await price.fill("45.00");
    await seller.getByRole("button", { name: w.list }).click();
    await seller.locator("input[name^=price_][aria-invalid=true]").waitFor();
    await check(seller, lang, `sell refused ${tag}`);
    await seller.locator("input[name^=price_]").fill("40.00");
    await seller.getByRole("button", { name: w.list }).click();
    await seller.waitForURL(/\?listed=1$/);
    await seller.locator("table.resale-listings").getByText(typeName).waitFor();
    await seller.screenshot({ path: `${shots}/resale-listed-${tag}.png`, fullPage: true });
    await check(seller, lang, `listed ${tag}`);

    // ----- a buyer finds it on the event page and pays -----
    const ctx = await browser.newContext({ viewport, locale });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(`${base}/events/${gig.id}?lang=${lang}`);
    const offers = page.locator("section.secondhand");
    await offers.getByRole("heading", { name: w.resale }).waitFor();
    await offers.locator("li", { hasText: typeName }).getByRole("link", { name: w.buy }).click();
    await page.waitForURL(/\/resale\/[0-9a-f-]+$/);
    await check(page, lang, `buy page ${tag}`);
    await page.locator("#name").fill(`Bea Buyer ${size}`);
    await page.locator("#email").fill(`buyer-${stamp}@example.org`);
    await page.getByRole("button", { name: w.reserve }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
    await page.locator("form[action$='/pay'] button").click();
    await page.waitForURL(/\/pay\/sandbox\//);
    await page.locator("input[value=success]").check();
    await page.locator("main form button[type=submit]").click();
    await page.waitForURL(/\/confirmed$/);
    await page.screenshot({ path: `${shots}/resale-bought-${tag}.png`, fullPage: true });
    await check(page, lang, `bought ${tag}`);
    await ctx.close();

    // ----- the seller: sold, and the e-mail in their language -----
    await seller.goto(`${base}/orders/${sale.id}/resale?lang=${lang}`);
    await seller.locator("table.resale-listings").getByText(w.sold).waitFor();
    await check(seller, lang, `sold ${tag}`);
    const mail = await waitForMail({ to: sellerEmail, subject: w.subject, timeoutMs: 30000 });
    assert.ok(mail.text.includes("40"), `the e-mail names the price: ${mail.text}`);
    await sellerCtx.close();

    // ----- the organizer's Resale tab lists the sale -----
    await desk.goto(`${base}${orgPath}/events/${gig.id}/resale?lang=${lang}`);
    assert.ok(await desk.locator("#enabled").isChecked(), "the demo concert has resale on");
    const line = desk.locator("table.resale-listings tr", { hasText: sellerEmail });
    await line.getByText(w.sold).waitFor();
    await desk.screenshot({ path: `${shots}/resale-tab-${tag}.png`, fullPage: true });
    await check(desk, lang, `resale tab ${tag}`);
    await staff.close();
  }
  console.log("resale: ok");
} finally {
  await browser.close();
}
