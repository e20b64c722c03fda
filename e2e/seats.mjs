// Reserved seating in Debian's Chromium: a buyer on a phone picks two seats
// on the SVG map by tapping, pays in the sandbox and sees the seats on the
// tickets; the best-available button fills the form; a keyboard-only buyer
// chooses through the list of seats; the organizer blocks a seat on the
// dashboard's seat page and the storefront then shows it unavailable (live,
// on a buyer's open page, and on a fresh one). Then, at phone and desktop
// width, in English and Chinese, the organizer draws a new venue's seat map
// in the editor (rows added, a category set on a selection, a box dragged),
// saves it, sells an event by seat from its seat page and finds the drawn
// seats on the event's seat picker; and visits the event's image page.
// Usage: BASE=http://127.0.0.1:PORT SHOTS=dir DEMO_PASSWORD=... node seats.mjs
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";
import { audit, assertTranslated } from "./checks.mjs";

const base = process.env.BASE;
const shots = process.env.SHOTS ?? "screenshots";
const password = process.env.DEMO_PASSWORD;
assert.ok(base, "BASE is the server's URL");
assert.ok(password, "DEMO_PASSWORD is the demo organizer's password (serve --demo prints it)");
mkdirSync(shots, { recursive: true });

const phone = { viewport: { width: 360, height: 780 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const desktop = { viewport: { width: 1280, height: 900 } };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
});

async function open(options) {
  const context = await browser.newContext({ ...options, locale: "en-GB" });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { context, page, errors };
}

/** The play's event id, its map document and its seat statuses now. */
async function seating(page) {
  const events = await (await page.request.get(`${base}/api/v1/events`)).json();
  const play = events.items.find((e) => e.title === "The Glass Menagerie");
  assert.ok(play, "the demo's seated play");
  const doc = await (await page.request.get(`${base}/api/v1/events/${play.id}/seat-map`)).json();
  const { statuses } = await (await page.request.get(`${base}/api/v1/events/${play.id}/seats`)).json();
  const seats = [];
  for (const s of doc.sections)
    for (const r of s.rows)
      for (const seat of r.seats)
        seats.push({ ...seat, section: s.label, row: r.label, category: seat.category ?? r.category ?? s.category });
  seats.forEach((s, i) => (s.status = statuses[i]));
  return { id: play.id, seats };
}

const label = (s) => `${s.section} · Row ${s.row} · Seat ${s.label}`;

/** Where a seat of the map is on the screen now. */
function onScreen(page, seat) {
  return page.evaluate(([x, y]) => {
    const svg = document.querySelector("svg.seatmap:not(.moving)");
    const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
    return { x: p.x, y: p.y };
  }, [seat.x, seat.y]);
}

/** Taps (or clicks) a seat on the map until it is chosen: a first tap on a
 * zoomed-out map zooms in around the finger. */
async function pickOnMap(page, seat, touch) {
  const summary = page.locator(".seat-summary, .seat-info");
  for (let attempt = 0; attempt < 4; attempt++) {
    await page.locator("svg.seatmap").scrollIntoViewIfNeeded();
    await page.locator("svg.seatmap:not(.moving)").waitFor();
    const p = await onScreen(page, seat);
    if (touch) await page.touchscreen.tap(p.x, p.y);
    else await page.mouse.click(p.x, p.y);
    await page.waitForTimeout(200);
    const checked = await page.locator(`input[name=seat][value="${seat.id}"]`).evaluate((i) => i.checked).catch(() => false);
    if (checked) return;
  }
  assert.fail(`could not choose ${label(seat)} on the map: ${await summary.allTextContents()}`);
}

/** The first two neighbouring free seats of a zone, from the middle of a row. */
function twoTogether(seats, zone) {
  const byRow = new Map();
  for (const s of seats) {
    if (s.category !== zone) continue;
    const key = `${s.section}/${s.row}`;
    if (!byRow.has(key)) byRow.set(key, []);
    byRow.get(key).push(s);
  }
  for (const row of [...byRow.values()].slice(2)) {
    const mid = Math.floor(row.length / 2);
    for (let k = mid; k + 1 < row.length; k++) if (row[k].status === "a" && row[k + 1].status === "a") return [row[k], row[k + 1]];
  }
  throw new Error(`no two free seats together in ${zone}`);
}

async function payInSandbox(page) {
  await page.getByRole("heading", { name: "Your order" }).waitFor();
  await page.getByRole("button", { name: /^Pay / }).click();
  await page.getByRole("heading", { name: "Sandbox payment" }).waitFor();
  await page.getByLabel("Payment succeeds").check();
  await page.getByRole("button", { name: /^Pay / }).click();
  await page.getByRole("link", { name: "Back to the order" }).click();
  await page.getByRole("heading", { name: "Tickets" }).waitFor();
}

try {
  // 1. A phone: two seats tapped on the map, paid, on the tickets.
  {
    const { context, page, errors } = await open(phone);
    await page.goto(`${base}/`);
    await page.getByRole("link", { name: "The Glass Menagerie" }).click();
    await page.locator("#seatmap[data-ready]").waitFor();
    const { seats } = await seating(page);
    const [a, b] = twoTogether(seats, "Stalls");
    await page.locator("svg.seatmap").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/seatmap-map-phone.png` });
    await pickOnMap(page, a, true);
    await pickOnMap(page, b, true);
    const summary = await page.locator(".seat-summary").textContent();
    assert.ok(summary.includes(label(a)) && summary.includes(label(b)), summary);
    assert.ok(summary.includes("€90.00"), `two Stalls seats cost €90.00: ${summary}`);
    assert.ok(await page.getByLabel("The seats I chose").isChecked(), "choosing on the map picks the seats mode");
    await page.locator("svg.seatmap").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/seatmap-chosen-phone.png` });
    await page.getByLabel("Name on the tickets").fill("Laura Wingfield");
    await page.getByLabel("E-mail").fill("laura@example.org");
    await page.getByRole("button", { name: "Reserve", exact: true }).click();
    await payInSandbox(page);
    const tickets = await page.locator("main").textContent();
    for (const s of [a, b]) assert.ok(tickets.includes(label(s)), `${label(s)} on the tickets: ${tickets}`);
    await page.screenshot({ path: `${shots}/seatmap-order-phone.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
    console.log("seats tapped on the phone map, paid, on the tickets: ok");
  }

  // 2. The best-available button fills the form's best-available fields.
  {
    const { context, page, errors } = await open(desktop);
    const { id } = await seating(page);
    await page.goto(`${base}/events/${id}`);
    await page.locator("#seatmap[data-ready]").waitFor();
    await page.locator("svg.seatmap").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/seatmap-map-desktop.png` });
    await page.getByRole("button", { name: "Best available" }).click();
    assert.equal(await page.getByLabel("How many seats").inputValue(), "2");
    assert.ok(await page.getByLabel("The best available seats").isChecked());
    assert.ok(await page.getByLabel("How many seats").evaluate((i) => i === document.activeElement), "focus moves to the count");
    await page.getByLabel("Price zone").selectOption("Balcony");
    await page.getByLabel("How many seats").fill("3");
    await page.getByLabel("Name on the tickets").fill("Tom Wingfield");
    await page.getByLabel("E-mail").fill("tom@example.org");
    await page.getByRole("button", { name: "Reserve", exact: true }).click();
    await page.getByRole("heading", { name: "Your order" }).waitFor();
    const row = page.locator("tbody tr").filter({ hasText: "Balcony" });
    assert.equal((await row.locator("td").nth(1).textContent()).trim(), "3");
    await page.screenshot({ path: `${shots}/seatmap-best-desktop.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
    console.log("best available from the map's button: ok");
  }

  // 3. Keyboard only, through the list of seats.
  {
    const { context, page, errors } = await open(desktop);
    const { id } = await seating(page);
    await page.goto(`${base}/events/${id}`);
    await page.locator("#seatmap[data-ready]").waitFor();
    const isSummary = () => page.evaluate(() => document.activeElement?.matches("#seat-list > summary") ?? false);
    for (let i = 0; i < 40 && !(await isSummary()); i++) await page.keyboard.press("Tab");
    assert.ok(await isSummary(), "the list of seats is reachable by Tab");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab"); // the skip link
    await page.keyboard.press("Tab"); // the list: one stop
    const focused = () => page.evaluate(() => ({ id: document.activeElement.value, name: document.activeElement.name }));
    const first = await focused();
    assert.equal(first.name, "seat");
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowRight");
    const second = await focused();
    await page.keyboard.press("Space");
    assert.notEqual(first.id, second.id);
    const summary = await page.locator(".seat-summary").textContent();
    assert.ok(summary.includes("Seats: 2"), summary);
    await page.screenshot({ path: `${shots}/seatmap-list-desktop.png` });
    await page.keyboard.press("Tab"); // out of the list
    assert.equal(await page.evaluate(() => document.activeElement.id), "count");
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement.id)) !== "name"; i++) await page.keyboard.press("Tab");
    await page.keyboard.type("Amanda Wingfield");
    await page.keyboard.press("Tab");
    await page.keyboard.type("amanda@example.org");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Your order" }).waitFor();
    const { seats } = await seating(page);
    for (const sid of [first.id, second.id]) assert.equal(seats.find((s) => s.id === sid).status, "h", "the chosen seats are held");
    assert.deepEqual(errors, []);
    await context.close();
    console.log("keyboard-only choice through the list of seats: ok");
  }

  // 4. The organizer blocks a seat; the storefront shows it unavailable.
  {
    const { context, page, errors } = await open(desktop);
    const { id, seats } = await seating(page);
    await page.goto(`${base}/account/sign-in`);
    await page.getByLabel("E-mail").fill("organizer@demo.tessera.dev");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/account/sign-in"));
    const orgs = await page.evaluate(async () => (await fetch("/api/v1/orgs")).json());
    const org = orgs.find((o) => o.slug === "demo").id;
    const seatsPage = `${base}/dashboard/orgs/${org}/events/${id}/seats`;
    await page.goto(seatsPage);
    await page.locator("#seatmap[data-ready]").waitFor();
    const free = seats.filter((s) => s.status === "a");
    const target = free[Math.floor(free.length / 3)];
    // A buyer on a phone has the seat in mind, chosen on the map but not reserved.
    const buyer = await open(phone);
    await buyer.page.goto(`${base}/events/${id}`);
    await buyer.page.locator("#seatmap[data-ready]").waitFor();
    await pickOnMap(buyer.page, target, true);

    await pickOnMap(page, target, false);
    await page.getByRole("button", { name: "Block chosen seats" }).click();
    await page.locator(".seat-info").filter({ hasText: "One seat blocked." }).waitFor();
    // The buyer's page hears of it on the availability stream: the seat
    // leaves the choice, with a message, and cannot be ticked any more.
    await buyer.page.locator(".seat-info").filter({ hasText: `${label(target)} was just taken by someone else.` }).waitFor();
    assert.ok(await buyer.page.locator(`input[name=seat][value="${target.id}"]`).isDisabled(), "a blocked seat cannot be chosen");
    assert.ok(!(await buyer.page.locator(".seat-summary").textContent()).includes(label(target)));
    assert.deepEqual(buyer.errors, []);
    await buyer.context.close();
    await page.screenshot({ path: `${shots}/seatmap-dashboard-desktop.png`, fullPage: true });
    // Who holds what: hovering a sold seat names its order and buyer.
    const sold = (await seating(page)).seats.find((s) => s.status === "s");
    if (sold) {
      await page.locator("svg.seatmap").scrollIntoViewIfNeeded();
      const p = await onScreen(page, sold);
      await page.mouse.move(p.x, p.y);
      await page.locator(".seat-info").filter({ hasText: /Order [0-9A-Z]+/ }).waitFor();
    }
    assert.ok((await page.locator("table.taken").textContent()).includes("laura@example.org"), "the buyer in the table");

    const later = await open(phone);
    await later.page.goto(`${base}/events/${id}`);
    assert.ok(await later.page.locator(`input[name=seat][value="${target.id}"]`).isDisabled(), "and not on a fresh page");
    const after = await seating(later.page);
    assert.equal(after.seats.find((s) => s.id === target.id).status, "b");
    await later.context.close();

    await page.setViewportSize(phone.viewport);
    await page.goto(seatsPage);
    await page.locator("#seatmap[data-ready]").waitFor();
    await page.screenshot({ path: `${shots}/seatmap-dashboard-phone.png`, fullPage: true });
    // And release it again, so that the demo stays as it was.
    await pickOnMap(page, target, false);
    await page.getByRole("button", { name: "Release chosen seats" }).click();
    await page.locator(".seat-info").filter({ hasText: "One seat released." }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
    console.log("organizer blocks a seat, the storefront shows it unavailable: ok");
  }

  // 5. The seat-map editor: draw, set a category, save, sell by seat, see the seats.
  for (const [size, viewport] of [["phone", phone], ["desktop", desktop]]) {
    for (const lang of ["en", "zh-CN"]) {
      const zh = lang === "zh-CN";
      const { context, page, errors } = await open(viewport);
      await page.goto(`${base}/account/sign-in?lang=en`);
      await page.getByLabel("E-mail").fill("organizer@demo.tessera.dev");
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => !u.pathname.startsWith("/account/sign-in"));
      await page.goto(`${base}/dashboard?lang=${lang}`);
      const api = (method, path, body) =>
        page.evaluate(
          async ([method, path, body]) => {
            const csrf = document.querySelector("meta[name=csrf-token]")?.content ?? "";
            const r = await fetch(path, {
              method,
              headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": csrf },
              body: body === undefined ? undefined : JSON.stringify(body),
            });
            return { status: r.status, body: await r.json().catch(() => null) };
          },
          [method, path, body],
        );
      const orgs = (await api("GET", "/api/v1/orgs")).body;
      const org = orgs.find((o) => o.slug === "demo").id;
      const venue = await api("POST", `/api/v1/orgs/${org}/venues`, {
        name: `Editor hall ${size} ${lang}`,
        address: "Probenstraße 2, Berlin",
        timezone: "Europe/Berlin",
        capacity: 100,
      });
      assert.equal(venue.status, 201, JSON.stringify(venue.body));
      const editor = `${base}/dashboard/orgs/${org}/venues/${venue.body.id}/seat-map/edit`;
      await page.goto(editor);
      await page.locator("#seat-editor[data-ready]").waitFor();
      await audit(page, `seat-map editor, empty, ${size}, ${lang}`);
      if (zh) await assertTranslated(page, `seat-map editor, ${size}`);

      // Two rows with the form (the script adds them to the drawing).
      const section = zh ? "池座" : "Stalls";
      for (const [row, category] of [["A", "Front"], ["B", "Front"]]) {
        await page.locator("#section").fill(section);
        await page.locator("#row").fill(row);
        await page.locator("#seats").fill("8");
        await page.locator("#curve").fill("0.5");
        await page.locator("#category").fill(category);
        await page.locator("#add-row button[type=submit]").click();
      }
      assert.equal(await page.locator("circle.editor-seat").count(), 16);
      // Row B is selected as added: it becomes the back category.
      assert.equal(await page.locator("circle.editor-seat.selected").count(), 8);
      await page.locator("#tool-category").fill("Back");
      await page.locator("[data-tool=category]").click();
      // The first seat marked as a wheelchair space, by keyboard.
      await page.locator("[data-tool=none]").click();
      await page.locator("svg.editor-svg").focus();
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("Space");
      assert.equal(await page.locator("circle.editor-seat.selected").count(), 1);
      await page.locator("[data-flag=wheelchair]").check();
      await page.locator("[data-tool=flags]").click();
      await page.locator("[data-flag=wheelchair]").uncheck();
      if (size === "desktop") {
        // A box dragged over the whole drawing selects every seat.
        const box = await page.locator("svg.editor-svg").boundingBox();
        await page.mouse.move(box.x + 2, box.y + 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
        await page.mouse.move(box.x + box.width - 2, box.y + box.height - 2, { steps: 4 });
        await page.mouse.up();
        assert.equal(await page.locator("circle.editor-seat.selected").count(), 16);
        await page.locator("[data-tool=none]").click();
      }
      await page.screenshot({ path: `${shots}/seat-editor-${size}-${lang}.png`, fullPage: true });
      await page.locator("[data-tool=save]").click();
      await page.locator("#seat-editor[data-saved='16']").waitFor();
      await audit(page, `seat-map editor, drawn, ${size}, ${lang}`);
      const summary = (await api("GET", `/api/v1/orgs/${org}/venues/${venue.body.id}/seat-map`)).body;
      assert.deepEqual(summary.categories, { Back: 8, Front: 8 }, JSON.stringify(summary));
      await page.reload();
      await page.locator("#seat-editor[data-ready]").waitFor();
      assert.equal(await page.locator("circle.editor-seat").count(), 16, "the saved map is drawn again");

      // An event at the hall, sold by seat from its seat page.
      const start = new Date(Date.now() + 20 * 86400e3);
      const event = await api("POST", `/api/v1/orgs/${org}/events`, {
        venue_id: venue.body.id,
        title: `Drawn seats ${size} ${lang}`,
        category: "theatre",
        starts_at: start.toISOString(),
        ends_at: new Date(start.getTime() + 2 * 3600e3).toISOString(),
      });
      assert.equal(event.status, 201, JSON.stringify(event.body));
      const ev = event.body.id;
      for (const [name, price] of [["Front", 3000], ["Back", 1500]]) {
        const quota = await api("POST", `/api/v1/orgs/${org}/events/${ev}/quotas`, { name, capacity: 8 });
        const tt = await api("POST", `/api/v1/orgs/${org}/events/${ev}/ticket-types`, {
          name, price_minor: price, currency: "EUR", max_per_order: 8, quota_ids: [quota.body.id],
        });
        assert.equal(tt.status, 201, JSON.stringify(tt.body));
      }
      await page.goto(`${base}/dashboard/orgs/${org}/events/${ev}/seats`);
      await page.locator("form.seat-setup").waitFor();
      await audit(page, `sell by seat, ${size}, ${lang}`);
      if (zh) await assertTranslated(page, `sell by seat, ${size}`);
      await page.locator("form.seat-setup button[type=submit]").click();
      await page.locator("#seatmap[data-ready]").waitFor();
      await audit(page, `event seats, ${size}, ${lang}`);
      if (zh) await assertTranslated(page, `event seats, ${size}`);
      assert.equal((await api("POST", `/api/v1/orgs/${org}/events/${ev}/publish`, {})).status, 200);

      // The buyer's seat picker offers the drawn seats.
      await page.goto(`${base}/events/${ev}`);
      await page.locator("#seatmap[data-ready]").waitFor();
      assert.equal(await page.locator("input[name=seat]").count(), 16);
      assert.equal(await page.locator("input[name=seat]:disabled").count(), 0);
      await page.locator("svg.seatmap").scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${shots}/seat-editor-picker-${size}-${lang}.png` });

      // The event's image page.
      await page.goto(`${base}/dashboard/orgs/${org}/events/${ev}/image`);
      await page.locator("input#image[type=file]").waitFor();
      await audit(page, `event image, ${size}, ${lang}`);
      if (zh) await assertTranslated(page, `event image, ${size}`);
      await page.screenshot({ path: `${shots}/event-image-${size}-${lang}.png`, fullPage: true });
      assert.deepEqual(errors, []);
      await context.close();
      console.log(`seat-map editor journey, ${size}, ${lang}: ok`);
    }
  }
} finally {
  await browser.close();
}
