// Gate staff scan tickets on a phone, in Debian's Chromium: a buyer buys two
// tickets for tonight's demo event through the sandbox; the demo organizer signs in, chooses the
// event's entrance and gate, admits ticket 1 (green), is warned when it comes
// again (amber), loses the network, admits ticket 2 offline (verified in the
// browser, queued), and sees the queue upload once back online.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... node scanner.mjs
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";

const base = process.env.BASE;
const shots = process.env.SHOTS ?? "screenshots";
const password = process.env.DEMO_PASSWORD;
assert.ok(base, "BASE is the server's URL");
assert.ok(password, "DEMO_PASSWORD is the demo organizer's password (printed by tessera serve --demo)");
mkdirSync(shots, { recursive: true });
const phone = { width: 360, height: 780 };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
});
try {
  // ----- a buyer buys two tickets -----
  const buyer = await browser.newContext({ viewport: phone, locale: "en-GB" });
  const shop = await buyer.newPage();
  shop.setDefaultTimeout(15000);
  await shop.goto(`${base}/`);
  await shop.getByRole("link", { name: "Open Rehearsal" }).click();
  await shop.getByLabel("How many").first().fill("2");
  await shop.getByLabel("Name on the tickets").fill("Grace Hopper");
  await shop.getByLabel("E-mail").fill("grace@example.org");
  await shop.getByRole("button", { name: "Reserve" }).click();
  await shop.getByRole("heading", { name: "Your order" }).waitFor();
  const orderId = new URL(shop.url()).pathname.split("/").pop();
  await shop.getByRole("button", { name: /^Pay / }).click();
  await shop.getByLabel("Payment succeeds").check();
  await shop.getByRole("button", { name: /^Pay / }).click();
  await shop.getByRole("link", { name: "Back to the order" }).click();
  await shop.getByRole("heading", { name: "Tickets" }).waitFor();
  await buyer.close();

  // ----- the organizer opens the scanner at a gate -----
  const staff = await browser.newContext({ viewport: phone, locale: "en-GB", isMobile: true, hasTouch: true });
  const page = await staff.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  // Requests that fail while offline are expected; script errors are not.
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));

  await page.goto(`${base}/scan`);
  assert.match(page.url(), /\/account\/sign-in\?next=%2Fscan$/, "signing in comes first");
  await page.getByLabel("E-mail").fill("organizer@demo.tessera.dev");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Where are you scanning?" }).waitFor();
  await page.screenshot({ path: `${shots}/scanner-choose-phone.png`, fullPage: true });
  const card = page.locator("li", { has: page.getByRole("heading", { name: "Open Rehearsal" }) });
  await card.getByRole("link", { name: "Gate Front" }).click();
  await page.getByRole("heading", { name: "Open Rehearsal" }).waitFor();
  const [, , org, list] = new URL(page.url()).pathname.split("/");

  // The API with the page's session (its cookie is Secure, which the browser sends to loopback).
  const api = (path) => page.evaluate((p) => fetch(p).then((r) => r.json()), path);
  // The organizer's view of the order gives the two codes.
  const tickets = await api(`/api/v1/orgs/${org}/orders/${orderId}/tickets`);
  assert.equal(tickets.length, 2, JSON.stringify(tickets));
  const [one, two] = tickets.map((t) => t.code);
  assert.match(one, /^TK1-/);

  const verdict = page.locator("#verdict");
  const net = page.locator("#net");
  const queue = page.locator("#queue");
  await net.filter({ hasText: "Online" }).waitFor();
  await page.getByText(/Keys last updated: \d/).waitFor();
  await page.screenshot({ path: `${shots}/scanner-ready-phone.png`, fullPage: true });

  // An empty form is refused next to the field.
  await page.getByRole("button", { name: "Check" }).click();
  await page.getByText("Enter or scan a ticket code.").waitFor();
  assert.equal(await page.getByLabel("Ticket code").getAttribute("aria-invalid"), "true");

  // Ticket 1: admitted, with the holder's name.
  const scan = async (code) => {
    await page.getByLabel("Ticket code").fill(code);
    await page.getByRole("button", { name: "Check" }).click();
    if (process.env.DEBUG) {
      await page.waitForTimeout(1500);
      console.log(await verdict.innerText(), problems);
    }
  };
  await scan(one);
  await page.locator("#verdict.ok").waitFor();
  assert.match(await verdict.innerText(), /Admitted[\s\S]*Grace Hopper[\s\S]*Standard/);
  await page.screenshot({ path: `${shots}/scanner-admitted-phone.png`, fullPage: true });

  // Ticket 1 again: amber, with when and at which gate it first came in.
  await scan(one);
  await page.locator("#verdict.warn").waitFor();
  assert.match(await verdict.innerText(), /Already used[\s\S]*First admitted .*Gate Front/);
  await page.screenshot({ path: `${shots}/scanner-already-used-phone.png`, fullPage: true });

  // A forged code is red.
  await scan(one.slice(0, -8) + (one.endsWith("AAAAAAAA") ? "BAAAAAAA" : "AAAAAAAA"));
  await page.locator("#verdict.bad").waitFor();
  await page.getByText(/Not a ticket code|Forged or damaged code/).waitFor();

  // Offline: ticket 2 is verified in the browser and queued; ticket 1 stays amber.
  await staff.setOffline(true);
  await net.filter({ hasText: "Offline" }).waitFor();
  await scan(two);
  await page.locator("#verdict.ok").waitFor();
  assert.match(await verdict.innerText(), /Admitted[\s\S]*Grace Hopper[\s\S]*checked offline/);
  await queue.filter({ hasText: "Waiting to upload: 1" }).waitFor();
  await page.screenshot({ path: `${shots}/scanner-offline-phone.png`, fullPage: true });
  await scan(one);
  await page.locator("#verdict.warn").waitFor();
  assert.match(await verdict.innerText(), /Already used[\s\S]*checked offline/);
  await scan(two);
  await page.locator("#verdict.warn").waitFor();
  await queue.filter({ hasText: "Waiting to upload: 3" }).waitFor();

  // Back online: the queue drains and the server counts both tickets.
  await staff.setOffline(false);
  await net.filter({ hasText: "Online" }).waitFor();
  await queue.filter({ hasText: "Waiting to upload: 0" }).waitFor({ timeout: 30000 });
  const stats = await api(`/api/v1/orgs/${org}/checkin-lists/${list}/stats`);
  assert.equal(stats.checked_in, 2, JSON.stringify(stats));
  await page.locator("#stats").filter({ hasText: /^2 of / }).waitFor();
  const conflicts = await api(`/api/v1/orgs/${org}/checkin-lists/${list}/conflicts`);
  assert.deepEqual(conflicts, [], "refused offline scans admitted nobody");
  await page.screenshot({ path: `${shots}/scanner-synced-phone.png`, fullPage: true });

  // The scanner in Chinese.
  await page.goto(`${page.url().split("?")[0]}?gate=${new URL(page.url()).searchParams.get("gate")}&lang=zh-CN`);
  await page.getByRole("button", { name: "验票" }).waitFor();
  await page.screenshot({ path: `${shots}/scanner-zh-phone.png`, fullPage: true });
  await page.goto(`${base}/scan?lang=en`);

  assert.deepEqual(problems, [], "no script errors");
  await staff.close();
  console.log("scanner at phone width: online, already used, offline, upload: ok");
} finally {
  await browser.close();
}
