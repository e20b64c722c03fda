// Reads the messages the mail sink (mail-sink.mjs) wrote to MAIL_DIR.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";

const dir = () => {
  const d = process.env.MAIL_DIR;
  if (!d) throw new Error("MAIL_DIR is where the mail sink writes (see .ci/run)");
  return d;
};

/** Every message so far, oldest first: { to, subject, text, html, links }. */
export async function messages() {
  const names = readdirSync(dir()).filter((f) => f.endsWith(".eml") && !f.startsWith(".")).sort();
  const out = [];
  for (const name of names) {
    const m = await simpleParser(readFileSync(join(dir(), name)));
    const text = m.text ?? "";
    const html = typeof m.html === "string" ? m.html : "";
    const links = [...new Set([...`${text}\n${html}`.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((x) => x[0].replace(/&amp;/g, "&")))];
    out.push({ file: name, to: (m.to?.value ?? []).map((a) => a.address.toLowerCase()), subject: m.subject ?? "", text, html, links });
  }
  return out;
}

/**
 * Waits (up to timeoutMs) for a message to `to` whose subject matches
 * `subject` (a RegExp or a substring) and that is not among `seen` files,
 * and returns it.
 */
export async function waitForMail({ to, subject = "", timeoutMs = 15000, seen = [] }) {
  const deadline = Date.now() + timeoutMs;
  const want = to.toLowerCase();
  for (;;) {
    const found = (await messages()).find(
      (m) =>
        m.to.includes(want) &&
        !seen.includes(m.file) &&
        (subject instanceof RegExp ? subject.test(m.subject) : m.subject.includes(subject)),
    );
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
