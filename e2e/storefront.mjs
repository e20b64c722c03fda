// The buyer's journeys in Debian's Chromium, at phone and desktop width, in
// English and in Chinese: sign up, find an event, choose tickets with the
// steppers (a refused first try), pay in the sandbox, land on the
// confirmation, see the tickets and download the PDF; open the order from
// the e-mail's secret link in a fresh browser; "find my order" by e-mail;
// "my tickets". axe-core on every page; no English on the Chinese pages.
// Usage: BASE=http://127.0.0.1:PORT MAIL_DIR=dir SHOTS=dir node storefront.mjs
// (MAIL_DIR: where mail-sink.mjs writes what the server sends; see .ci/run).
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import assert from "node:assert/strict";
import { audit, assertTranslated } from "./checks.mjs";
import { messages, waitForMail } from "./mailbox.mjs";

const base = process.env.BASE;
const shots = process.env.SHOTS ?? "screenshots";
assert.ok(base, "BASE is the server's URL");
mkdirSync(shots, { recursive: true });

// The few words the journeys look for, per language.
const words = {
  en: { thanks: "Your tickets are on their way to", sent: "Check your inbox", upcoming: "Upcoming events", bad: "e-mail address like" },
  "zh-CN": { thanks: "门票已发送至", sent: "请查收邮件", upcoming: "即将开始的活动", bad: "请输入电子邮箱地址" },
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
});

/** axe-core, and on Chinese pages no English of the catalogs. */
async function check(page, lang, what) {
  await audit(page, what);
  if (lang === "zh-CN") await assertTranslated(page, what);
}

try {
  for (const lang of ["en", "zh-CN"]) {
    for (const [size, viewport] of [["phone", { width: 360, height: 780 }], ["desktop", { width: 1280, height: 900 }]]) {
      const w = words[lang];
      const run = `${lang}-${size}`;
      const email = `ada-${run}-${Date.now()}@example.org`.toLowerCase();
      const context = await browser.newContext({ viewport, acceptDownloads: true, locale: lang === "en" ? "en-GB" : "zh-CN" });
      const page = await context.newPage();
      page.setDefaultTimeout(15000);

      // A buyer account, so that the checkout is filled in and "my tickets" fills up.
      await page.goto(`${base}/account/sign-up?lang=${lang}`);
      await page.locator("#name").fill("Ada Lovelace");
      await page.locator("#email").fill(email);
      await page.locator("#password").fill("correct horse battery staple");
      await page.locator("main form button[type=submit]").click();
      await page.waitForURL(/\/account$/);

      // The listing: cards with a date badge and the lowest price.
      await page.goto(`${base}/`);
      await page.locator(".event-card").first().waitFor();
      await check(page, lang, `storefront ${run}`);
      await page.screenshot({ path: `${shots}/storefront-${run}.png`, fullPage: true });
      await page.locator("#q").fill("Strings");
      await page.locator("form[role=search] button[type=submit]").click();
      assert.equal(await page.locator(".event-card").count(), 1, "the search finds one event");
      assert.match(await page.locator(".price-from").innerText(), /19/, "from the cheapest ticket");
      await page.getByRole("link", { name: "Night of Strings" }).click();

      // The event: steppers with a running total; name and e-mail filled in.
      const form = page.locator("form.buy");
      await form.locator(".stepper.enhanced").first().waitFor();
      assert.equal(await page.locator("#email").inputValue(), email, "the checkout is filled in");
      await check(page, lang, `event ${run}`);
      const more = form.locator(".ticket-row").first().locator("button[data-step='1']");
      await more.click();
      await more.click();
      assert.equal(await form.locator(".ticket-row").first().locator("input[type=number]").inputValue(), "2");
      await page.locator(".running-total").waitFor();
      assert.match(await page.locator("[data-total]").innerText(), /58/, "2 x 29 so far: the first release's tier price");
      await page.screenshot({ path: `${shots}/event-${run}.png`, fullPage: true });

      // Refused first: the error next to the field and in the summary, focus on it, values kept.
      await page.locator("#email").fill("not an address");
      await form.locator("button.big").click();
      await page.locator(".error-summary").waitFor();
      await page.getByText(w.bad).first().waitFor();
      await page.waitForFunction(() => document.activeElement?.id === "email"); // the focus is on the first field at fault
      assert.equal(await page.locator("#name").inputValue(), "Ada Lovelace");
      await check(page, lang, `refused order form ${run}`);
      await page.locator("#email").fill(email);
      await page.locator("form.buy button.big").click();

      // The order: pay in the sandbox, land on the confirmation.
      await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
      await page.locator(".event-head").waitFor();
      await check(page, lang, `pending order ${run}`);
      const reference = (await page.locator(".order-ref").innerText()).match(/[A-Z0-9]{6,}/)[0];
      await page.locator("form[action$='/pay'] button").click();
      await page.waitForURL(/\/pay\/sandbox\//);
      await check(page, lang, `sandbox ${run}`);
      await page.screenshot({ path: `${shots}/sandbox-${run}.png`, fullPage: true });
      await page.locator("main form button[type=submit]").click();
      await page.waitForURL(/\/confirmed$/);
      await page.getByText(w.thanks).waitFor();
      assert.ok((await page.locator(".on-their-way").innerText()).includes(email));
      await check(page, lang, `confirmation ${run}`);
      await page.screenshot({ path: `${shots}/confirmed-${run}.png`, fullPage: true });

      // The tickets and the PDF.
      await page.locator(".actions a.button").first().click();
      await page.locator("img.qr").first().waitFor();
      assert.equal(await page.locator("img.qr").count(), 2, "two tickets with their QR codes");
      await check(page, lang, `paid order ${run}`);
      await page.screenshot({ path: `${shots}/tickets-${run}.png`, fullPage: true });
      const [download] = await Promise.all([page.waitForEvent("download"), page.locator("a[href$='tickets.pdf']").first().click()]);
      const path = `${shots}/tickets-${run}.pdf`;
      await download.saveAs(path);
      assert.equal(readFileSync(path).subarray(0, 5).toString(), "%PDF-");

      // The confirmation e-mail's order link, opened where the order never was.
      const confirmation = await waitForMail({ to: email, subject: reference });
      const link = confirmation.links.find((l) => l.includes("/o/"));
      assert.ok(link, `the e-mail links to the order: ${confirmation.links}`);
      const fresh = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
      const elsewhere = await fresh.newPage();
      await elsewhere.goto(`${link.replace(/^https?:\/\/[^/]+/, base)}`);
      await elsewhere.locator("img.qr").first().waitFor();
      assert.equal(await elsewhere.locator("img.qr").count(), 2, "the link opens the order and its tickets");
      await check(elsewhere, lang, `order from the e-mail ${run}`);

      // "Find my order" from that fresh browser: the same link again, by e-mail.
      await elsewhere.goto(`${base}/`);
      await elsewhere.locator("a[href='/orders/find']").first().click();
      await check(elsewhere, lang, `find my order ${run}`);
      const before = (await messages()).map((m) => m.file);
      await elsewhere.locator("#email").fill(email);
      await elsewhere.locator("#reference").fill(reference.toLowerCase());
      await elsewhere.locator("main form button[type=submit]").click();
      await elsewhere.getByRole("heading", { name: w.sent }).waitFor();
      await check(elsewhere, lang, `find my order sent ${run}`);
      const found = await waitForMail({ to: email, subject: reference, seen: before });
      assert.ok(found.links.some((l) => l.includes("/o/")), "the lookup mails the order's link");
      await fresh.close();

      // My tickets: grouped by the event, with the orders below.
      await page.goto(`${base}/account`);
      await page.getByRole("heading", { name: w.upcoming }).waitFor();
      assert.ok((await page.locator(".event-group img.qr").count()) >= 2, "the tickets with their QR codes");
      assert.ok((await page.locator("table.orders").innerText()).includes(reference));
      await check(page, lang, `my tickets ${run}`);
      await page.screenshot({ path: `${shots}/my-tickets-${run}.png`, fullPage: true });
      await context.close();
      console.log(`buyer journeys in ${lang} at ${size} width: ok`);
    }
  }
} finally {
  await browser.close();
}
writeFileSync(`${shots}/.done`, "ok\n");
