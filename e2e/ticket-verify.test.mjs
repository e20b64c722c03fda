// The browser's ticket verifier (crates/tessera-web/assets/ticket-verify.js)
// against the golden vectors of docs/ticket-format.md, read from that file,
// and against damaged, forged and malformed codes, on both signature paths:
// WebCrypto's Ed25519 and the pure-JS one a phone on plain http falls back to.
// Run: node --test (in e2e/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import {
  CodeError,
  MAX_CODE_CHARS,
  base32Decode,
  decideOffline,
  decodeCode,
  hasWebCryptoEd25519,
  hex,
  keyIdOf,
  keyRing,
  sha256,
  sha512,
  unhex,
  verifyCode,
  verifyEd25519,
} from "../crates/tessera-web/assets/ticket-verify.js";

const ENGINES = ["js", "webcrypto"];

// ----- the golden vectors, parsed from the format document -----

const doc = readFileSync(new URL("../docs/ticket-format.md", import.meta.url), "utf8");
const vectors = [...doc.matchAll(/```vector\n([\s\S]*?)```/g)].map(([, block]) => {
  const v = {};
  for (const line of block.trim().split("\n")) {
    const at = line.indexOf(": ");
    v[line.slice(0, at)] = line.slice(at + 2);
  }
  v.label = JSON.parse(v.label);
  return v;
});

const bound = (s) => (s === "none" ? null : Number(s));

// The invalid vectors: each with the verdict a verifier must give.
const invalid = [...doc.matchAll(/```invalid\n([\s\S]*?)```/g)].map(([, block]) => {
  const v = {};
  for (const line of block.trim().split("\n")) {
    const at = line.indexOf(": ");
    v[line.slice(0, at)] = line.slice(at + 2);
  }
  if (v.code?.startsWith('"')) v.code = JSON.parse(v.code);
  return v;
});

// Our own encoder, to build codes the decoder must refuse.
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32(bytes) {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}
const codeOf = (bytes) => `TK1-${base32(bytes)}`;
const bytesOf = (v) => unhex(v.bytes);
const ringOf = (...vs) => keyRing(vs.map((v) => ({ key_id: v.key_id, public_key: v.public_key })));

test("the format document has its three golden vectors", () => {
  assert.equal(vectors.length, 3);
});

for (const engine of ENGINES) {
  test(`[${engine}] the invalid vectors get exactly their verdicts`, async () => {
    assert.ok(invalid.length >= 20, `found ${invalid.length} invalid vectors`);
    for (const v of invalid) {
      if (v.verdict === "key_refused") {
        const pk = unhex(v.public_key);
        const { keys, rejected } = keyRing([{ key_id: keyIdOf(pk), public_key: v.public_key }]);
        assert.equal(keys.size, 0, `${v.case}: the key must be refused`);
        assert.equal(rejected.length, 1);
        if (v.code) {
          // Held anyway, the key verifies nothing.
          const held = { keys: new Map([[keyIdOf(pk), pk]]), rejected: [] };
          assert.equal((await verifyCode(v.code, held, engine)).result, "invalid_signature", v.case);
        }
        continue;
      }
      const ring = ringOf(...v.keys.split(" ").map((n) => vectors[Number(n) - 1]));
      const r = await verifyCode(v.code, ring, engine);
      let verdict = r.result === "ok" ? "valid" : r.result;
      if (r.result === "ok" && v.now) {
        const now = Number(v.now);
        if (r.claims.validFrom !== null && now < r.claims.validFrom) verdict = "not_yet_valid";
        else if (r.claims.validUntil !== null && now >= r.claims.validUntil) verdict = "expired";
      }
      assert.equal(verdict, v.verdict, v.case);
    }
  });
}

test("SHA-256 and SHA-512 agree with Node's at every padding boundary", () => {
  for (const n of [0, 1, 3, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 255, 256, 1000]) {
    const m = randomBytes(n);
    assert.equal(hex(sha256(m)), createHash("sha256").update(m).digest("hex"), `sha256 of ${n} bytes`);
    assert.equal(hex(sha512(m)), createHash("sha512").update(m).digest("hex"), `sha512 of ${n} bytes`);
  }
});

test("the golden vectors decode to their claims and bytes", () => {
  for (const v of vectors) {
    assert.equal(hex(base32Decode(v.code.slice(4))), v.bytes);
    const d = decodeCode(v.code);
    assert.equal(d.keyId, v.key_id);
    assert.deepEqual(d.claims, {
      ticketId: v.ticket_id,
      eventId: v.event_id,
      ticketTypeId: v.ticket_type_id,
      issuedAt: Number(v.issued_at),
      validFrom: bound(v.valid_from),
      validUntil: bound(v.valid_until),
      label: v.label,
    });
    assert.equal(keyIdOf(unhex(v.public_key)), v.key_id);
  }
});

test("this Node has WebCrypto Ed25519, so both paths are tested", async () => {
  assert.equal(await hasWebCryptoEd25519(), true);
});

for (const engine of ENGINES) {
  test(`[${engine}] the golden vectors verify`, async () => {
    const ring = ringOf(...vectors);
    for (const v of vectors) {
      const r = await verifyCode(v.code, ring, engine);
      assert.equal(r.result, "ok", v.code);
      assert.equal(r.keyId, v.key_id);
    }
  });

  test(`[${engine}] a changed signature or payload byte is an invalid signature`, async () => {
    const ring = ringOf(...vectors);
    for (const v of vectors) {
      const b = bytesOf(v);
      for (const at of [b.length - 1, b.length - 40, b.length - 64, 20, 60]) {
        const t = b.slice();
        t[at] ^= 0x01;
        assert.equal((await verifyCode(codeOf(t), ring, engine)).result, "invalid_signature", `byte ${at}`);
      }
    }
  });

  test(`[${engine}] a signature made by another key is an invalid signature`, async () => {
    // Vector 2's payload with vector 1's key id and signature: the key is known, the signature is not its.
    const [v1, v2] = vectors;
    const b = bytesOf(v2);
    b.set(unhex(v1.key_id), 1);
    assert.equal((await verifyCode(codeOf(b), ringOf(v1, v2), engine)).result, "invalid_signature");
  });

  test(`[${engine}] a non-canonical S (S + L) is refused`, async () => {
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    for (const v of vectors) {
      const b = bytesOf(v);
      const sAt = b.length - 32;
      let s = 0n;
      for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(b[sAt + i]);
      s += L;
      for (let i = 0; i < 32; i++, s >>= 8n) b[sAt + i] = Number(s & 0xffn);
      assert.equal((await verifyCode(codeOf(b), ringOf(v), engine)).result, "invalid_signature");
    }
  });

  test(`[${engine}] small-order keys and R are refused`, async () => {
    // With the identity as public key, R = [s]B and S = s satisfy the
    // unstrict equation [S]B = R + [k]A for any message. The golden key
    // 1's public key is [a]B for its clamped secret scalar a.
    const v = vectors[0];
    const h = createHash("sha512").update(unhex(v.secret_key)).digest();
    h[0] &= 248;
    h[31] &= 127;
    h[31] |= 64;
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let a = 0n;
    for (let i = 31; i >= 0; i--) a = (a << 8n) | BigInt(h[i]);
    a %= L;
    const sig = new Uint8Array(64);
    sig.set(unhex(v.public_key), 0);
    for (let i = 0; i < 32; i++, a >>= 8n) sig[32 + i] = Number(a & 0xffn);
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const msg = new TextEncoder().encode("anything at all");
    assert.equal(await verifyEd25519(identity, msg, sig, engine), false, "identity as the key");
    // A point of order 2: (0, -1).
    const order2 = unhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    assert.equal(await verifyEd25519(order2, msg, sig, engine), false, "order-2 key");
    // A small-order R in an otherwise well-formed signature.
    const b = bytesOf(v);
    b.set(identity, b.length - 64);
    assert.equal((await verifyCode(codeOf(b), ringOf(v), engine)).result, "invalid_signature");
  });

  test(`[${engine}] a key that is not a point or not canonical is refused`, async () => {
    const v = vectors[0];
    const d = decodeCode(v.code);
    // y = p (non-canonical encoding of y = 0).
    const bad = unhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    assert.equal(await verifyEd25519(bad, d.message, d.signature, engine), false);
    assert.equal(await verifyEd25519(unhex(v.public_key).subarray(0, 31), d.message, d.signature, engine), false);
  });
}

test("a code whose key id is not in the ring is an unknown key, not an invalid signature", async () => {
  const [v1, v2] = vectors;
  const r = await verifyCode(v1.code, ringOf(v2), "js");
  assert.equal(r.result, "unknown_key");
  assert.equal(r.keyId, v1.key_id);
  assert.equal(r.claims.ticketId, v1.ticket_id);
});

test("key entries whose id is not the hash of their key are left out", async () => {
  const [v1, v2] = vectors;
  const { keys, rejected } = keyRing([
    { key_id: v1.key_id, public_key: v2.public_key },
    { key_id: v2.key_id, public_key: v2.public_key.toUpperCase() },
    { key_id: v2.key_id, public_key: v2.public_key.slice(2) },
    { key_id: v2.key_id },
    null,
    { key_id: v2.key_id, public_key: v2.public_key },
  ]);
  assert.deepEqual([...keys.keys()], [v2.key_id]);
  assert.equal(rejected.length, 5);
  // Vector 1's code names a key id that the ring refused to hold.
  assert.equal((await verifyCode(v1.code, { keys, rejected }, "js")).result, "unknown_key");
});

test("malformed forms are refused with the documented reason, in the documented order", () => {
  const v = vectors[1];
  const body = v.code.slice(4);
  const withBytes = (f) => {
    const b = bytesOf(v);
    f(b);
    return codeOf(b);
  };
  const cases = [
    ["", "malformed", "does not start"],
    ["tk1-" + body, "malformed", "does not start"],
    ["TK1" + body, "malformed", "does not start"],
    [" " + v.code, "malformed", "does not start"],
    ["TK2-" + body, "unsupported_version", "version 2"],
    ["TK9-AAAA", "unsupported_version", "version 9"],
    ["TK1-" + body.toLowerCase(), "malformed", "Base32"],
    [v.code + "=", "malformed", "Base32"],
    [v.code + " ", "malformed", "Base32"],
    [v.code + "\n", "malformed", "Base32"],
    ["TK1-" + body.slice(0, 10) + "1" + body.slice(11), "malformed", "Base32"],
    ["TK1-" + body + "AA", "malformed", "Base32"],
    // A different last character that only differs in the unused low bits.
    [v.code.slice(0, -1) + B32[B32.indexOf(v.code.at(-1)) | 1], "malformed", "Base32"],
    [codeOf(bytesOf(v).subarray(0, 133)), "malformed", "too short"],
    [withBytes((b) => (b[0] = 2)), "unsupported_version", "version 2"],
    [withBytes((b) => (b[69] = 49)), "malformed", "48 bytes"],
    [withBytes((b) => (b[69] = 22)), "malformed", "length does not match"],
    [codeOf([...bytesOf(v), 0]), "malformed", "length does not match"],
    [withBytes((b) => (b[70] = 0xff)), "malformed", "UTF-8"],
    [withBytes((b) => b.set([0x6b, 0x36, 0xec, 0x80], 65)), "malformed", "valid_from"],
    ["TK1-" + "A".repeat(MAX_CODE_CHARS), "malformed", "too long"],
  ];
  for (const [code, kind, why] of cases) {
    assert.throws(
      () => decodeCode(code),
      (e) => e instanceof CodeError && e.kind === kind && e.message.includes(why),
      `${JSON.stringify(code.slice(0, 40))} should be ${kind} (${why})`,
    );
  }
  // The version check comes before the length checks.
  assert.throws(() => decodeCode(codeOf(new Uint8Array(140).fill(7))), (e) => e.kind === "unsupported_version");
});

test("verifyCode reports malformed codes instead of throwing", async () => {
  const ring = ringOf(...vectors);
  assert.equal((await verifyCode("hello", ring)).result, "malformed");
  assert.equal((await verifyCode("TK3-ABC", ring)).result, "unsupported_version");
  assert.equal((await verifyCode(42, ring)).result, "malformed");
});

// ----- the offline decision -----

test("offline decisions follow the documented order, then the entry policy", () => {
  const claims = decodeCode(vectors[1].code).claims; // valid 1798761600 .. 1798848000
  const inside = claims.validFrom * 1000 + 3600_000;
  const list = {
    eventId: claims.eventId,
    ticketTypeIds: [],
    policy: "single",
    maxPerDay: null,
    timeZone: "Europe/Berlin",
    revoked: new Set(),
  };
  const entry = { at: inside, direction: "entry", gateId: "g1" };
  const d = (l, p, s = entry) => decideOffline(claims, { ...list, ...l }, p, s).result;

  assert.equal(d({ revoked: new Set([claims.ticketId]), eventId: "other" }, null), "revoked");
  assert.equal(d({ eventId: "other", ticketTypeIds: ["x"] }, null), "wrong_event");
  assert.equal(d({ ticketTypeIds: ["x"] }, null), "not_on_list");
  assert.equal(d({ ticketTypeIds: [claims.ticketTypeId] }, null), "valid");
  assert.equal(d({}, null, { ...entry, at: claims.validFrom * 1000 - 1000 }), "not_yet_valid");
  assert.equal(d({}, null, { ...entry, at: claims.validUntil * 1000 }), "expired");

  // Single entry: once, and an exit does not let it back in.
  const first = decideOffline(claims, list, null, entry);
  assert.equal(first.result, "valid");
  assert.equal(first.presence.first.gateId, "g1");
  assert.equal(decideOffline(claims, list, first.presence, entry).result, "already_used");
  const out = decideOffline(claims, list, first.presence, { ...entry, direction: "exit" });
  assert.equal(out.result, "valid");
  assert.equal(decideOffline(claims, list, out.presence, entry).result, "already_used");
  assert.equal(decideOffline(claims, list, null, { ...entry, direction: "exit" }).result, "not_inside");

  // Re-entry: again after an exit.
  const re = { ...list, policy: "reentry" };
  const a = decideOffline(claims, re, null, entry);
  assert.equal(decideOffline(claims, re, a.presence, entry).result, "already_used");
  const b = decideOffline(claims, re, a.presence, { ...entry, direction: "exit" });
  assert.equal(decideOffline(claims, re, b.presence, entry).result, "valid");

  // Twice a day, counted in the venue's time zone.
  const pd = { ...list, policy: "per_day", maxPerDay: 2 };
  let p = null;
  for (const want of ["valid", "valid", "already_used"]) {
    const r = decideOffline(claims, pd, p, entry);
    assert.equal(r.result, want);
    p = r.presence;
  }
  assert.equal(decideOffline(claims, pd, p, { ...entry, at: inside + 86_400_000 }).result, "expired");
  const open = { ...claims, validUntil: null };
  assert.equal(decideOffline(open, pd, p, { ...entry, at: inside + 86_400_000 }).result, "valid");
});
