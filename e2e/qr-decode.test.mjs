// Tests for crates/tessera-web/assets/qr-decode.js, the gate scanner's QR
// decoder. Run: node --test e2e/qr-decode.test.mjs (or `npm test` in e2e/).
//
// The symbols are PNG fixtures made by two independent encoders (see
// fixtures/make-qr-fixtures.py); this file only uses Node's built-ins. It
// reads the PNGs, renders them into camera-like frames (scaled, rotated,
// tilted, blurred, noisy, unevenly lit) and checks what the decoder reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { decodeQR } from "../crates/tessera-web/assets/qr-decode.js";

const FIXTURES = new URL("./fixtures/qr/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("manifest.json", FIXTURES), "utf8"));
const byName = Object.fromEntries(manifest.map((m) => [m.name, m]));

// ---------------------------------------------------------------------------
// PNG reading (8-bit, non-interlaced greyscale, grey+alpha, RGB or RGBA)
// ---------------------------------------------------------------------------

function readPNG(buf) {
  assert.equal(buf.toString("latin1", 1, 4), "PNG", "not a PNG");
  let pos = 8;
  let header;
  const idat = [];
  while (pos < buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString("latin1", pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + length);
    if (type === "IHDR") {
      header = {
        width: body.readUInt32BE(0), height: body.readUInt32BE(4),
        depth: body[8], colourType: body[9], interlace: body[12],
      };
    } else if (type === "IDAT") {
      idat.push(body);
    } else if (type === "IEND") {
      break;
    }
    pos += 12 + length;
  }
  const { width, height, depth, colourType, interlace } = header;
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType];
  assert.ok(depth === 8 && interlace === 0 && channels, "only 8-bit non-interlaced PNGs");
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[out + i - channels] : 0;
      const b = y > 0 ? pixels[out - stride + i] : 0;
      const c = i >= channels && y > 0 ? pixels[out - stride + i - channels] : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[out + i] = (line[i] + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

// A fixture as a module grid: { size, dark: Uint8Array } (quiet zone included).
function symbol(name) {
  const png = readPNG(readFileSync(new URL(byName[name].file, FIXTURES)));
  const dark = new Uint8Array(png.width * png.height);
  for (let i = 0; i < dark.length; i++) dark[i] = png.pixels[i * png.channels] < 128 ? 1 : 0;
  return { size: png.width, dark };
}

// ---------------------------------------------------------------------------
// Rendering camera-like frames
// ---------------------------------------------------------------------------

// Deterministic pseudo-random numbers in [0, 1).
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Homography taking four points `from` to four points `to` ([x, y] pairs).
function solveHomography(from, to) {
  const rows = [];
  for (let i = 0; i < 4; i++) {
    const [u, v] = from[i];
    const [x, y] = to[i];
    rows.push([u, v, 1, 0, 0, 0, -u * x, -v * x, x], [0, 0, 0, u, v, 1, -u * y, -v * y, y]);
  }
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(rows[r][c]) > Math.abs(rows[p][c])) p = r;
    [rows[c], rows[p]] = [rows[p], rows[c]];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = rows[r][c] / rows[c][c];
      for (let k = c; k < 9; k++) rows[r][k] -= f * rows[c][k];
    }
  }
  const h = rows.map((row, i) => row[8] / row[i]);
  return (x, y) => {
    const w = h[6] * x + h[7] * y + 1;
    return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
  };
}

// Where a symbol lands in the frame: a square of `side` pixels centred at
// (cx, cy), turned by `angle` degrees, its top edge narrowed by `tilt` (0..1)
// as when the phone leans back. Corners in the order TL, TR, BR, BL.
function placement({ cx, cy, side, angle = 0, tilt = 0 }) {
  const half = side / 2;
  const local = [[-half * (1 - tilt), -half * (1 - tilt / 2)], [half * (1 - tilt), -half * (1 - tilt / 2)], [half, half], [-half, half]];
  const a = (angle * Math.PI) / 180;
  return local.map(([x, y]) => [cx + x * Math.cos(a) - y * Math.sin(a), cy + x * Math.sin(a) + y * Math.cos(a)]);
}

// Renders `sym` into a width×height RGBA frame with the symbol's outer corners
// at `corners`. Light/dark are the paper and ink levels; `lighting(x, y)`
// scales brightness; `blur` is a box radius; `noise` is the spread of
// uniform sensor noise; `invert` prints light modules on dark paper.
function render(sym, { width, height, corners, light = 235, dark = 25, background = 90,
  lighting = null, blur = 0, noise = 0, invert = false, seed = 1, samples = 3 }) {
  const toSymbol = solveHomography(corners, [[0, 0], [sym.size, 0], [sym.size, sym.size], [0, sym.size]]);
  let grey = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const [u, v] = toSymbol(x + (sx + 0.5) / samples, y + (sy + 0.5) / samples);
          const mx = Math.floor(u);
          const my = Math.floor(v);
          if (mx < 0 || my < 0 || mx >= sym.size || my >= sym.size) {
            // A busy-ish scene around the ticket: soft diagonal stripes.
            acc += background + 30 * Math.sin((x + y) / 9);
          } else {
            acc += sym.dark[my * sym.size + mx] !== (invert ? 1 : 0) ? dark : light;
          }
        }
      }
      grey[y * width + x] = acc / (samples * samples);
    }
  }
  if (blur > 0) grey = boxBlur(boxBlur(grey, width, height, blur, 1, 0), width, height, blur, 0, 1);
  const random = prng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    let v = grey[i];
    if (lighting) v *= lighting(i % width, Math.floor(i / width));
    if (noise) v += (random() - 0.5) * 2 * noise;
    // A slight colour cast, so the luminance weights matter.
    data[i * 4] = v * 1.04;
    data[i * 4 + 1] = v;
    data[i * 4 + 2] = v * 0.9;
    data[i * 4 + 3] = 255;
  }
  return { data, width, height };
}

function boxBlur(src, width, height, r, dx, dy) {
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      let n = 0;
      for (let k = -r; k <= r; k++) {
        const xx = x + k * dx;
        const yy = y + k * dy;
        if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
        acc += src[yy * width + xx];
        n++;
      }
      out[y * width + x] = acc / n;
    }
  }
  return out;
}

// A straight, sharp picture of the symbol at `scale` pixels per module.
function flat(sym, scale, options = {}) {
  const side = sym.size * scale;
  const frame = side + 2 * 10;
  return render(sym, {
    width: frame, height: frame, samples: 1,
    corners: [[10, 10], [10 + side, 10], [10 + side, 10 + side], [10, 10 + side]],
    ...options,
  });
}

// Flips modules of a symbol (coordinates without the quiet zone).
function damaged(sym, modules) {
  const dark = sym.dark.slice();
  for (const [x, y] of modules) dark[(y + 4) * sym.size + x + 4] ^= 1;
  return { size: sym.size, dark };
}

function expectDecodes(image, name, extra = {}) {
  const result = decodeQR(image);
  assert.ok(result, `${name}: no code found`);
  assert.equal(result.text, byName[name].text, `${name}: text`);
  assert.equal(result.version, byName[name].version, `${name}: version`);
  assert.equal(result.ecLevel, byName[name].ecLevel, `${name}: level`);
  for (const [key, value] of Object.entries(extra)) assert.equal(result[key], value, `${name}: ${key}`);
  return result;
}

// ---------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------

test("every fixture decodes from a clean picture", () => {
  for (const { name, version } of manifest) {
    const sym = symbol(name);
    expectDecodes(flat(sym, version >= 25 ? 3 : 4), name, { mirrored: false, inverted: false, errorsCorrected: 0 });
  }
});

test("Tessera ticket codes (versions 8-10, level M) decode", () => {
  for (const name of ["ticket-219", "ticket-260", "ticket-296"]) {
    const r = expectDecodes(flat(symbol(name), 5), name);
    assert.match(r.text, /^TK1-[A-Z2-7]+$/);
  }
});

test("byte mode UTF-8 with Chinese, numeric, mixed segments, ECI and kanji", () => {
  for (const name of ["utf8-chinese", "numeric", "mixed", "eci-greek", "eci-utf8", "kanji"]) {
    expectDecodes(flat(symbol(name), 6), name);
  }
  assert.equal(decodeQR(flat(symbol("utf8-chinese"), 6)).text, "Tessera 门票：北京音乐厅 2025 入场 ✓");
});

test("version 1 and versions with version information", () => {
  expectDecodes(flat(symbol("version-1"), 8), "version-1");
  for (const name of ["v07-M", "v14-L", "v27-L", "v40-L"]) expectDecodes(flat(symbol(name), 3), name);
});

test("ticket photographed at an angle: rotated, tilted, blurred, noisy, unevenly lit", () => {
  const cases = [
    { name: "ticket-296", angle: 15, tilt: 0.12, side: 330 },
    { name: "ticket-219", angle: -15, tilt: 0.1, side: 300 },
    { name: "v11-M", angle: 15, tilt: 0.12, side: 400 },
    { name: "v12-M", angle: 12, tilt: 0.1, side: 420 },
    { name: "v13-M", angle: -15, tilt: 0.1, side: 440 },
  ];
  for (const { name, angle, tilt, side } of cases) {
    const image = render(symbol(name), {
      width: 640, height: 480,
      corners: placement({ cx: 330, cy: 245, side, angle, tilt }),
      // Light falls from the upper left; the lower right is in shadow.
      lighting: (x, y) => 1.1 - 0.65 * ((x / 640 + y / 480) / 2),
      blur: 1, noise: 18, seed: angle + 100,
    });
    const r = expectDecodes(image, name);
    // The reported corners enclose the symbol's centre.
    const xs = Object.values(r.corners).map((p) => p.x);
    assert.ok(Math.min(...xs) < 330 && Math.max(...xs) > 330, `${name}: corners`);
  }
});

test("any rotation, tilted either way, and a tilted version 1 (no alignment pattern)", () => {
  const cases = [];
  for (let angle = 0; angle < 360; angle += 45) {
    cases.push({ name: angle % 90 ? "ticket-219" : "ticket-296", angle: angle + 7, tilt: angle % 90 ? 0.15 : -0.15, side: 300 });
  }
  cases.push({ name: "version-1", angle: 30, tilt: 0.2, side: 200 });
  for (const { name, angle, tilt, side } of cases) {
    const image = render(symbol(name), {
      width: 640, height: 480, corners: placement({ cx: 320, cy: 240, side, angle, tilt }),
      lighting: (x) => 1.1 - 0.5 * (x / 640), blur: 1, noise: 14, seed: angle, samples: 2,
    });
    expectDecodes(image, name);
  }
});

test("a small, dim, low-contrast ticket", () => {
  const image = render(symbol("ticket-296"), {
    width: 640, height: 480, light: 120, dark: 60, background: 50,
    corners: placement({ cx: 320, cy: 240, side: 65 * 3.2, angle: 5 }),
    noise: 6, blur: 1,
  });
  expectDecodes(image, "ticket-296");
});

test("damaged modules are repaired by Reed-Solomon", () => {
  const name = "ticket-296"; // version 10-M: 5 blocks, 26 check codewords each
  const sym = symbol(name);
  const random = prng(7);
  const spots = [];
  // A 5×5 blot (a pen mark) and 30 scattered flips, clear of the finder,
  // timing and alignment patterns (alignment centres at 6, 28 and 50).
  for (let y = 12; y < 17; y++) for (let x = 12; x < 17; x++) spots.push([x, y]);
  while (spots.length < 55) {
    const x = 9 + Math.floor(random() * 39);
    const y = 9 + Math.floor(random() * 39);
    if (Math.abs(x - 28) <= 3 && Math.abs(y - 28) <= 3) continue;
    spots.push([x, y]);
  }
  const r = expectDecodes(flat(damaged(sym, spots), 5), name);
  assert.ok(r.errorsCorrected >= 10, `only ${r.errorsCorrected} codewords corrected`);
  // The same damage seen through a camera still decodes.
  expectDecodes(render(damaged(sym, spots), {
    width: 640, height: 480, corners: placement({ cx: 320, cy: 240, side: 340, angle: -8, tilt: 0.08 }),
    blur: 1, noise: 10,
  }), name);
});

test("damage beyond what Reed-Solomon can fix gives null, not a wrong text", () => {
  const sym = symbol("ticket-296");
  const random = prng(11);
  const spots = [];
  for (let y = 9; y < 48; y++) {
    for (let x = 9; x < 48; x++) {
      if (!(Math.abs(x - 28) <= 3 && Math.abs(y - 28) <= 3) && random() < 0.3) spots.push([x, y]);
    }
  }
  assert.equal(decodeQR(flat(damaged(sym, spots), 5)), null);
});

test("inverted (light on dark) and mirrored codes", () => {
  expectDecodes(flat(symbol("ticket-296"), 5, { invert: true }), "ticket-296", { inverted: true });
  const sym = symbol("ticket-260");
  const mirrored = new Uint8Array(sym.dark.length);
  for (let y = 0; y < sym.size; y++) for (let x = 0; x < sym.size; x++) mirrored[x * sym.size + y] = sym.dark[y * sym.size + x];
  expectDecodes(flat({ size: sym.size, dark: mirrored }, 5), "ticket-260", { mirrored: true });
});

test("nothing to find: blank, black, noise and a gradient give null", () => {
  const blank = (v) => ({ data: new Uint8ClampedArray(640 * 480 * 4).fill(v), width: 640, height: 480 });
  assert.equal(decodeQR(blank(255)), null);
  assert.equal(decodeQR(blank(0)), null);
  for (const seed of [1, 2, 3]) {
    const random = prng(seed);
    const data = new Uint8ClampedArray(640 * 480 * 4);
    for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : random() * 256;
    assert.equal(decodeQR({ data, width: 640, height: 480 }), null);
  }
  const data = new Uint8ClampedArray(640 * 480 * 4);
  for (let i = 0; i < 640 * 480; i++) data.fill((i % 640) / 2.6, i * 4, i * 4 + 4);
  assert.equal(decodeQR({ data, width: 640, height: 480 }), null);
  assert.equal(decodeQR({ data: new Uint8ClampedArray(4 * 3 * 3), width: 3, height: 3 }), null);
  assert.throws(() => decodeQR({ data: new Uint8ClampedArray(4), width: 10, height: 10 }), TypeError);
});

test("timing of a 640×480 frame (printed, not asserted)", (t) => {
  const frame = render(symbol("ticket-296"), {
    width: 640, height: 480, corners: placement({ cx: 320, cy: 240, side: 330, angle: 15, tilt: 0.1 }),
    blur: 1, noise: 12,
  });
  const random = prng(5);
  const noise = new Uint8ClampedArray(640 * 480 * 4);
  for (let i = 0; i < noise.length; i++) noise[i] = random() * 256;
  const empty = { data: noise, width: 640, height: 480 };
  for (const [label, image] of [["ticket frame", frame], ["noise frame (no code)", empty]]) {
    for (let i = 0; i < 5; i++) decodeQR(image); // let the JIT settle
    const runs = 10;
    const start = performance.now();
    for (let i = 0; i < runs; i++) decodeQR(image);
    const ms = (performance.now() - start) / runs;
    t.diagnostic(`${label}: ${ms.toFixed(1)} ms per decode`);
    console.log(`qr-decode timing, ${label}: ${ms.toFixed(1)} ms per 640x480 decode`);
  }
});
