// Loyalty points, end to end against `serve --demo` (points on: 1 point per
// euro paid, 100 points = 1.00): the organizer sees the Loyalty tab (rule
// and usage report) and a refused rule names its field; a buyer signs up,
// buys a conference ticket and pays it in the sandbox, finds the points on
// "My points" with their expiry, then buys again and pays part with points
// ("use my points" shows the balance; too many points are refused next to
// the field) and the rest in the sandbox. axe-core on every page, in
// English and Chinese.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... node loyalty.mjs
import assert from "node:assert/strict";
import { audit, assertTranslated } from "./checks.mjs";
import { base, shots, password, launch } from "./setup.mjs";

const browser = await launch();

const runs = [
  ["desktop", { width: 1280, height: 900 }, "en"],
  ["phone", { width: 360, height: 780 }, "zh-CN"],
];
const words = {
  en: { saved: "Points rule saved.", earned: "Earned with an order", paid: "Paid an order" },
  "zh-CN": { saved: "积分规则已保存。", earned: "订单获得", paid: "支付订单" },
};

const events = await (await fetch(`${base}/api/v1/events?limit=50`)).json();
const conf = events.items.find((e) => e.title === "RustConf Berlin");
assert.ok(conf, "the demo has the conference");

async function check(page, lang, what) {
  await audit(page, what);
  if (lang === "zh-CN") await assertTranslated(page, what);
}

async function buyAndOpen(page, lang) {
  await page.goto(`${base}/events/${conf.id}?lang=${lang}`);
  await page.locator("input[name^=qty_]").first().fill("1");
  await page.locator("form.buy button.big").click();
  await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
}

async function paySandbox(page) {
  await page.locator("form[action$='/pay'] button").click();
  await page.waitForURL(/\/pay\/sandbox\//);
  await page.locator("main form button[type=submit]").click();
  await page.waitForURL(/\/confirmed$/);
}

try {
  for (const [size, viewport, lang] of runs) {
    const tag = `${size}-${lang}`;
    const ctx = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);

    // The organizer's Loyalty tab: a bad rule is refused next to its field; the demo's rule saves.
    await page.goto(`${base}/account/sign-in?lang=${lang}`);
    await page.locator("#email").fill("organizer@demo.tessera.dev");
    await page.locator("#password").fill(password);
    await page.locator("main form button[type=submit]").click();
    await page.waitForURL((u) => !u.pathname.startsWith("/account/sign-in"));
    await page.goto(`${base}/dashboard?lang=${lang}`);
    const orgPath = new URL(page.url()).pathname.replace(/\/overview$/, "");
    await page.goto(`${base}${orgPath}/loyalty`);
    await check(page, lang, `loyalty ${tag}`);
    const before = await page.locator("#redeem_points").inputValue();
    await page.locator("#redeem_points").fill("0");
    await page.locator("form[action$='/loyalty'] button[type=submit]").click();
    await page.locator("#redeem_points-error").waitFor();
    await check(page, lang, `loyalty refused ${tag}`);
    await page.locator("#redeem_points").fill(before);
    await page.locator("form[action$='/loyalty'] button[type=submit]").click();
    await page.getByText(words[lang].saved).waitFor();
    await ctx.close();

    // A buyer signs up and buys a ticket: points earned.
    const bctx = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
    const b = await bctx.newPage();
    b.setDefaultTimeout(15000);
    const email = `points-${Date.now()}-${tag}@example.org`.toLowerCase();
    await b.goto(`${base}/account/sign-up?lang=${lang}`);
    await b.locator("#name").fill(`Points ${tag}`);
    await b.locator("#email").fill(email);
    await b.locator("#password").fill("points password 123");
    await b.locator('form[action="/account/sign-up"] button[type=submit]').click();
    await b.waitForURL(/\/account$/);
    await buyAndOpen(b, lang);
    await paySandbox(b);
    await b.goto(`${base}/account`);
    await b.locator('a[href="/account/points"]').click();
    await b.getByText(words[lang].earned).first().waitFor();
    const balance = await b.locator(".points-balance strong").innerText();
    assert.match(balance, /\d+/);
    await check(b, lang, `my points ${tag}`);
    await b.screenshot({ path: `${shots}/loyalty-points-${tag}.png`, fullPage: true });

    // The next order: too many points are refused, then points pay part of it.
    await buyAndOpen(b, lang);
    await b.locator("#points_to_use").waitFor();
    await check(b, lang, `order with points ${tag}`);
    const max = Number(await b.locator("#points_to_use").inputValue());
    assert.ok(max >= 100, `the offer holds at least one step (${max})`);
    await b.locator("#points_to_use").fill(String(max + 100000));
    await b.locator("form.points button[type=submit]").click();
    await b.locator("#points-error").waitFor();
    await check(b, lang, `points refused ${tag}`);
    await b.screenshot({ path: `${shots}/loyalty-refused-${tag}.png`, fullPage: true });
    await b.locator("#points_to_use").fill("100");
    await b.locator("form.points button[type=submit]").click();
    await b.waitForLoadState();
    await b.locator(".gift-paid").waitFor();
    await b.screenshot({ path: `${shots}/loyalty-order-${tag}.png`, fullPage: true });
    await check(b, lang, `order paid in part with points ${tag}`);
    await paySandbox(b);
    await b.goto(`${base}/account/points`);
    await b.getByText(words[lang].paid).first().waitFor();
    await b.screenshot({ path: `${shots}/loyalty-history-${tag}.png`, fullPage: true });
    await bctx.close();
  }
  console.log("loyalty: ok");
} finally {
  await browser.close();
}
