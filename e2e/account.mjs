// Account security journeys, at phone and desktop width, in English and
// Chinese: sign up and confirm the address from the e-mail; forget the
// password and set a new one from the e-mail; turn on two-factor sign-in
// (the TOTP code computed here from the key the page shows), then sign in
// with a recovery code and with a code; the demo organizer invites a team
// member, who signs up with the invited address and accepts. axe-core runs
// on every page; on Chinese pages no English text of the catalogs may show.
// Usage: BASE=http://127.0.0.1:PORT MAIL_DIR=dir SHOTS=dir DEMO_PASSWORD=... node account.mjs
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { createHmac } from "node:crypto";
import assert from "node:assert/strict";
import { audit, assertTranslated } from "./checks.mjs";
import { messages, waitForMail } from "./mailbox.mjs";

const base = process.env.BASE;
const shots = process.env.SHOTS ?? "screenshots";
const demoPassword = process.env.DEMO_PASSWORD;
assert.ok(base, "BASE is the server's URL");
assert.ok(demoPassword, "DEMO_PASSWORD is the demo organizer's password (printed by serve --demo)");
mkdirSync(shots, { recursive: true });

/** RFC 6238 (HMAC-SHA1, 30 s, 6 digits) from a base32 key, at `step`. */
function totp(secret, step) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", key).update(msg).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
const stepNow = () => Math.floor(Date.now() / 1000 / 30);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
});

/** Checks a page: axe-core always, untranslated text on Chinese pages. */
async function check(page, lang, what) {
  await audit(page, `${what} (${lang})`);
  if (lang === "zh-CN") await assertTranslated(page, what);
}

/** The link to `path` in the newest mail to `to` not among `seen`. */
async function mailedLink(to, path, seen) {
  const m = await waitForMail({ to, seen });
  const link = m.links.find((l) => l.includes(path));
  assert.ok(link, `a link to ${path} in ${m.subject}: ${m.links}`);
  return link;
}
const seenFiles = async () => (await messages()).map((m) => m.file);

async function signIn(page, email, password, code) {
  await page.goto(`${base}/account/sign-in`);
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  if (code) await page.locator("#totp_code").fill(code);
  await page.locator('form[action="/account/sign-in"] button[type=submit]').click();
  await page.waitForURL(/\/account$/);
}

async function signUp(page, name, email, password) {
  await page.goto(`${base}/account/sign-up`);
  await page.locator("#name").fill(name);
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.locator('form[action="/account/sign-up"] button[type=submit]').click();
  await page.waitForURL(/\/account$/);
}

async function signOut(page) {
  await page.goto(`${base}/account`);
  await page.locator('form[action="/account/sign-out"] button').click();
  await page.waitForURL(`${base}/`);
}

const runs = [
  ["phone", { width: 360, height: 780 }, "en"],
  ["desktop", { width: 1280, height: 900 }, "zh-CN"],
  ["desktop", { width: 1280, height: 900 }, "en"],
  ["phone", { width: 360, height: 780 }, "zh-CN"],
];

try {
  for (const [form, viewport, lang] of runs) {
    const tag = `${form}-${lang}`;
    const id = `${Date.now()}-${tag}`.toLowerCase();
    const email = `acct-${id}@example.org`;
    const ctx = await browser.newContext({ viewport, locale: lang, extraHTTPHeaders: { "Accept-Language": lang } });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);

    // Sign up, then confirm the address from the e-mail.
    let seen = await seenFiles();
    await signUp(page, "Ada Lovelace", email, "first password 123");
    const verify = await mailedLink(email, "/account/verify-email", seen);
    await page.goto(`${base}/account/security`);
    await page.locator(".badge-warn").first().waitFor();
    await check(page, lang, "security, unverified");
    await page.goto(verify);
    await check(page, lang, "address confirmed");
    await page.goto(`${base}/account/security`);
    await page.locator("#address ~ p .badge-ok").waitFor();
    await signOut(page);

    // Forgot the password: ask, follow the link, set a new one.
    await page.goto(`${base}/account/sign-in`);
    await page.locator('a[href="/account/forgot-password"]').click();
    await check(page, lang, "forgot password");
    await page.locator('form[action="/account/forgot-password"] button').click();
    await page.locator(".error-summary").waitFor();
    await check(page, lang, "forgot password, refused");
    seen = await seenFiles();
    await page.locator("#email").fill(email);
    await page.locator('form[action="/account/forgot-password"] button').click();
    await page.locator('form[action="/account/forgot-password"]').waitFor({ state: "detached" });
    await check(page, lang, "reset link sent");
    const reset = await mailedLink(email, "/account/reset-password", seen);
    await page.goto(reset);
    await check(page, lang, "new password");
    await page.locator("#password").fill("second password 456");
    await page.locator("#password_again").fill("not the same one");
    await page.locator('form[action="/account/reset-password"] button').click();
    await page.locator("#password_again-error").waitFor();
    await page.locator("#password").fill("second password 456");
    await page.locator("#password_again").fill("second password 456");
    await page.locator('form[action="/account/reset-password"] button').click();
    await page.locator('main a[href="/account/sign-in"]').waitFor();
    await check(page, lang, "password changed");
    await signIn(page, email, "second password 456");

    // Two-factor sign-in: enrol with the key the page shows.
    await page.goto(`${base}/account/security`);
    await page.locator('form[action="/account/security/totp/setup"] button').click();
    await page.locator("#totp-secret").waitFor();
    await page.screenshot({ path: `${shots}/account-enrol-${tag}.png`, fullPage: true });
    await check(page, lang, "two-factor enrolment");
    const secret = (await page.locator("#totp-secret").textContent()).trim();
    await page.locator("#code").fill("000000");
    await page.locator('form[action="/account/security/totp/enable"] button').click();
    await page.locator("#code-error").waitFor();
    const enrolStep = stepNow();
    await page.locator("#code").fill(totp(secret, enrolStep));
    await page.locator('form[action="/account/security/totp/enable"] button').click();
    await page.locator(".recovery-codes code").first().waitFor();
    await page.screenshot({ path: `${shots}/account-recovery-codes-${tag}.png`, fullPage: true });
    await check(page, lang, "recovery codes");
    const codes = await page.locator(".recovery-codes code").allTextContents();
    assert.equal(codes.length, 10);
    await signOut(page);
    // With a recovery code, then (in the next 30-second step) with a code.
    await signIn(page, email, "second password 456", codes[0]);
    await signOut(page);
    while (stepNow() <= enrolStep) await page.waitForTimeout(1000);
    await signIn(page, email, "second password 456", totp(secret, stepNow()));
    await page.goto(`${base}/account/security`);
    await check(page, lang, "security, two-factor on");
    await page.screenshot({ path: `${shots}/account-security-${tag}.png`, fullPage: true });
    await ctx.close();

    // The demo organizer invites a member, who signs up and accepts.
    const org = await browser.newContext({ viewport, locale: lang, extraHTTPHeaders: { "Accept-Language": lang } });
    const o = await org.newPage();
    o.setDefaultTimeout(15000);
    await signIn(o, "organizer@demo.tessera.dev", demoPassword);
    await o.goto(`${base}/dashboard`);
    const orgHref = await o.locator('main a[href^="/dashboard/orgs/"]').first().getAttribute("href");
    const team = `${base}${orgHref.match(/^\/dashboard\/orgs\/[^/]+/)[0]}/team`;
    await o.goto(team);
    await check(o, lang, "team");
    const invitee = `invitee-${id}@example.org`;
    seen = await seenFiles();
    await o.locator("#invite_email").fill(invitee);
    await o.locator("#invite_role").selectOption("staff");
    await o.locator(`form[action$="/team/invitations"] button`).click();
    await o.locator("#pending").waitFor();
    await o.getByText(invitee).first().waitFor();
    await o.screenshot({ path: `${shots}/account-team-${tag}.png`, fullPage: true });
    await check(o, lang, "team, invitation pending");
    await org.close();

    const link = await mailedLink(invitee, "/account/invitation", seen);
    const inv = await browser.newContext({ viewport, locale: lang, extraHTTPHeaders: { "Accept-Language": lang } });
    const p = await inv.newPage();
    p.setDefaultTimeout(15000);
    await p.goto(link);
    await check(p, lang, "invitation, signed out");
    await signUp(p, "Grace Hopper", invitee, "invited password 789");
    await p.goto(link);
    await check(p, lang, "invitation, signed in");
    await p.locator('form[action="/account/invitation"] button').click();
    await p.waitForURL(/\/dashboard\/orgs\//);
    await inv.close();
    console.log(`account journeys ${tag}: ok`);
  }
} finally {
  await browser.close();
}
