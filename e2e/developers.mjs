// An organizer sets up an integration: an API token (a refused form first,
// then the token, its secret shown once, revoked behind its confirmation)
// and a webhook endpoint (a refused address first, then the endpoint, its
// signing secret shown once, an edit refused, deleted behind its
// confirmation); then reads the API reference. On a desktop in English and
// on a phone in Chinese, with axe-core on every page and, on the Chinese
// dashboard pages, no English catalog text showing (the reference's
// operations are the OpenAPI document's English by design: axe only there).
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... node developers.mjs
import assert from "node:assert/strict";
import { audit, assertTranslated } from "./checks.mjs";
import { base, shots, password, launch } from "./setup.mjs";

const browser = await launch();

const runs = [
  { name: "desktop-en", lang: "en", viewport: { width: 1280, height: 900 }, mobile: false },
  { name: "phone-zh", lang: "zh-CN", viewport: { width: 360, height: 780 }, mobile: true },
];

async function journey(run) {
  const zh = run.lang === "zh-CN";
  const check = async (page, what) => {
    await audit(page, `${what} (${run.name})`);
    if (zh) await assertTranslated(page, `${what} (${run.name})`);
  };
  const shot = (page, what) => page.screenshot({ path: `${shots}/developers-${what}-${run.name}.png`, fullPage: true });
  const context = await browser.newContext({
    viewport: run.viewport,
    isMobile: run.mobile,
    hasTouch: run.mobile,
    locale: zh ? "zh-CN" : "en-GB",
    extraHTTPHeaders: { "Accept-Language": zh ? "zh-CN" : "en-GB" },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const name = `Books ${run.name} ${Date.now()}`;

  await page.goto(`${base}/account/sign-in?next=%2Fdashboard`);
  await page.locator("#email").fill("organizer@demo.tessera.dev");
  await page.locator("#password").fill(password);
  await page.locator("main form button[type=submit]").click();
  await page.waitForURL(/\/dashboard\/orgs\/[^/]+\/overview$/);
  const orgPath = new URL(page.url()).pathname.replace(/\/overview$/, "");

  // ----- an API token -----
  await page.goto(`${base}${orgPath}/tokens`);
  await check(page, "tokens");
  await page.locator("form[action$='/tokens'] button[type=submit]").click();
  await page.locator(".error-summary").waitFor();
  assert.equal(await page.locator("#name").getAttribute("aria-invalid"), "true");
  await check(page, "tokens, refused");
  await page.locator("#name").fill(name);
  await page.locator("#role").selectOption("staff");
  await page.locator("#expires_in_days").fill("30");
  await page.locator("form[action$='/tokens'] button[type=submit]").click();
  await page.waitForURL(/\/tokens\?done=token-created$/);
  const secret = await page.locator("#new-secret").inputValue();
  assert.match(secret, /^tsr_/);
  await shot(page, "token-secret");
  await check(page, "tokens, the new secret");
  await page.reload();
  assert.equal(await page.locator("#new-secret").count(), 0, "the secret is shown once");
  const row = page.locator("tr", { hasText: name });
  await row.locator("details.confirm > summary").click();
  await check(page, "tokens, revoking asks");
  await row.locator("details.confirm[open] button[type=submit]").click();
  await page.waitForURL(/\/tokens\?done=token-revoked$/);
  await page.locator("tr", { hasText: name }).locator(".badge-bad").waitFor();
  await check(page, "tokens, revoked");

  // ----- a webhook endpoint -----
  await page.goto(`${base}${orgPath}/webhooks`);
  await check(page, "webhooks");
  await page.locator("#url").fill("ftp://hooks.example.org/tessera");
  await page.locator("#description").fill(name);
  await page.locator("form[action$='/webhooks'] button[type=submit]").click();
  await page.locator("#url-error").waitFor();
  await page.locator("#event_types-error").waitFor();
  assert.equal(await page.locator("#description").inputValue(), name, "a refused form keeps what was typed");
  await check(page, "webhooks, refused");
  await page.locator("#url").fill("https://hooks.example.org/tessera");
  await page.locator("[id='topic.order.paid']").check();
  await page.locator("form[action$='/webhooks'] button[type=submit]").click();
  await page.waitForURL(/\/webhooks\/[^/?]+\?done=endpoint-created$/);
  const endpoint = new URL(page.url()).pathname;
  assert.match(await page.locator("#new-secret").inputValue(), /^whsec_/);
  await shot(page, "endpoint-secret");
  await check(page, "endpoint, the new secret");
  await page.goto(`${base}${endpoint}`);
  assert.equal(await page.locator("#new-secret").count(), 0, "the signing secret is shown once");
  await page.locator("[id='topic.order.paid']").uncheck();
  await page.locator(`form[action='${endpoint}'] button[type=submit]`).click();
  await page.locator("#event_types-error").waitFor();
  await check(page, "endpoint, refused edit");
  await page.locator("details.confirm > summary").click();
  await check(page, "endpoint, deleting asks");
  await page.locator("details.confirm[open] button[type=submit]").click();
  await page.waitForURL(/\/webhooks\?done=endpoint-deleted$/);
  assert.equal(await page.locator("tr", { hasText: name }).count(), 0);
  await check(page, "webhooks, deleted");

  // ----- the API reference -----
  await page.goto(`${base}/api/v1/docs`);
  assert.equal(await page.locator("html").getAttribute("lang"), zh ? "zh-CN" : "en");
  await page.locator("#schemas").waitFor();
  await audit(page, `API reference (${run.name})`);
  await shot(page, "reference");
  await context.close();
  console.log(`developers (${run.name}): token and endpoint made, secrets shown once, refused, revoked, deleted: ok`);
}

try {
  for (const run of runs) await journey(run);
} finally {
  await browser.close();
}
