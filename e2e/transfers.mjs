// Ticket transfers, end to end against `serve --demo` (transfers allowed on
// every demo event): a buyer pays for two tickets to tonight's rehearsal,
// transfers one from the order page to a friend (the e-mail in the friend's
// language); the friend opens the e-mailed link in another browser, accepts
// as a guest and gets a new ticket with its QR code; the buyer's order shows
// the ticket as transferred (and the sender changes the name on the ticket
// they kept: refused when empty, then re-issued); at the gate the old code is refused and the new
// one admitted (the scan API); the organizer sees the transfer on the
// order's dashboard page and the event's Transfers tab. axe-core on every
// page, at phone and desktop width, in English and Chinese.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... MAIL_DIR=dir node transfers.mjs
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
const words = {
  en: { transfer: "Transfer tickets", send: "Send the tickets", accept: "Accept the tickets", offered: "Offered to someone", transferred: "Transferred", subject: "sends you tickets" },
  "zh-CN": { transfer: "转让门票", send: "发送门票", accept: "接受门票", offered: "转让中", transferred: "已转让", subject: "转让" },
};

const events = await (await fetch(`${base}/api/v1/events?limit=50`)).json();
const tonight = events.items.find((e) => e.title === "Open Rehearsal");
assert.ok(tonight, "the demo has tonight's rehearsal");

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

let run = 0;
try {
  for (const [size, viewport] of sizes) {
    for (const lang of langs) {
      run += 1;
      const tag = `${size}-${lang}`;
      const w = words[lang];
      const stamp = `${Date.now()}-${run}`;
      const buyerEmail = `sender-${stamp}@example.org`;
      const friendEmail = `friend-${stamp}@example.org`;
      // The friend reads the other language: the e-mail follows the form's choice.
      const friendLang = lang === "en" ? "zh-CN" : "en";

      // ----- the buyer pays for two tickets -----
      const ctx = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
      const page = await ctx.newPage();
      page.setDefaultTimeout(15000);
      await page.goto(`${base}/events/${tonight.id}?lang=${lang}`);
      await page.locator("input[name^=qty_]").first().fill("2");
      await page.locator("#name").fill(`Sender ${tag}`);
      await page.locator("#email").fill(buyerEmail);
      await page.locator("form.buy button.big").click();
      await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
      const orderId = new URL(page.url()).pathname.split("/").pop();
      await page.locator("form[action$='/pay'] button").click();
      await page.waitForURL(/\/pay\/sandbox\//);
      await page.locator("input[value=success]").check();
      await page.locator("main form button[type=submit]").click();
      await page.waitForURL(/\/confirmed$/);
      await page.goto(`${base}/orders/${orderId}`);
      await page.locator("img.qr").first().waitFor();
      // The confirmation e-mail's secret link works as the order's token for the API.
      const confirmation = await waitForMail({ to: buyerEmail });
      const link = confirmation.links.find((l) => l.includes("/o/"));
      assert.ok(link, `the confirmation links to the order: ${confirmation.links}`);
      const orderToken = link.split("/").pop();
      const ticketsOf = async () =>
        (await fetch(`${base}/api/v1/orders/${orderId}/tickets`, { headers: { "x-order-token": orderToken } })).json();
      const before = await ticketsOf();
      assert.equal(before.length, 2);

      // ----- the transfer form -----
      await page.getByRole("link", { name: w.transfer }).click();
      await page.waitForURL(/\/transfer$/);
      await check(page, lang, `transfer form ${tag}`);
      // Refused first: no address, the error next to the field.
      await page.locator(`input[name=ticket_${before[0].id}]`).check();
      await page.locator("#to_email").fill("not an address");
      await page.getByRole("button", { name: w.send }).click();
      await page.locator("#to_email-error").waitFor();
      await check(page, lang, `transfer refused ${tag}`);
      await page.locator(`input[name=ticket_${before[0].id}]`).check();
      await page.locator("#to_email").fill(friendEmail);
      await page.locator("#to_name").fill("Friend");
      await page.locator("#message").fill("Enjoy the rehearsal!");
      await page.locator("#locale").selectOption(friendLang);
      await page.getByRole("button", { name: w.send }).click();
      await page.waitForURL(/\/transfer\?sent=1$/);
      await page.locator("table.transfers").waitFor();
      await page.screenshot({ path: `${shots}/transfers-pending-${tag}.png`, fullPage: true });
      await check(page, lang, `transfer pending ${tag}`);
      await page.goto(`${base}/orders/${orderId}`);
      await page.getByText(w.offered).first().waitFor();

      // ----- the friend accepts from the e-mail, as a guest elsewhere -----
      const offer = await waitForMail({ to: friendEmail });
      assert.ok(offer.subject.includes(words[friendLang].subject), `the offer is in ${friendLang}: ${offer.subject}`);
      const acceptLink = offer.links.find((l) => l.includes("/transfers/"));
      assert.ok(acceptLink, `the offer links to its acceptance: ${offer.links}`);
      const other = await browser.newContext({ viewport, locale: friendLang === "en" ? "en-GB" : "zh-CN" });
      const friend = await other.newPage();
      friend.setDefaultTimeout(15000);
      await friend.goto(`${acceptLink.replace(/^https?:\/\/[^/]+/, base)}?lang=${friendLang}`);
      await friend.getByText("Enjoy the rehearsal!").waitFor();
      await check(friend, friendLang, `accept page ${tag}`);
      await friend.locator("#name").fill(`Friend ${tag}`);
      await friend.getByRole("button", { name: words[friendLang].accept }).click();
      await friend.locator("img.qr").first().waitFor();
      assert.equal(await friend.locator("img.qr").count(), 1, "one new ticket with its QR code");
      await friend.screenshot({ path: `${shots}/transfers-accepted-${tag}.png`, fullPage: true });
      await check(friend, friendLang, `accepted ${tag}`);
      // The link again: done, nothing more to accept.
      await friend.goto(`${acceptLink.replace(/^https?:\/\/[^/]+/, base)}`);
      assert.equal(await friend.locator("form button.big").count(), 0, "an accepted transfer offers nothing");
      await other.close();

      // ----- the sender's order: the ticket is transferred -----
      await page.goto(`${base}/orders/${orderId}`);
      await page.getByText(w.transferred).first().waitFor();
      assert.equal(await page.locator("img.qr").count(), 1, "one ticket left with a code");
      await check(page, lang, `order after transfer ${tag}`);
      const after = await ticketsOf();
      const old = after.find((t) => t.id === before[0].id);
      assert.equal(old.status, "void");
      assert.equal(old.void_reason, "transferred");
      await waitForMail({ to: buyerEmail, subject: lang === "en" ? "accepted" : "接受" });

      // ----- the sender changes the name on the ticket they kept -----
      await page.goto(`${base}/orders/${orderId}/transfer`);
      const kept = after.find((t) => t.status === "valid");
      const nameField = page.locator(`#holder_${kept.id}`);
      await nameField.fill("");
      await page.locator(`form[action$='/tickets/${kept.id}/holder'] button`).click();
      await page.locator(`#holder_${kept.id}[aria-invalid=true]`).waitFor();
      await check(page, lang, `rename refused ${tag}`);
      await page.locator(`#holder_${kept.id}`).fill(`Renamed ${tag}`);
      await page.locator(`form[action$='/tickets/${kept.id}/holder'] button`).click();
      await page.waitForURL(/\?renamed=1$/);
      await check(page, lang, `renamed ${tag}`);
      const renamed = await ticketsOf();
      assert.equal(renamed.find((t) => t.id === kept.id).void_reason, "renamed");
      assert.ok(renamed.some((t) => t.status === "valid" && t.holder_name === `Renamed ${tag}`), "re-issued under the new name");
      await ctx.close();

      // ----- the organizer: the gate refuses the old code; the order's history -----
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
      const lists = await api(desk, "GET", `/api/v1/orgs/${org}/events/${tonight.id}/checkin-lists`);
      const list = lists.body[0].id;
      const all = await api(desk, "GET", `/api/v1/orgs/${org}/orders/${orderId}/tickets`);
      const fresh = all.body.find((t) => t.id === old.replaced_by);
      assert.ok(fresh && fresh.status === "valid", "the new ticket is on the order for staff");
      const scan = (code, nonce) => api(desk, "POST", `/api/v1/orgs/${org}/checkin-lists/${list}/scans`, { code, nonce });
      const refused = await scan(before[0].code, `old-${stamp}`);
      assert.equal(refused.body.result, "revoked", JSON.stringify(refused));
      assert.equal(refused.body.admit, false);
      const admitted = await scan(fresh.code, `new-${stamp}`);
      assert.equal(admitted.body.result, "valid", JSON.stringify(admitted));
      // The scanners' sync lists the old ticket as revoked.
      const sync = await api(desk, "GET", `/api/v1/orgs/${org}/checkin-lists/${list}/sync`);
      assert.ok(sync.body.revoked.includes(old.id), "revoked for offline scanners");
      await desk.goto(`${base}${orgPath}/orders/${orderId}`);
      await desk.locator("table.transfers").waitFor();
      await desk.screenshot({ path: `${shots}/transfers-dashboard-order-${tag}.png`, fullPage: true });
      await check(desk, lang, `dashboard order with a transfer ${tag}`);
      await desk.goto(`${base}${orgPath}/events/${tonight.id}/transfers`);
      assert.ok(await desk.locator("#allowed").isChecked(), "the demo allows transfers");
      await check(desk, lang, `transfer settings ${tag}`);
      await staff.close();
    }
  }
  console.log("transfers: ok");
} finally {
  await browser.close();
}
