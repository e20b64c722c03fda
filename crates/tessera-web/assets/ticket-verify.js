// ticket-verify.js: reads and verifies Tessera ticket codes in the browser,
// so that a gate can decide while offline. It follows docs/ticket-format.md:
// strict Base32, the binary layout and its checks in the documented order,
// and Ed25519 signatures checked with the strict rules (canonical S, no
// small-order key or R), which is what the server's `verify_strict` does.
//
// Signatures are checked by WebCrypto's Ed25519 when the browser has it.
// `crypto.subtle` only exists in secure contexts (https or localhost), and a
// phone opening the server over plain http on the LAN has none; then the
// pure-JS verifier below does the work (BigInt arithmetic, its own SHA-512).
// Key ids need SHA-256, written here too for the same reason.
//
// Nothing here talks to the network or the DOM; Node runs it for the tests.

// ---------------------------------------------------------------------------
// Constants of the format
// ---------------------------------------------------------------------------

const PREFIX = "TK1-";
const CONTEXT = new TextEncoder().encode("tessera-ticket-v1");
const FIXED_BYTES = 70;
const SIGNATURE_BYTES = 64;
const MIN_CODE_BYTES = FIXED_BYTES + SIGNATURE_BYTES;
const MAX_LABEL_BYTES = 48;
/** Longest code text: "TK1-" and the Base32 of 182 bytes. */
export const MAX_CODE_CHARS = PREFIX.length + Math.ceil(((MIN_CODE_BYTES + MAX_LABEL_BYTES) * 8) / 5);

/** A code that is not a version-1 ticket code. `kind` is "malformed" or "unsupported_version". */
export class CodeError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = "CodeError";
    this.kind = kind;
  }
}

const malformed = (why) => new CodeError("malformed", why);

// ---------------------------------------------------------------------------
// Bytes and text
// ---------------------------------------------------------------------------

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * RFC 4648 Base32 without padding, upper case only, every character
 * significant: a length that cannot come from whole bytes, or non-zero
 * unused bits in the last character, is refused, so that each byte string
 * has exactly one text.
 */
export function base32Decode(text) {
  // 1, 3 and 6 characters past a multiple of 8 are not whole bytes.
  if ([1, 3, 6].includes(text.length % 8)) throw malformed("not canonical Base32");
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const v = B32.indexOf(text[i]);
    if (v < 0) throw malformed("not canonical Base32");
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw malformed("not canonical Base32");
  return out;
}

export function hex(bytes) {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Lower- or upper-case hex of an even length to bytes; null if it is not that. */
export function unhex(s) {
  if (typeof s !== "string" || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return null;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function uuid(bytes) {
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function u32(bytes, at) {
  return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Decoding a code
// ---------------------------------------------------------------------------

/**
 * Reads a code text. Throws a CodeError, checking in the order of the
 * format document: prefix, Base32, at least 134 bytes, version, label
 * length, total length, UTF-8 label, validity bounds. Returns the claims,
 * the key id (16 hex digits), the signed message and the signature.
 */
export function decodeCode(text) {
  if (typeof text !== "string") throw malformed("not text");
  if (text.length > MAX_CODE_CHARS) throw malformed("too long");
  if (!text.startsWith(PREFIX)) {
    const later = /^TK([0-9])-/.exec(text);
    if (later) throw new CodeError("unsupported_version", `version ${later[1]} is not supported`);
    throw malformed("does not start with TK1-");
  }
  const bytes = base32Decode(text.slice(PREFIX.length));
  if (bytes.length < MIN_CODE_BYTES) throw malformed("too short");
  if (bytes[0] !== 1) throw new CodeError("unsupported_version", `version ${bytes[0]} is not supported`);
  const labelLen = bytes[FIXED_BYTES - 1];
  if (labelLen > MAX_LABEL_BYTES) throw malformed("label longer than 48 bytes");
  if (bytes.length !== MIN_CODE_BYTES + labelLen) throw malformed("length does not match the label length");
  let label;
  try {
    label = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(FIXED_BYTES, FIXED_BYTES + labelLen));
  } catch {
    throw malformed("label is not UTF-8");
  }
  const validFrom = u32(bytes, 61);
  const validUntil = u32(bytes, 65);
  if (validFrom !== 0 && validUntil !== 0 && validFrom >= validUntil) {
    throw malformed("valid_from is not before valid_until");
  }
  const split = FIXED_BYTES + labelLen;
  return {
    keyId: hex(bytes.subarray(1, 9)),
    claims: {
      ticketId: uuid(bytes.subarray(9, 25)),
      eventId: uuid(bytes.subarray(25, 41)),
      ticketTypeId: uuid(bytes.subarray(41, 57)),
      issuedAt: u32(bytes, 57),
      validFrom: validFrom || null,
      validUntil: validUntil || null,
      label,
    },
    message: concat(CONTEXT, bytes.subarray(0, split)),
    signature: bytes.slice(split),
  };
}

// ---------------------------------------------------------------------------
// SHA-256 and SHA-512 (FIPS 180-4)
// ---------------------------------------------------------------------------

const PRIMES = (() => {
  const out = [];
  for (let n = 2; out.length < 80; n++) if (out.every((p) => n % p !== 0)) out.push(n);
  return out;
})();

/** floor(x^(1/k)) for a non-negative BigInt, by Newton's method. */
function iroot(x, k) {
  if (x < 2n) return x;
  const K = BigInt(k);
  let r = 1n << BigInt(Math.ceil(x.toString(2).length / k));
  for (;;) {
    const next = ((K - 1n) * r + x / r ** (K - 1n)) / K;
    if (next >= r) return r;
    r = next;
  }
}

// The standard's constants are the first bits of the fractional parts of
// square and cube roots of the first primes; computed rather than copied.
const frac = (p, k, bits) => iroot(BigInt(p) << BigInt(bits * k), k) & ((1n << BigInt(bits)) - 1n);
const K256 = Uint32Array.from(PRIMES.slice(0, 64), (p) => Number(frac(p, 3, 32)));
const H256 = Uint32Array.from(PRIMES.slice(0, 8), (p) => Number(frac(p, 2, 32)));
const K512 = PRIMES.map((p) => frac(p, 3, 64));
const H512 = PRIMES.slice(0, 8).map((p) => frac(p, 2, 64));

/** Message padded to whole blocks, with its bit length at the end. */
function pad(msg, block, lenBytes) {
  const total = Math.ceil((msg.length + 1 + lenBytes) / block) * block;
  const out = new Uint8Array(total);
  out.set(msg);
  out[msg.length] = 0x80;
  let bits = BigInt(msg.length) * 8n;
  for (let i = total - 1; bits > 0n; i--, bits >>= 8n) out[i] = Number(bits & 0xffn);
  return out;
}

export function sha256(msg) {
  const m = pad(msg, 64, 8);
  const h = Uint32Array.from(H256);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let at = 0; at < m.length; at += 64) {
    for (let i = 0; i < 16; i++) w[i] = u32(m, at + 4 * i);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      [k, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
    }
    [a, b, c, d, e, f, g, k].forEach((v, i) => (h[i] += v));
  }
  const out = new Uint8Array(32);
  h.forEach((v, i) => out.set([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff], 4 * i));
  return out;
}

// SHA-512 on BigInt words: slower than 32-bit halves but plain to read, and
// the messages here are a few hundred bytes.
const M64 = (1n << 64n) - 1n;
const rotr64 = (x, n) => ((x >> n) | (x << (64n - n))) & M64;

export function sha512(msg) {
  const m = pad(msg, 128, 16);
  const h = H512.slice();
  const w = new Array(80);
  for (let at = 0; at < m.length; at += 128) {
    for (let i = 0; i < 16; i++) {
      w[i] = (BigInt(u32(m, at + 8 * i)) << 32n) | BigInt(u32(m, at + 8 * i + 4));
    }
    for (let i = 16; i < 80; i++) {
      const s0 = rotr64(w[i - 15], 1n) ^ rotr64(w[i - 15], 8n) ^ (w[i - 15] >> 7n);
      const s1 = rotr64(w[i - 2], 19n) ^ rotr64(w[i - 2], 61n) ^ (w[i - 2] >> 6n);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) & M64;
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let i = 0; i < 80; i++) {
      const ch = (e & f) ^ (~e & M64 & g);
      const t1 = (k + (rotr64(e, 14n) ^ rotr64(e, 18n) ^ rotr64(e, 41n)) + ch + K512[i] + w[i]) & M64;
      const t2 = ((rotr64(a, 28n) ^ rotr64(a, 34n) ^ rotr64(a, 39n)) + ((a & b) ^ (a & c) ^ (b & c))) & M64;
      [k, g, f, e, d, c, b, a] = [g, f, e, (d + t1) & M64, c, b, a, (t1 + t2) & M64];
    }
    [a, b, c, d, e, f, g, k].forEach((v, i) => (h[i] = (h[i] + v) & M64));
  }
  const out = new Uint8Array(64);
  h.forEach((v, i) => {
    for (let j = 0; j < 8; j++) out[8 * i + j] = Number((v >> BigInt(56 - 8 * j)) & 0xffn);
  });
  return out;
}

/** A key's id: the first 8 bytes of the SHA-256 of the 32-byte public key, as hex. */
export function keyIdOf(publicKey) {
  return hex(sha256(publicKey).subarray(0, 8));
}

// ---------------------------------------------------------------------------
// Ed25519 (RFC 8032), verification only
// ---------------------------------------------------------------------------

const P = (1n << 255n) - 19n;
/** The order of the base point. */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

const mod = (a) => {
  const r = a % P;
  return r < 0n ? r + P : r;
};

function pow(b, e) {
  let r = 1n;
  b = mod(b);
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % P;
    b = (b * b) % P;
  }
  return r;
}

const inv = (a) => pow(a, P - 2n);
const D = mod(-121665n * inv(121666n));
const D2 = mod(2n * D);
const SQRT_M1 = pow(2n, (P - 1n) / 4n);

function leInt(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

// Points in extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z.
const IDENTITY = { X: 0n, Y: 1n, Z: 1n, T: 0n };

function add(p, q) {
  const a = mod((p.Y - p.X) * (q.Y - q.X));
  const b = mod((p.Y + p.X) * (q.Y + q.X));
  const c = mod(p.T * D2 * q.T);
  const d = mod(p.Z * 2n * q.Z);
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return { X: mod(e * f), Y: mod(g * h), Z: mod(f * g), T: mod(e * h) };
}

function double(p) {
  const a = mod(p.X * p.X);
  const b = mod(p.Y * p.Y);
  const c = mod(2n * p.Z * p.Z);
  const h = a + b;
  const e = h - mod((p.X + p.Y) * (p.X + p.Y));
  const g = a - b;
  const f = c + g;
  return { X: mod(e * f), Y: mod(g * h), Z: mod(f * g), T: mod(e * h) };
}

function negate(p) {
  return { X: mod(-p.X), Y: p.Y, Z: p.Z, T: mod(-p.T) };
}

function multiply(p, n) {
  let r = IDENTITY;
  for (let i = BigInt(n.toString(2).length - 1); i >= 0n; i--) {
    r = double(r);
    if ((n >> i) & 1n) r = add(r, p);
  }
  return r;
}

function isIdentity(p) {
  return mod(p.X) === 0n && mod(p.Y - p.Z) === 0n;
}

function encode(p) {
  const zi = inv(p.Z);
  const x = mod(p.X * zi);
  let y = mod(p.Y * zi);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, y >>= 8n) out[i] = Number(y & 0xffn);
  out[31] |= Number(x & 1n) << 7;
  return out;
}

/** RFC 8032 section 5.1.3, refusing non-canonical y; null if not a point. */
function decodePoint(bytes) {
  if (bytes.length !== 32) return null;
  const sign = bytes[31] >> 7;
  const copy = bytes.slice();
  copy[31] &= 0x7f;
  const y = leInt(copy);
  if (y >= P) return null;
  const y2 = (y * y) % P;
  const u = mod(y2 - 1n);
  const v = mod(D * y2 + 1n);
  const v3 = (v * v * v) % P;
  let x = mod(u * v3 * pow(u * v3 * v3 * v, (P - 5n) / 8n));
  const vx2 = mod(v * x * x);
  if (vx2 === mod(-u)) x = mod(x * SQRT_M1);
  else if (vx2 !== u) return null;
  if (x === 0n && sign === 1) return null;
  if (Number(x & 1n) !== sign) x = mod(-x);
  return { X: x, Y: y, Z: 1n, T: mod(x * y) };
}

const BASE = decodePoint(unhex("5866666666666666666666666666666666666666666666666666666666666666"));

/** Small-order points are those that 8 (the cofactor) sends to the identity. */
function isSmallOrder(p) {
  return isIdentity(double(double(double(p))));
}

/**
 * The checks of strict verification that do not need the hash: S is
 * canonical (S < L), A and R are points in canonical form and neither has
 * small order. Returns A as a point, or null.
 */
function strictPrecheck(publicKey, signature) {
  if (publicKey.length !== 32 || signature.length !== 64) return null;
  if (leInt(signature.subarray(32)) >= L) return null;
  const a = decodePoint(publicKey);
  const r = decodePoint(signature.subarray(0, 32));
  if (!a || !r || isSmallOrder(a) || isSmallOrder(r)) return null;
  return a;
}

/** Strict Ed25519 verification in JavaScript alone: [S]B - [k]A must encode to R. */
export function verifyEd25519Js(publicKey, message, signature) {
  const a = strictPrecheck(publicKey, signature);
  if (!a) return false;
  const rBytes = signature.subarray(0, 32);
  const s = leInt(signature.subarray(32));
  const k = leInt(sha512(concat(rBytes, publicKey, message))) % L;
  const check = add(multiply(BASE, s), multiply(negate(a), k));
  const enc = encode(check);
  return enc.every((b, i) => b === rBytes[i]);
}

let webCryptoEd25519;

/** Whether this browser's WebCrypto verifies Ed25519 (false without a secure context). */
export async function hasWebCryptoEd25519() {
  if (webCryptoEd25519 === undefined) {
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) {
      webCryptoEd25519 = false;
    } else {
      try {
        await subtle.importKey("raw", BASE_POINT_BYTES, { name: "Ed25519" }, false, ["verify"]);
        webCryptoEd25519 = true;
      } catch {
        webCryptoEd25519 = false;
      }
    }
  }
  return webCryptoEd25519;
}

const BASE_POINT_BYTES = unhex("5866666666666666666666666666666666666666666666666666666666666666");

/**
 * Strict Ed25519 verification. `engine` is "auto" (WebCrypto when
 * available), "webcrypto" or "js". WebCrypto implementations differ in
 * what they accept beyond RFC 8032, so the strict checks run here first
 * on either path.
 */
export async function verifyEd25519(publicKey, message, signature, engine = "auto") {
  const useWebCrypto = engine === "webcrypto" || (engine === "auto" && (await hasWebCryptoEd25519()));
  if (!useWebCrypto) return verifyEd25519Js(publicKey, message, signature);
  if (!strictPrecheck(publicKey, signature)) return false;
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  return subtle.verify({ name: "Ed25519" }, key, signature, message);
}

// ---------------------------------------------------------------------------
// Keys and codes
// ---------------------------------------------------------------------------

/**
 * Builds a key ring from key-file entries `{ key_id, public_key }`. An
 * entry whose id is not the SHA-256 of its key, or whose key is not 32
 * bytes of lower-case hex, not a canonical point or of small order, is left
 * out and reported in `rejected`. (The scanner page gets its keys from the
 * server's sync; it keeps the good ones and shows the rest as refused,
 * where `tessera ticket verify` refuses the whole file.)
 */
export function keyRing(entries) {
  const keys = new Map();
  const rejected = [];
  for (const e of entries ?? []) {
    const pk = typeof e?.public_key === "string" && /^[0-9a-f]{64}$/.test(e.public_key) ? unhex(e.public_key) : null;
    // As docs/ticket-format.md says for key files: the key must be a
    // canonical point (decodePoint refuses y >= p and -0) not of small order.
    const point = pk ? decodePoint(pk) : null;
    if (!point || isSmallOrder(point) || typeof e.key_id !== "string" || keyIdOf(pk) !== e.key_id) {
      rejected.push(e?.key_id ?? null);
      continue;
    }
    keys.set(e.key_id, pk);
  }
  return { keys, rejected };
}

/**
 * Decodes a code and checks its signature with the key it names. Returns
 * `{ result, claims, keyId, reason }` where result is "ok", "malformed",
 * "unsupported_version", "unknown_key" or "invalid_signature"; claims are
 * there once the code decoded.
 */
export async function verifyCode(text, ring, engine = "auto") {
  let decoded;
  try {
    decoded = decodeCode(text);
  } catch (e) {
    if (e instanceof CodeError) return { result: e.kind, reason: e.message };
    throw e;
  }
  const { keyId, claims } = decoded;
  const key = ring.keys.get(keyId);
  if (!key) return { result: "unknown_key", claims, keyId };
  const ok = await verifyEd25519(key, decoded.message, decoded.signature, engine);
  return { result: ok ? "ok" : "invalid_signature", claims, keyId };
}

// ---------------------------------------------------------------------------
// Deciding at the gate while offline
// ---------------------------------------------------------------------------

/** `YYYY-MM-DD` of an instant (ms) in an IANA time zone, as entry days are counted. */
export function dayIn(ms, timeZone) {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
  } catch {
    return new Date(ms).toISOString().slice(0, 10);
  }
}

/**
 * What an offline gate says about a code whose signature checked out, in
 * the order of the format document: revocation, event, the list's ticket
 * types, the validity window, then the list's entry policy against what
 * this device knows of the ticket (`presence`, from earlier scans here).
 *
 * `list`: { eventId, ticketTypeIds (empty: all), policy ("single",
 * "reentry" or "per_day"), maxPerDay, timeZone, revoked (a Set of ticket
 * ids) }. `scan`: { at (ms), direction ("entry" or "exit"), gateId }.
 * Returns `{ result, presence }`: result as the server names it, and the
 * presence after the scan (unchanged unless the result is "valid").
 */
export function decideOffline(claims, list, presence, scan) {
  const before = presence ?? { entries: 0, inside: false, first: null, day: null, dayEntries: 0 };
  const refuse = (result) => ({ result, presence: before });
  if (list.revoked.has(claims.ticketId)) return refuse("revoked");
  if (claims.eventId !== list.eventId) return refuse("wrong_event");
  if (list.ticketTypeIds.length > 0 && !list.ticketTypeIds.includes(claims.ticketTypeId)) return refuse("not_on_list");
  const now = Math.floor(scan.at / 1000);
  if (claims.validFrom !== null && now < claims.validFrom) return refuse("not_yet_valid");
  if (claims.validUntil !== null && now >= claims.validUntil) return refuse("expired");
  if (scan.direction === "exit") {
    if (!before.inside) return refuse("not_inside");
    return { result: "valid", presence: { ...before, inside: false } };
  }
  const today = before.day === dayIn(scan.at, list.timeZone) ? before.dayEntries : 0;
  const admit =
    list.policy === "reentry" ? !before.inside : list.policy === "per_day" ? today < (list.maxPerDay ?? 1) : before.entries === 0;
  if (!admit) return refuse("already_used");
  return { result: "valid", presence: recordEntry(before, scan, list.timeZone) };
}

/** The presence after an admission `{ at (ms), gateId }`; the first one is remembered. */
export function recordEntry(presence, scan, timeZone) {
  const before = presence ?? { entries: 0, inside: false, first: null, day: null, dayEntries: 0 };
  const day = dayIn(scan.at, timeZone);
  return {
    entries: before.entries + 1,
    inside: true,
    first: before.first ?? { at: new Date(scan.at).toISOString(), gateId: scan.gateId ?? null },
    day,
    dayEntries: (before.day === day ? before.dayEntries : 0) + 1,
  };
}
