// Invoices, end to end against `serve --demo`: the organizer checks the
// organization's invoicing details (the demo has them filled) and saves a
// change; a guest buys a ticket, pays in the sandbox and asks for an
// invoice on the order page (a refused first try: the address is
// required), then downloads the PDF; the organizer finds it on the
// Invoices page, issues another from an order's page and exports the CSV.
// axe-core on every page, at phone and desktop width, in English and Chinese.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... node invoices.mjs
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
  en: { saved: "Invoicing details saved.", yours: "Your invoice", invoice: "Invoice" },
  "zh-CN": { saved: "开票信息已保存。", yours: "您的发票", invoice: "发票" },
};

const events = await (await fetch(`${base}/api/v1/events?limit=50`)).json();
const gig = events.items.find((e) => e.title === "Night of Strings");
assert.ok(gig, "the demo has the concert");
const gigTypes = (await (await fetch(`${base}/api/v1/events/${gig.id}`)).json()).ticket_types;

async function check(page, lang, what) {
  await audit(page, what);
  if (lang === "zh-CN") await assertTranslated(page, what);
}

/** The body of a link's target, fetched with the page's cookies. */
async function fetchWithCookies(ctx, href) {
  const cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const res = await fetch(new URL(href, base), { headers: { cookie } });
  return { status: res.status, type: res.headers.get("content-type"), body: Buffer.from(await res.arrayBuffer()) };
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

      // The organizer's invoicing details: filled by the demo; a change saved.
      await page.goto(`${base}/account/sign-in?lang=${lang}`);
      await page.locator("#email").fill("organizer@demo.tessera.dev");
      await page.locator("#password").fill(password);
      await page.locator("main form button[type=submit]").click();
      await page.waitForURL((u) => !u.pathname.startsWith("/account/sign-in"));
      await page.goto(`${base}/dashboard?lang=${lang}`);
      const orgPath = new URL(page.url()).pathname.replace(/\/overview$/, "");
      await page.goto(`${base}${orgPath}/invoices/settings`);
      assert.match(await page.locator("#legal_name").inputValue(), /Tessera Demo Productions/);
      await check(page, lang, `invoice settings ${tag}`);
      // A refusal names the field; the right value is saved.
      await page.locator("#legal_name").fill("");
      await page.locator("main form button[type=submit]").click();
      await page.locator("#legal_name-error").waitFor();
      await check(page, lang, `invoice settings refused ${tag}`);
      await page.locator("#legal_name").fill("Tessera Demo Productions GmbH");
      await page.locator("#footer").fill(`Paid in full (${tag}).`);
      await page.locator("main form button[type=submit]").click();
      await page.getByText(words[lang].saved).waitFor();
      await page.screenshot({ path: `${shots}/invoices-settings-${tag}.png`, fullPage: true });

      // A guest buys, pays in the sandbox and asks for an invoice.
      const guest = await browser.newContext({ viewport, locale: lang === "en" ? "en-GB" : "zh-CN" });
      const buyer = await guest.newPage();
      buyer.setDefaultTimeout(15000);
      await buyer.goto(`${base}/events/${gig.id}?lang=${lang}`);
      await buyer.locator("input[name^=qty_]").first().fill("1");
      await buyer.locator("#name").fill(`Invoice ${tag}`);
      await buyer.locator("#email").fill(`invoice-${tag}@example.org`);
      await buyer.locator("form.buy button.big").click();
      await buyer.waitForURL(/\/orders\/[0-9a-f-]+$/);
      const orderUrl = buyer.url();
      await buyer.locator("form[action$='/pay'] button").click();
      await buyer.waitForURL(/\/pay\/sandbox\//);
      await buyer.locator("main form button[type=submit]").click();
      await buyer.waitForURL(/\/confirmed$/);
      await buyer.goto(orderUrl);
      const request = buyer.locator("section.invoice-request");
      await request.waitFor();
      await check(buyer, lang, `invoice request ${tag}`);
      // Without an address: refused next to the field, the name kept.
      await buyer.locator("section.invoice-request #name").fill(`Firma ${tag}`);
      await request.locator("button[type=submit]").click();
      await buyer.locator("#address-error").waitFor();
      assert.equal(await buyer.locator("section.invoice-request #name").inputValue(), `Firma ${tag}`);
      await check(buyer, lang, `invoice request refused ${tag}`);
      await buyer.locator("#address").fill("Am Markt 5\n04109 Leipzig");
      await buyer.locator("#tax_id").fill("DE111222333");
      await buyer.locator("section.invoice-request button[type=submit]").click();
      const mine = buyer.locator("section.invoices");
      await mine.waitFor();
      assert.ok((await mine.innerText()).includes(words[lang].yours));
      await buyer.screenshot({ path: `${shots}/invoices-order-${tag}.png`, fullPage: true });
      await check(buyer, lang, `invoiced order ${tag}`);
      const href = await mine.locator("a[download]").first().getAttribute("href");
      const pdf = await fetchWithCookies(guest, href);
      assert.equal(pdf.status, 200);
      assert.equal(pdf.type, "application/pdf");
      assert.equal(pdf.body.subarray(0, 5).toString(), "%PDF-", "the invoice is a PDF");
      const [download] = await Promise.all([buyer.waitForEvent("download"), mine.locator("a[download]").first().click()]);
      await download.saveAs(`${shots}/invoice-${tag}.pdf`);
      const orderId = orderUrl.match(/\/orders\/([0-9a-f-]+)$/)[1];
      await guest.close();

      // The organizer: the invoice on the Invoices page, the CSV, and the order's page.
      await page.goto(`${base}${orgPath}/invoices`);
      await check(page, lang, `invoices ${tag}`);
      assert.ok(await page.locator(`td:has-text("Firma ${tag}")`).count(), "the new invoice is listed");
      await page.screenshot({ path: `${shots}/invoices-list-${tag}.png`, fullPage: true });
      const csvHref = await page.locator("a[href$='/invoices.csv']").getAttribute("href");
      const csv = (await fetchWithCookies(ctx, csvHref)).body.toString();
      assert.ok(csv.startsWith("number,kind,issued_at"), "the CSV has its header");
      assert.ok(csv.includes(`Firma ${tag}`), "and the invoice");
      await page.goto(`${base}${orgPath}/orders/${orderId}`);
      await page.locator("h2#invoice").waitFor();
      assert.ok(await page.locator("ul.invoice-list a[download]").count(), "the order links its invoice");
      await check(page, lang, `order with invoice ${tag}`);

      // Staff issue an invoice for a box-office-style order they mark paid.
      const placed = await fetch(`${base}/api/v1/events/${gig.id}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
        body: JSON.stringify({
          lines: [{ ticket_type_id: gigTypes[0].id, quantity: 1 }],
          email: `staff-${tag}@example.org`,
          name: `Staff ${tag}`,
        }),
      });
      assert.equal(placed.status, 201);
      const staffOrder = (await placed.json()).id;
      await page.goto(`${base}${orgPath}/orders/${staffOrder}`);
      await page.locator("form[action$='/mark-paid'] button").click();
      await page.locator("form[action$='/invoice'] button").click();
      await page.locator("ul.invoice-list a[download]").first().waitFor();
      await page.screenshot({ path: `${shots}/invoices-staff-${tag}.png`, fullPage: true });
      await check(page, lang, `staff invoiced ${tag}`);
      await ctx.close();
    }
  }
  console.log("invoices: ok");
} finally {
  await browser.close();
}
