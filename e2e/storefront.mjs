// A buyer finds an event in the storefront, buys two tickets through the
// sandbox provider, sees them and downloads the PDF, in Debian's Chromium.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir node storefront.mjs
import { chromium } from "playwright-core";
import { mkdirSync, writeFileSync } from "node:fs";
import assert from "node:assert/strict";

const base = process.env.BASE;
const shots = process.env.SHOTS ?? "screenshots";
assert.ok(base, "BASE is the server's URL");
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
});
try {
  for (const [name, viewport] of [["phone", { width: 360, height: 780 }], ["desktop", { width: 1280, height: 900 }]]) {
    const context = await browser.newContext({ viewport, acceptDownloads: true, locale: "en-GB" });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);

    await page.goto(`${base}/`);
    await page.screenshot({ path: `${shots}/storefront-${name}.png`, fullPage: true });
    await page.getByRole("searchbox").or(page.getByLabel("Search events")).fill("Strings");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "Night of Strings" }).click();
    await page.screenshot({ path: `${shots}/event-${name}.png`, fullPage: true });

    // Two standard tickets, after a refused first try.
    await page.getByLabel("How many").first().fill("2");
    await page.getByLabel("Name on the tickets").fill("Ada Lovelace");
    await page.getByLabel("E-mail").fill("not an address");
    // The browser's own check would stop an invalid e-mail; the server's check is what is tested.
    await page.evaluate(() => document.querySelector("form[method=post]").setAttribute("novalidate", ""));
    await page.getByRole("button", { name: "Reserve" }).click();
    await page.getByText("e-mail address like").waitFor();
    assert.equal(await page.getByLabel("Name on the tickets").inputValue(), "Ada Lovelace");
    await page.getByLabel("E-mail").fill(`ada-${name}@example.org`);
    await page.getByRole("button", { name: "Reserve" }).click();

    await page.getByRole("heading", { name: "Your order" }).waitFor();
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByRole("heading", { name: "Sandbox payment" }).waitFor();
    await page.screenshot({ path: `${shots}/sandbox-${name}.png`, fullPage: true });
    await page.getByLabel("Payment succeeds").check();
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByRole("link", { name: "Back to the order" }).click();

    await page.getByRole("heading", { name: "Tickets" }).waitFor();
    const qrs = await page.locator("img.qr").count();
    assert.equal(qrs, 2, "two tickets with their QR codes");
    await page.screenshot({ path: `${shots}/tickets-${name}.png`, fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: /Download the tickets/ }).click(),
    ]);
    const path = `${shots}/tickets-${name}.pdf`;
    await download.saveAs(path);
    const { readFileSync } = await import("node:fs");
    assert.equal(readFileSync(path).subarray(0, 5).toString(), "%PDF-");
    await context.close();
    console.log(`storefront purchase at ${name} width: ok`);
  }
  // The storefront in Chinese, chosen by the browser's language.
  const zh = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" } });
  const page = await zh.newPage();
  await page.goto(`${base}/`);
  assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
  await page.getByRole("heading", { name: "活动" }).waitFor();
  await page.getByRole("link", { name: "Night of Strings" }).click();
  await page.getByRole("button", { name: "预订" }).waitFor();
  await page.screenshot({ path: `${shots}/event-zh-phone.png`, fullPage: true });
  await zh.close();
  console.log("storefront in Chinese: ok");
} finally {
  await browser.close();
}
writeFileSync(`${shots}/.done`, "ok\n");
