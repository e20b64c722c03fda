// Checks every journey runs on its pages: accessibility (axe-core) and, on
// Chinese pages, that no English text of the catalogs shows through.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core on the page; fails on serious or critical violations. */
export async function audit(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `${what}: ${JSON.stringify(bad, null, 1)}`);
  const minor = result.filter((v) => !bad.includes(v));
  console.log(`axe ${what}: no serious or critical violations${minor.length ? ` (minor: ${minor.map((v) => v.id).join(", ")})` : ""}`);
}

/** The literal text of each message of a language's catalogs, by id (placeables cut out). */
function catalog(lang) {
  const root = new URL(`../crates/tessera-i18n/locales/${lang}/`, import.meta.url);
  const out = new Map();
  for (const f of readdirSync(root).filter((f) => f.endsWith(".ftl"))) {
    let id = null;
    for (const line of readFileSync(new URL(f, root), "utf8").split("\n")) {
      const m = line.match(/^([a-z][a-z0-9-]*)\s*=\s*(.*)$/);
      if (m) {
        id = m[1];
        out.set(id, m[2]);
      } else if (id && /^\s+\S/.test(line) && !/^\s*[[*]/.test(line) && !/^\s*}/.test(line)) {
        out.set(id, `${out.get(id)} ${line.trim()}`);
      } else if (!/^\s/.test(line)) {
        id = null;
      }
    }
  }
  return out;
}

// English phrases worth looking for: the literal parts of each message, at
// least two words and ten letters, that the Chinese catalog does not use too.
const phrases = (() => {
  const en = catalog("en");
  const zh = [...catalog("zh-CN").values()].join("\n");
  const found = new Set();
  for (const text of en.values()) {
    for (const part of text.split(/\{[^}]*\}?/)) {
      const p = part.replace(/[[\]*]\S*/g, "").trim();
      if (p.split(/\s+/).length >= 2 && p.replace(/[^A-Za-z]/g, "").length >= 10 && !zh.includes(p)) found.add(p);
    }
  }
  return [...found];
})();

/**
 * On a page of a Chinese session: fails when the visible text, or the
 * labels read to assistive technology, contain English text of the catalogs.
 */
export async function assertTranslated(page, what) {
  const text = await page.evaluate(() => {
    const attrs = [...document.querySelectorAll("[aria-label],[placeholder],[title],[alt],input[type=submit],input[type=button]")]
      .map((e) => [e.getAttribute("aria-label"), e.getAttribute("placeholder"), e.getAttribute("title"), e.getAttribute("alt"), e.type === "submit" || e.type === "button" ? e.value : ""].join("\n"));
    return `${document.title}\n${document.body.innerText}\n${attrs.join("\n")}`;
  });
  const left = phrases.filter((p) => text.includes(p));
  assert.deepEqual(left, [], `${what}: English catalog text on a Chinese page`);
}
