// The organizer's orders tools, walked at phone and desktop width in English
// and Chinese: the overview the dashboard opens on, the orders list filtered,
// a box-office sale with its tickets on screen, and a partial refund of that
// sale confirmed without scripts' help; axe-core on every page, and no
// English catalog text on the Chinese ones.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... node orders.mjs
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

const sizes = [
  ["phone", { width: 360, height: 780 }],
  ["desktop", { width: 1280, height: 900 }],
];
const langs = ["en", "zh-CN"];
const words = {
  en: { overview: "Overview", partial: "Partially refunded" },
  "zh-CN": { overview: "概览", partial: "部分退款" },
};

// A standing (not seated) event of the demo: the box office sells by quantity.
const events = await (await fetch(`${base}/api/v1/events`)).json();
const standing = events.items.find((e) => e.category !== "theatre") ?? events.items[0];
assert.ok(standing, "the demo has a published event");

async function check(page, lang, what) {
  await audit(page, what);
  if (lang === "zh-CN") await assertTranslated(page, what);
}

try {
  for (const [size, viewport] of sizes) {
    for (const lang of langs) {
      const tag = `${size}-${lang}`;
      const ctx = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
      const page = await ctx.newPage();
      page.setDefaultTimeout(15000);
      await page.goto(`${base}/account/sign-in?lang=en`);
      await page.locator("#email").fill("organizer@demo.tessera.dev");
      await page.locator("#password").fill(password);
      await page.locator("main form button[type=submit]").click();
      await page.waitForURL((u) => !u.pathname.startsWith("/account/sign-in"));

      // The dashboard opens on the one organization's overview.
      await page.goto(`${base}/dashboard?lang=${lang}`);
      await page.getByRole("heading", { level: 1, name: words[lang].overview }).waitFor();
      const orgPath = new URL(page.url()).pathname.replace(/\/overview$/, "");
      assert.equal(await page.locator("svg.chart title").count() >= 1, true, "the 30-day chart");
      await page.screenshot({ path: `${shots}/orders-overview-${tag}.png`, fullPage: true });
      await check(page, lang, `overview ${tag}`);

      // Orders: filter by state, paid ones only.
      await page.goto(`${base}${orgPath}/orders`);
      await page.locator("#state").selectOption("paid");
      await page.locator("form[role=search] button[type=submit]").click();
      await page.waitForURL(/state=paid/);
      await page.screenshot({ path: `${shots}/orders-list-${tag}.png`, fullPage: true });
      await check(page, lang, `orders list ${tag}`);

      // Box office: two tickets, paid by card; the tickets show at once.
      await page.goto(`${base}${orgPath}/events/${standing.id}/box-office`);
      await page.locator("input[type=number]").first().fill("2");
      await page.locator("#name").fill(`Walk-in ${tag}`);
      await page.locator("input[name=payment][value=card]").check();
      await check(page, lang, `box office ${tag}`);
      await page.locator("main form button[type=submit]").click();
      await page.waitForURL(/\/box-office\/[0-9a-f-]+/);
      await page.locator("img.qr").nth(1).waitFor();
      assert.equal(await page.locator("img.qr").count(), 2);
      await page.screenshot({ path: `${shots}/orders-box-office-sold-${tag}.png`, fullPage: true });
      await check(page, lang, `box office sale ${tag}`);

      // A partial refund of that sale: reviewed, then confirmed.
      await page.locator("main a[href*='/orders/']").click();
      await page.locator("#amount").fill("1");
      await page.locator("form.refund-form button[type=submit]").click();
      await check(page, lang, `refund review ${tag}`);
      await page.locator(".refund-review details.confirm summary").click();
      await page.screenshot({ path: `${shots}/orders-refund-confirm-${tag}.png`, fullPage: true });
      await page.locator(".refund-review details.confirm button[type=submit]").click();
      await page.locator(".stats .badge", { hasText: words[lang].partial }).waitFor();
      await page.screenshot({ path: `${shots}/orders-refunded-${tag}.png`, fullPage: true });
      await check(page, lang, `order partially refunded ${tag}`);
      console.log(`orders ${tag}: overview, filter, box-office sale, partial refund: ok`);
      await ctx.close();
    }
  }
} finally {
  await browser.close();
}
