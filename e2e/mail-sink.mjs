// An SMTP server on loopback for the browser tests: the tessera server under
// test sends its e-mails here (security "none", no authentication), and each
// message is written as it arrived to MAIL_DIR/<time>-<n>.eml, where the
// journeys read them with mailbox.mjs.
// Usage: MAIL_DIR=dir SMTP_PORT=2525 node mail-sink.mjs
import { SMTPServer } from "smtp-server";
import { mkdirSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.MAIL_DIR;
const port = Number(process.env.SMTP_PORT ?? 2525);
if (!dir) throw new Error("MAIL_DIR is where messages are written");
mkdirSync(dir, { recursive: true });
let n = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  // Loopback only, and nothing kept in memory beyond one message.
  size: 10 * 1024 * 1024,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => {
      const name = `${Date.now()}-${String(++n).padStart(5, "0")}.eml`;
      // Written under a temporary name and renamed, so readers never see half a message.
      const tmp = join(dir, `.${name}`);
      writeFileSync(tmp, Buffer.concat(chunks));
      renameSync(tmp, join(dir, name));
      callback();
    });
  },
});
server.on("error", (e) => console.error("mail sink:", e.message));
server.listen(port, "127.0.0.1", () => console.log(`mail sink on 127.0.0.1:${port}, writing to ${dir}`));
