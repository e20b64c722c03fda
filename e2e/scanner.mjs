// Gate staff scan tickets on a phone, in Debian's Chromium: a buyer buys two
// tickets for tonight's demo event through the sandbox; the demo organizer signs in, chooses the
// event's entrance and gate, admits ticket 1 (green), is warned when it comes
// again (amber), loses the network, admits ticket 2 offline (verified in the
// browser, queued), and sees the queue upload once back online.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... node scanner.mjs
import { chromium } from "playwright-core";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { audit, assertTranslated } from "./checks.mjs";

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
  await shop.getByLabel("How many").first().fill("3");
  await shop.getByLabel("Name on the tickets").fill("Grace Hopper");
  // A new address each run: the demo limits tickets per customer.
  await shop.getByLabel("E-mail").fill(`grace-${Date.now()}@example.org`);
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
  await audit(page, "scanner: choose");
  const card = page.locator("li", { has: page.getByRole("heading", { name: "Open Rehearsal" }) });
  await card.getByRole("link", { name: "Gate Front" }).click();
  await page.getByRole("heading", { name: "Open Rehearsal" }).waitFor();
  const scannerUrl = page.url();
  const [, , org, list] = new URL(scannerUrl).pathname.split("/");

  // The API with the page's session (its cookie is Secure, which the browser sends to loopback).
  const api = (path) => page.evaluate((p) => fetch(p).then((r) => r.json()), path);
  // The organizer's view of the order gives the two codes.
  const tickets = await api(`/api/v1/orgs/${org}/orders/${orderId}/tickets`);
  assert.equal(tickets.length, 3, JSON.stringify(tickets));
  const [one, two] = tickets.map((t) => t.code);
  assert.match(one, /^TK1-/);
  const statsPath = `/api/v1/orgs/${org}/checkin-lists/${list}/stats`;
  // Counted from here, so that the test may run again against the same server.
  const before = (await api(statsPath)).checked_in;

  const verdict = page.locator("#verdict");
  const net = page.locator("#net");
  const queue = page.locator("#queue");
  await net.filter({ hasText: "Online" }).waitFor();
  await page.getByText(/Keys last updated: \d/).waitFor();
  await page.screenshot({ path: `${shots}/scanner-ready-phone.png`, fullPage: true });
  await audit(page, "scanner: ready");

  // An empty form is refused next to the field.
  await page.getByRole("button", { name: "Check" }).click();
  await page.getByText("Enter or scan a ticket code.").waitFor();
  assert.equal(await page.getByLabel("Ticket code").getAttribute("aria-invalid"), "true");

  // Ticket 1: admitted, with the holder's name.
  const scan = async (code) => {
    await page.getByLabel("Ticket code").fill(code);
    await page.getByRole("button", { name: "Check" }).click();
  };
  await scan(one);
  await page.locator("#verdict.ok").waitFor();
  assert.match(await verdict.innerText(), /Admitted[\s\S]*Grace Hopper[\s\S]*Standard/);
  await page.screenshot({ path: `${shots}/scanner-admitted-phone.png`, fullPage: true });
  await audit(page, "scanner: admitted");

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
  await page.locator("#scanner[data-offline-ready]").waitFor({ state: "attached" });
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

  // The page reopens offline (service worker), with its queue and what it knows.
  await page.reload();
  await page.getByRole("heading", { name: "Open Rehearsal" }).waitFor();
  await net.filter({ hasText: "Offline" }).waitFor();
  await queue.filter({ hasText: "Waiting to upload: 3" }).waitFor();
  await scan(one);
  await page.locator("#verdict.warn").waitFor();
  await queue.filter({ hasText: "Waiting to upload: 4" }).waitFor();

  // Back online: the queue drains and the server counts both tickets.
  await staff.setOffline(false);
  await net.filter({ hasText: "Online" }).waitFor();
  await queue.filter({ hasText: "Waiting to upload: 0" }).waitFor({ timeout: 30000 });
  const stats = await api(statsPath);
  assert.equal(stats.checked_in, before + 2, JSON.stringify(stats));
  await page.locator("#stats").filter({ hasText: `${before + 2} of ` }).waitFor();
  const conflicts = await api(`/api/v1/orgs/${org}/checkin-lists/${list}/conflicts`);
  assert.deepEqual(conflicts, [], "refused offline scans admitted nobody");
  await page.screenshot({ path: `${shots}/scanner-synced-phone.png`, fullPage: true });

  // The scanner in Chinese: the page, and the verdicts the script shows.
  await page.goto(`${base}/scan?lang=zh-CN`);
  await page.getByRole("heading", { name: "您在哪里检票？" }).waitFor();
  await audit(page, "scanner: choose, Chinese");
  await assertTranslated(page, "scanner: choose, Chinese");
  await page.goto(scannerUrl);
  await page.getByRole("button", { name: "验票" }).waitFor();
  await net.filter({ hasText: "在线" }).waitFor();
  await page.getByText(/密钥更新于：\d/).waitFor();
  await audit(page, "scanner: ready, Chinese");
  await assertTranslated(page, "scanner: ready, Chinese");
  const scanZh = async (code) => {
    await page.getByLabel("票码").fill(code);
    await page.getByRole("button", { name: "验票" }).click();
  };
  await page.getByLabel("票码").fill("");
  await page.getByRole("button", { name: "验票" }).click();
  await page.getByText("请输入或扫描票码。").waitFor();
  await scanZh(one);
  await page.locator("#verdict.warn").waitFor();
  assert.match(await verdict.innerText(), /已使用[\s\S]*首次入场：.*闸口 Front/);
  await page.screenshot({ path: `${shots}/scanner-zh-already-used-phone.png`, fullPage: true });
  await audit(page, "scanner: already used, Chinese");
  await assertTranslated(page, "scanner: already used, Chinese");
  await scanZh("hello");
  await page.locator("#verdict.bad").waitFor();
  assert.match(await verdict.innerText(), /不是门票票码/);
  await page.locator("#stats").filter({ hasText: `${before + 2} / ` }).waitFor();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${shots}/scanner-zh-desktop.png`, fullPage: true });
  await audit(page, "scanner: desktop, Chinese");
  await page.setViewportSize(phone);
  await page.goto(`${base}/scan?lang=en`);

  // The QR image of ticket 3, read back as grey levels, for the fake camera below.
  const qr = await page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const c = document.createElement("canvas");
    [c.width, c.height] = [img.naturalWidth, img.naturalHeight];
    const ctx = c.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    return { w: c.width, h: c.height, grey: Array.from({ length: c.width * c.height }, (_, i) => d[4 * i]) };
  }, new URL(tickets[2].qr_png_url, base).pathname);
  const decoderServed = await page.evaluate(() => fetch("/assets/qr-decode.js").then((r) => r.ok));

  assert.deepEqual(problems, [], "no script errors");
  await staff.close();
  console.log("scanner at phone width: online, already used, offline, upload, in Chinese too: ok");

  // ----- the camera: Chromium's fake camera films ticket 3's QR code; then a photo of it -----
  if (!decoderServed) {
    console.log("camera scan: SKIPPED, this build serves no /assets/qr-decode.js");
  } else {
    const video = join(mkdtempSync(join(tmpdir(), "tessera-camera-")), "ticket-3-qr.y4m");
    writeFileSync(video, y4m(qr, 640, 480));
    const filming = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--use-fake-device-for-media-stream",
        `--use-file-for-fake-video-capture=${video}`,
      ],
    });
    try {
      const ctx = await filming.newContext({ viewport: phone, locale: "en-GB", permissions: ["camera"] });
      const cam = await ctx.newPage();
      cam.setDefaultTimeout(15000);
      await cam.goto(scannerUrl);
      await cam.getByLabel("E-mail").fill("organizer@demo.tessera.dev");
      await cam.getByLabel("Password").fill(password);
      await cam.getByRole("button", { name: "Sign in" }).click();
      await cam.getByRole("heading", { name: "Open Rehearsal" }).waitFor();
      await cam.getByRole("button", { name: "Start the camera" }).click();
      await cam.locator("#verdict.ok").waitFor({ timeout: 30000 });
      assert.match(await cam.locator("#verdict").innerText(), /Admitted[\s\S]*Grace Hopper/);
      await cam.screenshot({ path: `${shots}/scanner-camera-phone.png` });
      // The code stays in front of the camera: still one scan, not a stream of "already used".
      await cam.waitForTimeout(1500);
      assert.equal(await cam.locator("#verdict.ok").count(), 1);
      await cam.getByRole("button", { name: "Stop the camera" }).click();
      // A photo of the same code (what a phone on plain http offers instead of the live camera): amber.
      const png = Buffer.from(await (await fetch(new URL(tickets[2].qr_png_url, base))).arrayBuffer());
      await cam.locator("#photo").setInputFiles({ name: "ticket.png", mimeType: "image/png", buffer: png });
      await cam.locator("#verdict.warn").waitFor();
      assert.match(await cam.locator("#verdict").innerText(), /Already used[\s\S]*Gate Front/);
      const stats = await cam.evaluate((p) => fetch(p).then((r) => r.json()), statsPath);
      assert.equal(stats.checked_in, before + 3, JSON.stringify(stats));
      console.log("camera and photo scans (fake camera, QR decoded in the page): ok");
    } finally {
      await filming.close();
    }
  }
} finally {
  await browser.close();
}

/**
 * A two-frame YUV4MPEG2 video (4:2:0, full range) of a grey image centred
 * on white, scaled up with whole pixels: what Chromium's fake camera plays.
 */
function y4m({ w, h, grey }, width, height) {
  const scale = Math.max(1, Math.floor((Math.min(width, height) * 0.8) / Math.max(w, h)));
  const [ox, oy] = [Math.floor((width - w * scale) / 2), Math.floor((height - h * scale) / 2)];
  const y = Buffer.alloc(width * height, 255);
  for (let row = 0; row < h * scale; row++) {
    for (let col = 0; col < w * scale; col++) {
      y[(oy + row) * width + ox + col] = grey[Math.floor(row / scale) * w + Math.floor(col / scale)];
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]);
}
