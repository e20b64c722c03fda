"""A real SMTP server for Tessera's tests (see tessera-mail's testing module).

Usage: python smtp_sink.py OUTDIR

Listens on 127.0.0.1 on a port the OS picks, prints that port on one line of
stdout, and stores every message it accepts as OUTDIR/NNNNNN.eml (the raw
bytes) and OUTDIR/NNNNNN.env (the envelope: MAIL FROM on the first line, one
RCPT TO per following line). The .env file is written last, atomically, so a
reader that sees it can read both.

Recipients at two reserved domains get error replies, so clients can test
how they handle them: @reject.test gets 550 (permanent), @defer.test gets 451
(transient).

It exits when its stdin closes, so it dies with the test process that
started it even if that process is killed.
"""

import asyncio
import os
import sys
import threading

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain == "reject.test":
            return "550 5.1.1 Mailbox unavailable (sink rejects reject.test)"
        if domain == "defer.test":
            return "451 4.3.0 Try again later (sink defers defer.test)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.outdir, "%06d" % self.count)
        write_atomically(stem + ".eml", envelope.original_content or envelope.content)
        lines = [envelope.mail_from] + list(envelope.rcpt_tos)
        write_atomically(stem + ".env", ("\n".join(lines) + "\n").encode("utf-8"))
        return "250 2.0.0 Message accepted"


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    outdir = sys.argv[1]
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Sink(outdir)
    # hostname is given so aiosmtpd does not look up the machine's FQDN,
    # which can take seconds without DNS.
    server = loop.run_until_complete(
        loop.create_server(
            lambda: SMTP(handler, decode_data=False, enable_SMTPUTF8=True, hostname="sink.test"),
            host="127.0.0.1",
            port=0,
        )
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    loop.run_forever()


if __name__ == "__main__":
    main()
