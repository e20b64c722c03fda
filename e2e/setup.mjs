// What every browser journey starts from: the server's address, where
// screenshots go, the demo organizer's password (printed by `serve --demo`),
// and Debian's Chromium launched headless.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";

export const base = process.env.BASE;
export const shots = process.env.SHOTS ?? "screenshots";
export const password = process.env.DEMO_PASSWORD;
assert.ok(base, "BASE is the server's URL");
assert.ok(password, "DEMO_PASSWORD is the demo organizer's password (printed by serve --demo)");
mkdirSync(shots, { recursive: true });

/** Chromium, headless, with `args` added to the usual ones. */
export function launch(args = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", ...args],
  });
}
