// Promo codes, end to end against `serve --demo`: the organizer creates a
// code on the conference's Promotions tab and generates single-use codes
// (CSV download); a guest opens the conference with `?code=EARLYBIRD`,
// reserves a ticket and finds the discount as its own line on the order;
// a typo in a generated code is refused next to the field; a price tier
// added in the dashboard shows in the storefront and splits an order that
// crosses its boundary into a line per price; dynamic pricing set on the
// same page moves the price and lists the change. axe-core on
// every page, at phone and desktop width, in English and Chinese.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... node pricing.mjs
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
  en: { discount: "Discount", created: "Promo code created.", saved: "Promo code saved." },
  "zh-CN": { discount: "优惠", created: "优惠码已创建。", saved: "优惠码已保存。" },
};

const events = await (await fetch(`${base}/api/v1/events?limit=50`)).json();
const conf = events.items.find((e) => e.title === "RustConf Berlin");
assert.ok(conf, "the demo has the conference");
const confDetail = await (await fetch(`${base}/api/v1/events/${conf.id}`)).json();
const studentType = confDetail.ticket_types.find((t) => t.name === "Student");
assert.ok(studentType, "the conference sells student tickets");

async function check(page, lang, what) {
  await audit(page, what);
  if (lang === "zh-CN") await assertTranslated(page, what);
}

let run = 0;
try {
  for (const [size, viewport] of sizes) {
    for (const lang of langs) {
      run += 1;
      const tag = `${size}-${lang}`;
      const ctx = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
      const page = await ctx.newPage();
      page.setDefaultTimeout(15000);

      // A guest follows a newsletter link with the code filled in.
      await page.goto(`${base}/events/${conf.id}?code=EARLYBIRD&lang=${lang}`);
      assert.equal(await page.locator("#promo_code").inputValue(), "EARLYBIRD", "?code= fills the code box");
      await page.locator("input[name^=qty_]").first().fill("1");
      await page.locator("#name").fill(`Early ${tag}`);
      await page.locator("#email").fill(`early-${tag}@example.org`);
      await check(page, lang, `event with a code ${tag}`);
      await page.locator("form.buy button.big").click();
      await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
      const discount = page.locator("tr.discount");
      await discount.waitFor();
      assert.match(await discount.innerText(), /EARLYBIRD/);
      assert.ok((await discount.innerText()).includes(words[lang].discount), "the discount line is labelled");
      await page.screenshot({ path: `${shots}/pricing-order-${tag}.png`, fullPage: true });
      await check(page, lang, `order with a discount ${tag}`);

      // The organizer: a new code, and a batch of single-use codes.
      await page.goto(`${base}/account/sign-in?lang=${lang}`);
      await page.locator("#email").fill("organizer@demo.tessera.dev");
      await page.locator("#password").fill(password);
      await page.locator("main form button[type=submit]").click();
      await page.waitForURL((u) => !u.pathname.startsWith("/account/sign-in"));
      await page.goto(`${base}/dashboard?lang=${lang}`);
      const orgPath = new URL(page.url()).pathname.replace(/\/overview$/, "");
      await page.goto(`${base}${orgPath}/events/${conf.id}/promotions`);
      await check(page, lang, `promotions ${tag}`);
      const code = `E2E_${run}_${Date.now() % 100000}`;
      await page.locator("#code").fill(code);
      await page.locator("#kind").selectOption("percent");
      await page.locator("#value").fill("15");
      await page.locator("#max_uses").fill("3");
      await page.locator("section[aria-labelledby=new-title] button[type=submit]").click();
      await page.getByText(words[lang].created).waitFor();
      assert.ok(await page.locator(`td code:text("${code.toUpperCase()}")`).count(), "the new code is listed");
      // Edit it on its own page (with its orders): a new description.
      await page.locator(`tr:has(code:text("${code.toUpperCase()}")) a[href*="/promotions/"]`).first().click();
      await page.locator("#description").fill("Edited in the browser");
      await check(page, lang, `edit code ${tag}`);
      await page.locator("section[aria-labelledby=edit-title] button[type=submit]").click();
      await page.getByText(words[lang].saved).waitFor();
      assert.ok(await page.getByText("Edited in the browser").count(), "the new description is listed");
      // A bad value is refused next to its field.
      await page.locator("#code").fill(`${code}_B`);
      await page.locator("#value").fill("200");
      await page.locator("section[aria-labelledby=new-title] button[type=submit]").click();
      await page.locator("#value-error").waitFor();
      await check(page, lang, `promotions refused ${tag}`);
      await page.locator("#batch_prefix").fill(`T${run}`);
      await page.locator("#batch_count").fill("5");
      await page.locator("#batch_value").fill("10");
      await page.locator("section[aria-labelledby=batch-title] button[type=submit]").click();
      const first = (await page.locator("ul.codes code").first().innerText()).trim();
      assert.match(first, new RegExp(`^T${run}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$`));
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.locator("#generated-title ~ p a[download]").click(),
      ]);
      const csv = await (await fetch(new URL(download.url(), base), { headers: { cookie: (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join("; ") } })).text();
      assert.ok(csv.startsWith("code,event_id,kind"), "the CSV has its header");
      assert.ok(csv.includes(first), "and the codes");
      await page.screenshot({ path: `${shots}/pricing-promotions-${tag}.png`, fullPage: true });
      await check(page, lang, `batch generated ${tag}`);

      // A price tier for the conference's student tickets, added in the
      // dashboard: one ticket at it, so two bought cross the boundary.
      await page.goto(`${base}${orgPath}/events/${conf.id}`);
      await page.locator(`a[href$="/ticket-types/${studentType.id}/tiers"]`).click();
      await check(page, lang, `price tiers ${tag}`);
      const tierName = `E2E tier ${run}`;
      await page.locator("#name").fill(tierName);
      await page.locator("#price").fill("1.00");
      await page.locator("#quantity").fill("1");
      await page.locator("section[aria-labelledby=form-title] button[type=submit]").click();
      await page.locator("p.notice").waitFor();
      assert.ok(await page.getByText(tierName).count(), "the tier is listed");
      await page.screenshot({ path: `${shots}/pricing-tiers-${tag}.png`, fullPage: true });
      await check(page, lang, `tier added ${tag}`);
      await page.goto(`${base}/events/${conf.id}`);
      const student = page.locator("li.ticket-row").filter({ hasText: tierName });
      assert.equal(await student.count(), 1, "the storefront names the tier beside its price");
      await student.locator("input[name^=qty_]").fill("2");
      await page.locator("#name").fill(`Tier ${tag}`);
      await page.locator("#email").fill(`tier-${tag}@example.org`);
      await page.locator("form.buy button.big").click();
      await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
      const body = await page.locator("main").innerText();
      assert.ok(body.includes(`Student · ${tierName}`), "one line at the tier's price");
      await check(page, lang, `order across a tier boundary ${tag}`);

      // Dynamic pricing for the regular tickets: by the share sold, between
      // 199 and 399; the price moves into its bounds and the change is listed.
      const regularType = confDetail.ticket_types.find((t) => t.name === "Regular");
      await page.goto(`${base}${orgPath}/events/${conf.id}/ticket-types/${regularType.id}/tiers`);
      await page.locator("#floor").fill("199.00");
      await page.locator("#ceiling").fill("399.00");
      await page.locator("#rule").selectOption("share_sold");
      await page.locator("section[aria-labelledby=dynamic-title] form button[type=submit]:not(.danger)").click();
      await page.locator("p.notice").waitFor();
      assert.ok(await page.locator("section[aria-labelledby=dynamic-title] tbody tr").count() >= 1, "the change is listed");
      await page.screenshot({ path: `${shots}/pricing-dynamic-${tag}.png`, fullPage: true });
      await check(page, lang, `dynamic pricing ${tag}`);

      // A typo in a generated code is refused at the code box, nothing held.
      const last = first.at(-1);
      const typo = first.slice(0, -1) + (last === "7" ? "8" : "7");
      await page.goto(`${base}/events/${conf.id}?code=${encodeURIComponent(typo)}`);
      await page.locator("input[name^=qty_]").first().fill("1");
      await page.locator("#name").fill("Typo");
      await page.locator("#email").fill(`typo-${tag}@example.org`);
      await page.locator("form.buy button.big").click();
      await page.locator("#promo_code-error").waitFor();
      await check(page, lang, `typo refused ${tag}`);
      await ctx.close();
    }
  }
  console.log("pricing: ok");
} finally {
  await browser.close();
}
