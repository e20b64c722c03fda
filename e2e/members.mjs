// Memberships, end to end against `serve --demo` (plan "Friends of Tessera
// Hall"; at "Night of Strings" members pay 25.00 for Standard, the
// "Members' lounge" is members-only, and the membership itself and a gift
// card are sold beside the tickets): the organizer's Memberships tab (a
// refused plan names its field, a card is issued), a ticket type's
// "Members and product" page; a buyer signs up, is refused the lounge,
// buys the membership in the sandbox, gets the card by e-mail and in "My
// memberships" (with its QR code), then buys the lounge and Standard at the
// member price; the scanner's redeem mode says the card is valid. axe-core
// on every page, in English and Chinese.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... MAIL_DIR=... node members.mjs
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
  en: {
    plan: "Friends of Tessera Hall",
    issued: "The card is issued.",
    membersOnly: "Members only: sign in",
    youAre: "Members only: you are a member",
    yourPrice: "Your member price",
    subject: "Your cards from",
    valid: "Valid",
  },
  "zh-CN": {
    plan: "Friends of Tessera Hall",
    issued: "会员卡已发放。",
    membersOnly: "仅限会员：请用",
    youAre: "仅限会员：您是会员",
    yourPrice: "您的会员价",
    subject: "的卡",
    valid: "有效",
  },
};

const events = await (await fetch(`${base}/api/v1/events?limit=50`)).json();
const concert = events.items.find((e) => e.title === "Night of Strings");
assert.ok(concert, "the demo has the concert");

async function check(page, lang, what) {
  await audit(page, what);
  if (lang === "zh-CN") await assertTranslated(page, what);
}

function row(page, name) {
  return page.locator("li.ticket-row", { hasText: name });
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
    const w = words[lang];
    const ctx = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);

    // The organizer's Memberships tab: the demo's plan; a nameless plan is
    // refused next to its field; a card is issued to a new address.
    await page.goto(`${base}/account/sign-in?lang=${lang}`);
    await page.locator("#email").fill("organizer@demo.tessera.dev");
    await page.locator("#password").fill(password);
    await page.locator("main form button[type=submit]").click();
    await page.waitForURL((u) => !u.pathname.startsWith("/account/sign-in"));
    await page.goto(`${base}/dashboard?lang=${lang}`);
    const orgPath = new URL(page.url()).pathname.replace(/\/overview$/, "");
    await page.goto(`${base}${orgPath}/memberships`);
    await page.getByRole("link", { name: w.plan }).first().waitFor();
    await check(page, lang, `memberships ${tag}`);
    await page.locator("form[action$='/memberships/plans'] button[type=submit]").click();
    await page.locator("#name-error").waitFor();
    await check(page, lang, `plan refused ${tag}`);
    const guest = `member-${Date.now()}-${tag}@example.org`.toLowerCase();
    await page.goto(`${base}${orgPath}/memberships`);
    await page.locator("#holder_name").fill(`Guest ${tag}`);
    await page.locator("#email").fill(guest);
    await page.locator("form[action$='/memberships/cards'] button[type=submit]").click();
    await page.getByText(w.issued).waitFor();
    await page.getByText(guest).waitFor();
    await page.screenshot({ path: `${shots}/members-dashboard-${tag}.png`, fullPage: true });

    // A ticket type's members and product page.
    await page.goto(`${base}${orgPath}/events/${concert.id}`);
    await page.locator("a[href$='/membership']").first().click();
    await page.locator("#member_price").waitFor();
    await check(page, lang, `type membership ${tag}`);
    await ctx.close();

    // A buyer: refused the lounge, buys the membership.
    const bctx = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
    const b = await bctx.newPage();
    b.setDefaultTimeout(15000);
    const email = `friend-${Date.now()}-${tag}@example.org`.toLowerCase();
    await b.goto(`${base}/account/sign-up?lang=${lang}`);
    await b.locator("#name").fill(`Friend ${tag}`);
    await b.locator("#email").fill(email);
    await b.locator("#password").fill("friends password 123");
    await b.locator('form[action="/account/sign-up"] button[type=submit]').click();
    await b.waitForURL(/\/account$/);
    await b.goto(`${base}/events/${concert.id}?lang=${lang}`);
    await row(b, "Members' lounge").getByText(w.membersOnly).waitFor();
    await row(b, "Members' lounge").locator("input[name^=qty_]").fill("1");
    await b.locator("form.buy button.big").click();
    await b.locator(".error-summary").waitFor();
    await check(b, lang, `lounge refused ${tag}`);
    await b.goto(`${base}/events/${concert.id}?lang=${lang}`);
    await row(b, "Friends of Tessera Hall").locator("input[name^=qty_]").fill("1");
    await b.locator("form.buy button.big").click();
    await b.waitForURL(/\/orders\/[0-9a-f-]+$/);
    await paySandbox(b);
    const mail = await waitForMail({ to: email, subject: w.subject, timeoutMs: 30000 });
    const code = (mail.text.match(/MEMB-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/) ?? [])[0];
    assert.ok(code, `the e-mail carries the card's code: ${mail.text}`);
    await b.goto(`${base}/account/memberships`);
    await b.getByText(code).waitFor();
    await b.locator(".member-qr img").first().waitFor();
    await check(b, lang, `my memberships ${tag}`);
    await b.screenshot({ path: `${shots}/members-card-${tag}.png`, fullPage: true });

    // Now a member: the lounge sells, Standard at the member price.
    await b.goto(`${base}/events/${concert.id}?lang=${lang}`);
    await row(b, "Members' lounge").getByText(w.youAre).waitFor();
    await row(b, "Standard").getByText(w.yourPrice).waitFor();
    await check(b, lang, `event as a member ${tag}`);
    await row(b, "Members' lounge").locator("input[name^=qty_]").fill("1");
    await row(b, "Standard").locator("input[name^=qty_]").fill("1");
    await b.locator("form.buy button.big").click();
    await b.waitForURL(/\/orders\/[0-9a-f-]+$/);
    const orderId = new URL(b.url()).pathname.split("/").pop();
    const order = await b.evaluate(async (id) => (await fetch(`/api/v1/orders/${id}`)).json(), orderId);
    const standard = order.lines.find((l) => l.name.startsWith("Standard"));
    assert.equal(standard.unit_price.amount_minor, 2500, JSON.stringify(order.lines));
    await bctx.close();

    // The scanner's redeem mode recognises the card.
    const sctx = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
    const s = await sctx.newPage();
    s.setDefaultTimeout(15000);
    await s.goto(`${base}/account/sign-in?lang=${lang}`);
    await s.locator("#email").fill("organizer@demo.tessera.dev");
    await s.locator("#password").fill(password);
    await s.locator("main form button[type=submit]").click();
    await s.waitForURL((u) => !u.pathname.startsWith("/account/sign-in"));
    const org = orgPath.split("/").pop();
    await s.goto(`${base}/scan/${org}/redeem?lang=${lang}`);
    await s.locator("#code").fill(code.toLowerCase());
    await s.locator("form.redeem button[type=submit]").click();
    await s.locator(".member-found.ok").getByText(w.valid).waitFor();
    await check(s, lang, `member scanned ${tag}`);
    await s.screenshot({ path: `${shots}/members-scanned-${tag}.png`, fullPage: true });
    await sctx.close();
  }
  console.log("members: ok");
} finally {
  await browser.close();
}
