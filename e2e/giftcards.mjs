// Gift cards, end to end against `serve --demo`: the organizer issues a
// card on the Gift cards tab and copies its code (shown once); a guest
// reserves a conference ticket and pays with the card on the order page
// (in part, with what is left to pay said, or in full); a typo is refused
// next to the field; at a counter the scanner's Redeem mode looks the card
// up and takes a partial amount off it, then takes the demo's bar coupon
// (BAR10, a promo code taken at counters) off a purchase, after refusing a
// purchase amount it cannot read. axe-core on every page, at phone
// and desktop width, in English and Chinese.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... node giftcards.mjs
import assert from "node:assert/strict";
import { audit, assertTranslated } from "./checks.mjs";
import { base, shots, password, launch } from "./setup.mjs";

const browser = await launch();

const sizes = [
  ["phone", { width: 360, height: 780 }],
  ["desktop", { width: 1280, height: 900 }],
];
const langs = ["en", "zh-CN"];
const words = {
  en: { issued: "Gift card issued.", left: "Left to pay", taken: "taken off", coupon: "Coupon taken" },
  "zh-CN": { issued: "礼品卡已发放。", left: "待支付", taken: "已扣除", coupon: "已核销优惠券" },
};

const events = await (await fetch(`${base}/api/v1/events?limit=50`)).json();
const conf = events.items.find((e) => e.title === "RustConf Berlin");
assert.ok(conf, "the demo has the conference");

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

      // The organizer issues a card worth 20.00 EUR.
      await page.goto(`${base}/account/sign-in?lang=${lang}`);
      await page.locator("#email").fill("organizer@demo.tessera.dev");
      await page.locator("#password").fill(password);
      await page.locator("main form button[type=submit]").click();
      await page.waitForURL((u) => !u.pathname.startsWith("/account/sign-in"));
      await page.goto(`${base}/dashboard?lang=${lang}`);
      const orgPath = new URL(page.url()).pathname.replace(/\/overview$/, "");
      await page.goto(`${base}${orgPath}/gift-cards`);
      await check(page, lang, `gift cards ${tag}`);
      // A value the currency cannot hold is refused next to its field.
      await page.locator("#value").fill("5.001");
      await page.locator("form[action$='/gift-cards'] button[type=submit]").click();
      await page.locator("#value-error").waitFor();
      await check(page, lang, `gift card refused ${tag}`);
      await page.locator("#value").fill("20.00");
      await page.locator("#note").fill(`E2E ${tag}`);
      await page.locator("form[action$='/gift-cards'] button[type=submit]").click();
      await page.getByText(words[lang].issued).waitFor();
      const code = (await page.locator("#new-code").inputValue()).trim();
      assert.match(code, /^GIFT-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      await page.screenshot({ path: `${shots}/giftcards-issued-${tag}.png`, fullPage: true });
      await check(page, lang, `gift card issued ${tag}`);
      await page.goto(`${base}${orgPath}/gift-cards`);
      assert.equal(await page.getByText(code).count(), 0, "the code is shown in full only once");

      // A guest reserves a ticket and pays with the card.
      const guest = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
      const g = await guest.newPage();
      g.setDefaultTimeout(15000);
      await g.goto(`${base}/events/${conf.id}?lang=${lang}`);
      await g.locator("input[name^=qty_]").first().fill("1");
      await g.locator("#name").fill(`Gift ${tag}`);
      await g.locator("#email").fill(`gift-${tag}@example.org`);
      await g.locator("form.buy button.big").click();
      await g.waitForURL(/\/orders\/[0-9a-f-]+$/);
      await g.locator("#gift_card").waitFor();
      await check(g, lang, `order with the gift card box ${tag}`);
      const last = code.at(-1);
      await g.locator("#gift_card").fill(code.slice(0, -1) + (last === "7" ? "8" : "7"));
      await g.locator("form.gift-card button[type=submit]").click();
      await g.locator("#gift_card-error").waitFor();
      await check(g, lang, `gift card typo ${tag}`);
      await g.locator("#gift_card").fill(code.toLowerCase());
      await g.locator("form.gift-card button[type=submit]").click();
      await g.waitForLoadState();
      if (/\/confirmed$/.test(new URL(g.url()).pathname)) {
        console.log(`${tag}: the card covered the whole order`);
      } else {
        await g.getByText(words[lang].left).waitFor();
      }
      await g.screenshot({ path: `${shots}/giftcards-order-${tag}.png`, fullPage: true });
      await check(g, lang, `order paid with a gift card ${tag}`);
      await guest.close();

      // At a counter: another card, its balance looked up, 1.50 taken off.
      await page.goto(`${base}${orgPath}/gift-cards`);
      await page.locator("#value").fill("10.00");
      await page.locator("form[action$='/gift-cards'] button[type=submit]").click();
      await page.getByText(words[lang].issued).waitFor();
      const counterCode = (await page.locator("#new-code").inputValue()).trim();
      await page.goto(`${base}/scan?lang=${lang}`);
      await page.locator(`a[href$='/redeem']`).first().click();
      await page.locator("#code").fill(counterCode);
      await check(page, lang, `redeem ${tag}`);
      await page.locator("form.redeem button[type=submit]").click();
      await page.locator("#amount").waitFor();
      await page.locator("#amount").fill("1.50");
      await page.locator("form.redeem button[type=submit]").click();
      await page.getByText(words[lang].taken).first().waitFor();
      await page.screenshot({ path: `${shots}/giftcards-redeem-${tag}.png`, fullPage: true });
      await check(page, lang, `redeemed ${tag}`);

      // The same counter takes the demo's bar coupon off an 8.50 EUR purchase.
      await page.locator("#code").fill("bar10");
      await page.locator("form.redeem button[type=submit]").click();
      await page.locator("#purchase").waitFor();
      await check(page, lang, `coupon looked up ${tag}`);
      await page.locator("#purchase").fill("8,50x");
      await page.locator("#currency").fill("EUR");
      await page.locator("form.redeem button[type=submit]").click();
      await page.locator("#purchase-error").waitFor();
      await page.locator("#purchase").fill("8.50");
      await page.locator("form.redeem button[type=submit]").click();
      await page.getByText(words[lang].coupon).first().waitFor();
      assert.ok((await page.locator(".verdict-ok").innerText()).includes("7.65"), "to pay 8.50 - 10 %");
      await page.screenshot({ path: `${shots}/coupon-redeem-${tag}.png`, fullPage: true });
      await check(page, lang, `coupon taken ${tag}`);
      await ctx.close();
    }
  }
  console.log("giftcards: ok");
} finally {
  await browser.close();
}
