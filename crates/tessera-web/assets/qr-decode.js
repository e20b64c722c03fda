// qr-decode.js: a QR code decoder for Tessera's gate scanner page.
//
// Written for Tessera from the QR code specification (ISO/IEC 18004): the
// symbol structure, format and version information, block tables, masks,
// Reed–Solomon code and segment modes all come from the standard. It has no
// dependencies and runs in any modern browser (and in Node for the tests).
//
//   import { decodeQR } from "./qr-decode.js";
//   const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
//   const hit = decodeQR(frame);
//   // hit: null, or { text, version, ecLevel, corners, mirrored, inverted,
//   //                  errorsCorrected }
//
// `corners` holds the symbol's four outer corners in image pixels, in the
// symbol's own orientation: { topLeft, topRight, bottomRight, bottomLeft },
// each { x, y }.
//
// The pipeline: luminance → locally adaptive threshold → finder patterns
// (1:1:3:1:1 runs in rows and columns, cross-checked) → pick the three that
// form the symbol's corner triangle → estimate the size, find the
// bottom-right alignment pattern → projective transform → sample modules →
// format and version information (nearest valid BCH word) → unmask → read
// codewords → de-interleave → Reed–Solomon correction → segments → text.
// When Reed–Solomon gives up on the thresholded reading, the modules are read
// a second way, by their brightness against their neighbours (for blur).
// When nothing decodes, the same is tried on light-on-dark (inverted) input;
// mirrored symbols are tried by transposing the sampled grid. Segments:
// numeric, alphanumeric, byte (UTF-8 unless an ECI says otherwise), kanji,
// hanzi, ECI, FNC1 and structured append headers.
//
// Cost grows with the pixel count: about 10–20 ms for a 640×480 frame with a
// ticket in it, so hand it a frame of that order rather than a full-size
// camera image.

// ---------------------------------------------------------------------------
// Tables from the standard
// ---------------------------------------------------------------------------

// Error correction codewords per block, by level, for versions 1..40
// (ISO/IEC 18004 table 9).
const EC_CODEWORDS_PER_BLOCK = {
  L: [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
    28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  M: [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
    26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  Q: [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
    28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  H: [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
    30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
};

// Number of Reed–Solomon blocks, by level, for versions 1..40 (same table).
const EC_BLOCK_COUNT = {
  L: [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
    8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  M: [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
    17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  Q: [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
    23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  H: [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
    25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
};

// The two format bits that name the level: 01 = L, 00 = M, 11 = Q, 10 = H.
const EC_LEVEL_BY_BITS = ["M", "L", "H", "Q"];

// Data mask conditions (i = row, j = column); a module is flipped where the
// condition holds.
const MASKS = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

// Centre row/column coordinates of the alignment patterns of a version. The
// standard spaces them evenly from 6 to size-7 with an even step, the first
// gap taking up the remainder; version 32 is the one irregular entry.
function alignmentCentres(version) {
  if (version === 1) return [];
  const size = 17 + 4 * version;
  const count = Math.floor(version / 7) + 2;
  const step = version === 32 ? 26 : 2 * Math.ceil((size - 13) / (2 * (count - 1)));
  const centres = [6];
  for (let k = count - 2; k >= 0; k--) centres.push(size - 7 - k * step);
  return centres;
}

// ---------------------------------------------------------------------------
// BCH codes of the format (15,5) and version (18,6) information
// ---------------------------------------------------------------------------

// Remainder of `value` divided by the generator `poly`, both as bit strings.
function bchRemainder(value, poly) {
  const degree = 31 - Math.clz32(poly);
  while (value && 31 - Math.clz32(value) >= degree) {
    value ^= poly << (31 - Math.clz32(value) - degree);
  }
  return value;
}

// All 32 valid format words, already XORed with the format mask 101010000010010.
const FORMAT_WORDS = Array.from({ length: 32 }, (_, d) =>
  ((d << 10) | bchRemainder(d << 10, 0b10100110111)) ^ 0b101010000010010);

// Valid version words for versions 7..40 (index = version).
const VERSION_WORDS = Array.from({ length: 41 }, (_, v) =>
  v < 7 ? -1 : (v << 12) | bchRemainder(v << 12, 0b1111100100101));

function popcount(x) {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

// ---------------------------------------------------------------------------
// GF(256) arithmetic and Reed–Solomon error correction
// ---------------------------------------------------------------------------

// Field built on the primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 with α = 2.
const GF_EXP = new Uint8Array(512);
const GF_LOG = new Uint8Array(256);
{
  let v = 1;
  for (let i = 0; i < 255; i++) {
    GF_EXP[i] = v;
    GF_LOG[v] = i;
    v <<= 1;
    if (v & 0x100) v ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) GF_EXP[i] = GF_EXP[i - 255];
}
const gfMul = (a, b) => (a === 0 || b === 0 ? 0 : GF_EXP[GF_LOG[a] + GF_LOG[b]]);
const gfDiv = (a, b) => (a === 0 ? 0 : GF_EXP[GF_LOG[a] + 255 - GF_LOG[b]]);

// Value of a polynomial stored lowest degree first, at x.
function polyEval(poly, x) {
  let y = 0;
  for (let k = poly.length - 1; k >= 0; k--) y = gfMul(y, x) ^ poly[k];
  return y;
}

// Corrects one block in place. block[0] is the coefficient of the highest
// power of x; the last `ecCount` bytes are the check codewords. QR's generator
// has roots α^0 .. α^(ecCount-1). Returns the number of corrected bytes, or -1
// if the block has more errors than the code can fix.
function correctBlock(block, ecCount) {
  const n = block.length;
  // Syndromes S_j = R(α^j).
  const synd = new Uint8Array(ecCount);
  let anyError = false;
  for (let j = 0; j < ecCount; j++) {
    const x = GF_EXP[j];
    let s = 0;
    for (let k = 0; k < n; k++) s = gfMul(s, x) ^ block[k];
    synd[j] = s;
    if (s) anyError = true;
  }
  if (!anyError) return 0;

  // Berlekamp–Massey: shortest LFSR (error locator Λ, lowest degree first)
  // that generates the syndrome sequence.
  let locator = [1];
  let previous = [1];
  let length = 0; // current number of assumed errors
  let shift = 1; // steps since `previous` was saved
  let previousDiscrepancy = 1;
  for (let i = 0; i < ecCount; i++) {
    let d = synd[i];
    for (let k = 1; k <= length; k++) d ^= gfMul(locator[k] || 0, synd[i - k]);
    if (d === 0) {
      shift++;
      continue;
    }
    const scale = gfDiv(d, previousDiscrepancy);
    const next = locator.slice();
    for (let k = 0; k < previous.length; k++) {
      while (next.length <= k + shift) next.push(0);
      next[k + shift] ^= gfMul(scale, previous[k]);
    }
    if (2 * length <= i) {
      previous = locator;
      length = i + 1 - length;
      previousDiscrepancy = d;
      shift = 1;
    } else {
      shift++;
    }
    locator = next;
  }
  if (2 * length > ecCount) return -1;
  locator.length = length + 1;

  // Chien search: the error at power p (array index n-1-p) makes Λ(α^-p) = 0.
  const positions = [];
  for (let p = 0; p < n; p++) {
    if (polyEval(locator, GF_EXP[(255 - p) % 255]) === 0) positions.push(p);
  }
  if (positions.length !== length) return -1;

  // Forney: Ω = S·Λ mod x^ecCount, e = X·Ω(X⁻¹)/Λ'(X⁻¹) for roots from α^0.
  const omega = new Uint8Array(ecCount);
  for (let i = 0; i < ecCount; i++) {
    let v = 0;
    for (let k = 0; k <= Math.min(i, length); k++) v ^= gfMul(locator[k], synd[i - k]);
    omega[i] = v;
  }
  // Formal derivative: in characteristic 2 only the odd powers survive.
  const derivative = [];
  for (let k = 1; k < locator.length; k++) derivative.push(k % 2 === 1 ? locator[k] : 0);
  for (const p of positions) {
    const xInv = GF_EXP[(255 - p) % 255];
    const denominator = polyEval(derivative, xInv);
    if (denominator === 0) return -1;
    const magnitude = gfMul(GF_EXP[p], gfDiv(polyEval(omega, xInv), denominator));
    block[n - 1 - p] ^= magnitude;
  }

  // Cheap insurance against a miscorrection: the result must be a codeword.
  for (let j = 0; j < ecCount; j++) {
    const x = GF_EXP[j];
    let s = 0;
    for (let k = 0; k < n; k++) s = gfMul(s, x) ^ block[k];
    if (s) return -1;
  }
  return positions.length;
}

// ---------------------------------------------------------------------------
// Symbol layout: function patterns, codeword placement, blocks
// ---------------------------------------------------------------------------

const layoutCache = new Map();

// For a version: which modules are function patterns (1) rather than data
// (0), and how many codewords the data modules hold.
function layout(version) {
  let cached = layoutCache.get(version);
  if (cached) return cached;
  const size = 17 + 4 * version;
  const isFunction = new Uint8Array(size * size);
  const mark = (x0, y0, w, h) => {
    for (let y = y0; y < y0 + h; y++) {
      for (let x = x0; x < x0 + w; x++) isFunction[y * size + x] = 1;
    }
  };
  // Finder patterns with separators and the format information strips
  // (the bottom-left block also covers the always-dark module).
  mark(0, 0, 9, 9);
  mark(size - 8, 0, 8, 9);
  mark(0, size - 8, 9, 8);
  // Timing patterns.
  mark(0, 6, size, 1);
  mark(6, 0, 1, size);
  // Alignment patterns, except where they would sit on a finder.
  const centres = alignmentCentres(version);
  const last = centres.length - 1;
  centres.forEach((cy, iy) => {
    centres.forEach((cx, ix) => {
      const onFinder = (ix === 0 && iy === 0) || (ix === 0 && iy === last) || (ix === last && iy === 0);
      if (!onFinder) mark(cx - 2, cy - 2, 5, 5);
    });
  });
  // Version information blocks.
  if (version >= 7) {
    mark(size - 11, 0, 3, 6);
    mark(0, size - 11, 6, 3);
  }
  let dataModules = 0;
  for (const f of isFunction) if (!f) dataModules++;
  cached = { size, isFunction, codewordCount: dataModules >> 3 };
  layoutCache.set(version, cached);
  return cached;
}

// Reads the codewords out of an unmasked-on-the-fly module grid, following
// the standard's two-column zigzag from the bottom-right corner.
function readCodewords(grid, version, mask) {
  const { size, isFunction, codewordCount } = layout(version);
  const condition = MASKS[mask];
  const out = new Uint8Array(codewordCount);
  const totalBits = codewordCount * 8;
  let bit = 0;
  let upward = true;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5; // the vertical timing column is skipped whole
    for (let step = 0; step < size; step++) {
      const y = upward ? size - 1 - step : step;
      for (let dx = 0; dx < 2; dx++) {
        const x = right - dx;
        const idx = y * size + x;
        if (isFunction[idx] || bit >= totalBits) continue;
        const value = grid[idx] ^ (condition(y, x) ? 1 : 0);
        if (value) out[bit >> 3] |= 0x80 >> (bit & 7);
        bit++;
      }
    }
    upward = !upward;
  }
  return out;
}

// Splits the interleaved codeword stream into its blocks, corrects each, and
// returns the concatenated data codewords with the number of fixed bytes.
function correctAndJoin(codewords, version, level) {
  const ecCount = EC_CODEWORDS_PER_BLOCK[level][version - 1];
  const blockCount = EC_BLOCK_COUNT[level][version - 1];
  const shortLength = Math.floor(codewords.length / blockCount);
  const shortBlocks = blockCount - (codewords.length % blockCount);
  const shortData = shortLength - ecCount;
  const blocks = [];
  for (let b = 0; b < blockCount; b++) blocks.push(new Uint8Array(b < shortBlocks ? shortLength : shortLength + 1));
  // Data codewords go round the blocks one at a time; the short blocks have
  // no entry at the last data index. Check codewords follow the same way.
  let k = 0;
  for (let i = 0; i <= shortData; i++) {
    for (let b = 0; b < blockCount; b++) {
      if (i < shortData || b >= shortBlocks) blocks[b][i] = codewords[k++];
    }
  }
  for (let i = 0; i < ecCount; i++) {
    for (let b = 0; b < blockCount; b++) {
      blocks[b][blocks[b].length - ecCount + i] = codewords[k++];
    }
  }
  let fixed = 0;
  const data = [];
  for (const block of blocks) {
    const n = correctBlock(block, ecCount);
    if (n < 0) return null;
    fixed += n;
    for (let i = 0; i < block.length - ecCount; i++) data.push(block[i]);
  }
  return { data: Uint8Array.from(data), fixed };
}

// ---------------------------------------------------------------------------
// Format and version information
// ---------------------------------------------------------------------------

// `get(x, y)` gives the module at column x, row y (1 = dark).
function readFormat(get, size) {
  let first = 0;
  let second = 0;
  // First copy, around the top-left finder: bit 0 at (8,0) up to bit 14 at (0,8).
  for (let i = 0; i <= 5; i++) first |= get(8, i) << i;
  first |= get(8, 7) << 6;
  first |= get(8, 8) << 7;
  first |= get(7, 8) << 8;
  for (let i = 9; i < 15; i++) first |= get(14 - i, 8) << i;
  // Second copy: bits 0..7 along row 8 from the right edge, 8..14 down column 8.
  for (let i = 0; i < 8; i++) second |= get(size - 1 - i, 8) << i;
  for (let i = 8; i < 15; i++) second |= get(8, size - 15 + i) << i;

  let best = -1;
  let bestDistance = 99;
  for (let d = 0; d < 32; d++) {
    const distance = Math.min(popcount(first ^ FORMAT_WORDS[d]), popcount(second ^ FORMAT_WORDS[d]));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = d;
    }
  }
  if (bestDistance > 3) return null;
  return { level: EC_LEVEL_BY_BITS[best >> 3], mask: best & 7 };
}

// Version from either 6×3 block; null when neither is within 3 bits of a word.
function readVersion(get, size) {
  let topRight = 0;
  let bottomLeft = 0;
  for (let i = 0; i < 18; i++) {
    topRight |= get(size - 11 + (i % 3), Math.floor(i / 3)) << i;
    bottomLeft |= get(Math.floor(i / 3), size - 11 + (i % 3)) << i;
  }
  let best = null;
  let bestDistance = 4;
  for (let v = 7; v <= 40; v++) {
    const distance = Math.min(popcount(topRight ^ VERSION_WORDS[v]), popcount(bottomLeft ^ VERSION_WORDS[v]));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = v;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------
// Segments: numeric, alphanumeric, byte, kanji, hanzi, ECI
// ---------------------------------------------------------------------------

class BitReader {
  constructor(bytes) {
    this.bytes = bytes;
    this.pos = 0;
  }

  available() {
    return this.bytes.length * 8 - this.pos;
  }

  read(count) {
    if (count > this.available()) throw new Error("segment runs past the data");
    let v = 0;
    for (let i = 0; i < count; i++, this.pos++) {
      v = (v << 1) | ((this.bytes[this.pos >> 3] >> (7 - (this.pos & 7))) & 1);
    }
    return v;
  }
}

// TextDecoder labels for the ECI assignment numbers a scanner may meet.
const ECI_CHARSETS = {
  1: "iso-8859-1", 3: "iso-8859-1", 4: "iso-8859-2", 5: "iso-8859-3", 6: "iso-8859-4",
  7: "iso-8859-5", 8: "iso-8859-6", 9: "iso-8859-7", 10: "iso-8859-8", 11: "iso-8859-9",
  12: "iso-8859-10", 13: "iso-8859-11", 15: "iso-8859-13", 16: "iso-8859-14",
  17: "iso-8859-15", 18: "iso-8859-16", 20: "shift_jis", 21: "windows-1250",
  22: "windows-1251", 23: "windows-1252", 24: "windows-1256", 25: "utf-16be",
  26: "utf-8", 27: "us-ascii", 28: "big5", 29: "gb18030", 30: "euc-kr",
};

function decodeBytes(bytes, charset) {
  if (charset) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // Unknown to this runtime: fall through to the default guess.
    }
  }
  // No ECI: the standard says ISO-8859-1, but nearly every encoder writes
  // UTF-8 today. Take UTF-8 when the bytes are valid UTF-8.
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return s;
  }
}

// Character count indicator widths for versions 1–9, 10–26 and 27–40.
const COUNT_BITS = {
  1: [10, 12, 14], // numeric
  2: [9, 11, 13], // alphanumeric
  4: [8, 16, 16], // byte
  8: [8, 10, 12], // kanji
  13: [8, 10, 12], // hanzi
};

function decodeSegments(bytes, version) {
  const bits = new BitReader(bytes);
  const sizeClass = version <= 9 ? 0 : version <= 26 ? 1 : 2;
  let text = "";
  let pending = []; // bytes of consecutive byte segments in one charset
  let charset = null;
  let gs1 = false;
  const flush = () => {
    if (pending.length) text += decodeBytes(Uint8Array.from(pending), charset);
    pending = [];
  };

  while (bits.available() >= 4) {
    const mode = bits.read(4);
    if (mode === 0) break; // terminator
    if (mode === 7) { // ECI
      flush();
      let id = bits.read(8);
      if ((id & 0x80) === 0) id &= 0x7f;
      else if ((id & 0xc0) === 0x80) id = ((id & 0x3f) << 8) | bits.read(8);
      else if ((id & 0xe0) === 0xc0) id = ((id & 0x1f) << 16) | bits.read(16);
      else throw new Error("bad ECI designator");
      charset = ECI_CHARSETS[id] || null;
      continue;
    }
    if (mode === 3) { // structured append header: position, total, parity
      bits.read(16);
      continue;
    }
    if (mode === 5) { // FNC1 in first position (GS1)
      gs1 = true;
      continue;
    }
    if (mode === 9) { // FNC1 in second position: application indicator
      bits.read(8);
      gs1 = true;
      continue;
    }
    if (!COUNT_BITS[mode]) throw new Error(`unknown mode ${mode}`);
    if (mode === 13 && bits.read(4) !== 1) throw new Error("unknown hanzi subset");
    let count = bits.read(COUNT_BITS[mode][sizeClass]);

    if (mode === 4) {
      for (let i = 0; i < count; i++) pending.push(bits.read(8));
      continue;
    }
    flush();
    if (mode === 1) {
      let digits = "";
      for (; count >= 3; count -= 3) {
        const v = bits.read(10);
        if (v > 999) throw new Error("bad numeric group");
        digits += String(v).padStart(3, "0");
      }
      if (count === 2) {
        const v = bits.read(7);
        if (v > 99) throw new Error("bad numeric group");
        digits += String(v).padStart(2, "0");
      } else if (count === 1) {
        const v = bits.read(4);
        if (v > 9) throw new Error("bad numeric group");
        digits += String(v);
      }
      text += digits;
    } else if (mode === 2) {
      let chars = "";
      for (; count >= 2; count -= 2) {
        const v = bits.read(11);
        if (v >= 45 * 45) throw new Error("bad alphanumeric pair");
        chars += ALPHANUMERIC[Math.floor(v / 45)] + ALPHANUMERIC[v % 45];
      }
      if (count === 1) {
        const v = bits.read(6);
        if (v >= 45) throw new Error("bad alphanumeric character");
        chars += ALPHANUMERIC[v];
      }
      // Under GS1, "%" stands for the group separator and "%%" for "%".
      if (gs1) chars = chars.replace(/%%|%/g, (m) => (m === "%%" ? "%" : "\x1d"));
      text += chars;
    } else {
      // Kanji (Shift JIS) and hanzi (GB 2312) pack a double-byte character
      // into 13 bits; undo the packing and let TextDecoder map it.
      const raw = new Uint8Array(count * 2);
      for (let i = 0; i < count; i++) {
        const v = bits.read(13);
        let code;
        if (mode === 8) {
          code = (Math.floor(v / 0xc0) << 8) | (v % 0xc0);
          code += code < 0x1f00 ? 0x8140 : 0xc140;
        } else {
          code = (Math.floor(v / 0x60) << 8) | (v % 0x60);
          code += code < 0x0a00 ? 0xa1a1 : 0xa6a1;
        }
        raw[2 * i] = code >> 8;
        raw[2 * i + 1] = code & 0xff;
      }
      text += decodeBytes(raw, mode === 8 ? "shift_jis" : "gb18030");
    }
  }
  flush();
  return text;
}

// Decodes a sampled module grid (row-major, 1 = dark) of a given version.
function decodeGrid(grid, version, format) {
  const codewords = readCodewords(grid, version, format.mask);
  const joined = correctAndJoin(codewords, version, format.level);
  if (!joined) return null;
  let text;
  try {
    text = decodeSegments(joined.data, version);
  } catch {
    return null;
  }
  return { text, version, ecLevel: format.level, errorsCorrected: joined.fixed };
}

// ---------------------------------------------------------------------------
// Image preparation: luminance and adaptive threshold
// ---------------------------------------------------------------------------

function luminance({ data, width, height }) {
  const n = width * height;
  const lum = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    lum[i] = (data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8;
  }
  return lum;
}

// Summed-area tables of luminance and its square, for local mean and spread.
function integrals(lum, width, height) {
  const stride = width + 1;
  const sum = new Float64Array(stride * (height + 1));
  const sq = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    let rowSq = 0;
    for (let x = 0; x < width; x++) {
      const v = lum[y * width + x];
      rowSum += v;
      rowSq += v * v;
      const o = (y + 1) * stride + x + 1;
      sum[o] = sum[o - stride] + rowSum;
      sq[o] = sq[o - stride] + rowSq;
    }
  }
  return { sum, sq, stride };
}

// Local mean threshold: each pixel is compared with the mean of a window
// around it (a sixteenth of the frame's shorter side, so uneven light and a
// dark surrounding scene stay local). Where the window is nearly flat, the
// threshold moves away from the mean by a margin so sensor noise on paper
// reads as paper. Makes both readings at once, 1 marking dark pixels in
// `dark` and light ones in `light` (for light-on-dark symbols).
function binarize(lum, width, height, tables) {
  const { sum, sq, stride } = tables;
  const radius = Math.max(8, Math.round(Math.min(width, height) / 16));
  const dark = new Uint8Array(width * height);
  const light = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width, x + radius + 1);
      const area = (y1 - y0) * (x1 - x0);
      const a = y0 * stride + x0;
      const b = y0 * stride + x1;
      const c = y1 * stride + x0;
      const d = y1 * stride + x1;
      const mean = (sum[d] - sum[b] - sum[c] + sum[a]) / area;
      const variance = (sq[d] - sq[b] - sq[c] + sq[a]) / area - mean * mean;
      // Margin: half of how far the spread falls short of 16 grey levels.
      const margin = variance < 256 ? (16 - Math.sqrt(Math.max(0, variance))) / 2 : 0;
      const v = lum[y * width + x];
      if (v < mean - margin) dark[y * width + x] = 1;
      else if (v > mean + margin) light[y * width + x] = 1;
    }
  }
  return { dark, light };
}

// ---------------------------------------------------------------------------
// Finder patterns
// ---------------------------------------------------------------------------

// Five runs dark, light, dark, light, dark in the proportion 1:1:3:1:1?
function finderRatio(c0, c1, c2, c3, c4) {
  const total = c0 + c1 + c2 + c3 + c4;
  if (total < 12) return false; // modules under ~1.7 px are unreadable anyway
  const unit = total / 7;
  const tol = unit * 0.7;
  return Math.abs(c0 - unit) < tol && Math.abs(c1 - unit) < tol && Math.abs(c3 - unit) < tol &&
    Math.abs(c4 - unit) < tol && Math.abs(c2 - 3 * unit) < unit * 1.3;
}

// Walks from (x0, y0), which must be dark, backwards and forwards along the
// step (dx, dy), measuring the five runs of a finder pattern centred there.
// Returns { runs, offset } with offset the centre run's middle relative to
// the start in steps, or null when the runs do not fit.
function finderRunsThrough(bin, width, height, x0, y0, dx, dy, maxRun) {
  if (!bin[y0 * width + x0]) return null;
  const runs = [0, 0, 0, 0, 0];
  let x = x0;
  let y = y0;
  for (let s = 2; s >= 0; s--) {
    const want = s === 1 ? 0 : 1;
    while (x >= 0 && y >= 0 && x < width && y < height && bin[y * width + x] === want) {
      if (++runs[s] > maxRun) return null;
      x -= dx;
      y -= dy;
    }
    if (runs[s] === 0) return null;
  }
  const behind = runs[2];
  x = x0 + dx;
  y = y0 + dy;
  for (let s = 2; s <= 4; s++) {
    const want = s === 3 ? 0 : 1;
    while (x >= 0 && y >= 0 && x < width && y < height && bin[y * width + x] === want) {
      if (++runs[s] > maxRun) return null;
      x += dx;
      y += dy;
    }
    if (runs[s] === 0) return null;
  }
  if (!finderRatio(...runs)) return null;
  const ahead = runs[2] - behind;
  return { runs, offset: (ahead - (behind - 1)) / 2 };
}

const runTotal = (runs) => runs[0] + runs[1] + runs[2] + runs[3] + runs[4];

// Confirms a possible finder centre by crossing it vertically, horizontally
// again and diagonally; returns the refined centre and module size.
function confirmFinder(bin, width, height, cx, cy, lineTotal) {
  const maxRun = Math.ceil(lineTotal * 1.5);
  let x = Math.floor(cx);
  let y = Math.floor(cy);
  const vertical = finderRunsThrough(bin, width, height, x, y, 0, 1, maxRun);
  if (!vertical) return null;
  const vTotal = runTotal(vertical.runs);
  if (vTotal > 2.5 * lineTotal || 2.5 * vTotal < lineTotal) return null;
  const fy = y + 0.5 + vertical.offset;
  y = Math.floor(fy);
  const horizontal = finderRunsThrough(bin, width, height, x, y, 1, 0, maxRun);
  if (!horizontal) return null;
  const fx = x + 0.5 + horizontal.offset;
  x = Math.floor(fx);
  const diagonal = finderRunsThrough(bin, width, height, x, y, 1, 1, maxRun);
  const antiDiagonal = finderRunsThrough(bin, width, height, x, y, 1, -1, maxRun);
  if (!diagonal && !antiDiagonal) return null;
  // A chord through the centre of a turned square is longer than its side
  // (by up to √2 at 45°); the shortest of the four is within 8% of it.
  let chord = Math.min(runTotal(horizontal.runs), vTotal);
  if (diagonal) chord = Math.min(chord, runTotal(diagonal.runs) * Math.SQRT2);
  if (antiDiagonal) chord = Math.min(chord, runTotal(antiDiagonal.runs) * Math.SQRT2);
  return { x: fx, y: fy, moduleSize: chord / 7 };
}

// Scans every row and column for the 1:1:3:1:1 signature, confirms each hit
// and merges hits on the same pattern. Returns candidates, most seen first.
function findFinders(bin, width, height) {
  const found = [];
  const add = (c) => {
    for (const f of found) {
      if (Math.abs(f.x - c.x) <= f.moduleSize * 1.5 && Math.abs(f.y - c.y) <= f.moduleSize * 1.5 &&
          Math.abs(f.moduleSize - c.moduleSize) <= f.moduleSize) {
        const n = f.count;
        f.x = (f.x * n + c.x) / (n + 1);
        f.y = (f.y * n + c.y) / (n + 1);
        f.moduleSize = (f.moduleSize * n + c.moduleSize) / (n + 1);
        f.count++;
        return;
      }
    }
    found.push({ ...c, count: 1 });
  };

  const longest = Math.max(width, height);
  const runStart = new Int32Array(longest + 1);
  const runLength = new Int32Array(longest + 1);
  for (const vertical of [false, true]) {
    const lines = vertical ? width : height;
    const length = vertical ? height : width;
    const along = vertical ? width : 1;
    const across = vertical ? 1 : width;
    for (let line = 0; line < lines; line++) {
      // Run-length encode the line.
      const base = line * across;
      let n = 0;
      let colour = bin[base];
      const firstDark = colour === 1 ? 0 : 1;
      runStart[0] = 0;
      for (let i = 1; i < length; i++) {
        const v = bin[base + i * along];
        if (v !== colour) {
          runLength[n] = i - runStart[n];
          runStart[++n] = i;
          colour = v;
        }
      }
      runLength[n] = length - runStart[n];
      n++;
      // Every window of five runs starting on a dark one.
      for (let r = firstDark; r + 4 < n; r += 2) {
        if (!finderRatio(runLength[r], runLength[r + 1], runLength[r + 2], runLength[r + 3], runLength[r + 4])) continue;
        const centre = runStart[r + 2] + runLength[r + 2] / 2;
        const total = runStart[r + 4] + runLength[r + 4] - runStart[r];
        const cx = vertical ? line + 0.5 : centre;
        const cy = vertical ? centre : line + 0.5;
        const c = confirmFinder(bin, width, height, cx, cy, total);
        if (c) add(c);
      }
    }
  }
  return found.sort((a, b) => b.count - a.count);
}

// Picks likely (topLeft, topRight, bottomLeft) triples among the candidates:
// similar module sizes, two near-equal legs at a near-right angle, and all
// three looking like finder patterns along the axes they imply. Best first.
function finderTriples(bin, width, height, candidates) {
  let pool = candidates.filter((c) => c.count >= 2);
  if (pool.length < 3) pool = candidates;
  pool = pool.slice(0, 12);
  const triples = [];
  for (let i = 0; i < pool.length; i++) {
    for (let j = i + 1; j < pool.length; j++) {
      for (let k = j + 1; k < pool.length; k++) {
        const t = orderTriple(pool[i], pool[j], pool[k]);
        if (!t) continue;
        const fit = tripleFit(bin, width, height, t);
        if (fit < 0.7) continue;
        t.score += 2 * (1 - fit);
        triples.push(t);
      }
    }
  }
  return triples.sort((a, b) => a.score - b.score).slice(0, 4);
}

// Share of a finder's 7×7 modules plus the light ring around them that read
// as the standard draws them, stepping one module at a time along the axes
// (ax, ay) and (bx, by) (unit vectors). Cheap, and it weeds out the
// look-alikes that noise, text or data modules produce.
function finderFit(bin, width, height, f, ax, ay, bx, by) {
  let good = 0;
  for (let j = -4; j <= 4; j++) {
    for (let i = -4; i <= 4; i++) {
      const ring = Math.max(Math.abs(i), Math.abs(j));
      const want = ring === 2 || ring === 4 ? 0 : 1;
      const x = Math.floor(f.x + (i * ax + j * bx) * f.moduleSize);
      const y = Math.floor(f.y + (i * ay + j * by) * f.moduleSize);
      const v = x >= 0 && y >= 0 && x < width && y < height ? bin[y * width + x] : 0;
      if (v === want) good++;
    }
  }
  return good / 81;
}

// The worst finderFit of a triple, along the axes the triple implies.
function tripleFit(bin, width, height, { topLeft, topRight, bottomLeft }) {
  const across = Math.hypot(topRight.x - topLeft.x, topRight.y - topLeft.y);
  const down = Math.hypot(bottomLeft.x - topLeft.x, bottomLeft.y - topLeft.y);
  const ax = (topRight.x - topLeft.x) / across;
  const ay = (topRight.y - topLeft.y) / across;
  const bx = (bottomLeft.x - topLeft.x) / down;
  const by = (bottomLeft.y - topLeft.y) / down;
  return Math.min(...[topLeft, topRight, bottomLeft].map((f) => finderFit(bin, width, height, f, ax, ay, bx, by)));
}

function orderTriple(p, q, r) {
  const d = (a, b) => Math.hypot(a.x - b.x, a.y - b.y);
  const sizes = [p.moduleSize, q.moduleSize, r.moduleSize];
  const sizeSpread = Math.max(...sizes) / Math.min(...sizes);
  if (sizeSpread > 2) return null;
  // The corner opposite the longest side is the top-left finder.
  const pq = d(p, q);
  const pr = d(p, r);
  const qr = d(q, r);
  let corner, a, b;
  if (qr >= pq && qr >= pr) [corner, a, b] = [p, q, r];
  else if (pr >= pq && pr >= qr) [corner, a, b] = [q, p, r];
  else [corner, a, b] = [r, p, q];
  const legA = d(corner, a);
  const legB = d(corner, b);
  const hyp = d(a, b);
  const moduleSize = (p.moduleSize + q.moduleSize + r.moduleSize) / 3;
  // Finder centres are 14 (version 1) to 170 (version 40) modules apart.
  const span = (legA + legB) / 2 / moduleSize;
  if (span < 10 || span > 200) return null;
  const legSkew = Math.abs(legA - legB) / Math.max(legA, legB);
  const angleSkew = Math.abs(hyp * hyp - legA * legA - legB * legB) / (hyp * hyp);
  if (legSkew > 0.5 || angleSkew > 0.5) return null;
  // In image coordinates (y down) the top-right finder lies clockwise of the
  // bottom-left one as seen from the top-left corner.
  const cross = (a.x - corner.x) * (b.y - corner.y) - (a.y - corner.y) * (b.x - corner.x);
  const [topRight, bottomLeft] = cross > 0 ? [a, b] : [b, a];
  return { topLeft: corner, topRight, bottomLeft, score: legSkew + angleSkew + (sizeSpread - 1) };
}

// Distance in pixels across a finder pattern along the line towards (tx, ty):
// from its outer edge on one side to its outer edge on the other (7 modules).
function finderWidthAlong(bin, width, height, f, tx, ty) {
  const dx0 = tx - f.x;
  const dy0 = ty - f.y;
  const scale = Math.max(Math.abs(dx0), Math.abs(dy0));
  const dx = dx0 / scale;
  const dy = dy0 / scale;
  const limit = f.moduleSize * 8;
  let totalSteps = 0;
  for (const sign of [1, -1]) {
    let transitions = 0;
    let prev = 1;
    let steps = 0;
    while (transitions < 3) {
      steps++;
      if (steps > limit) return null;
      const x = Math.floor(f.x + sign * dx * steps);
      const y = Math.floor(f.y + sign * dy * steps);
      if (x < 0 || y < 0 || x >= width || y >= height) break;
      const v = bin[y * width + x];
      if (v !== prev) {
        transitions++;
        prev = v;
      }
    }
    totalSteps += steps;
  }
  return (totalSteps - 1) * Math.hypot(dx, dy);
}

// Symbol size (modules per side) estimated from the finder spacing.
function estimateSize(bin, width, height, { topLeft, topRight, bottomLeft }) {
  const moduleSizeBetween = (a, b) => {
    const wa = finderWidthAlong(bin, width, height, a, b.x, b.y);
    const wb = finderWidthAlong(bin, width, height, b, a.x, a.y);
    const fallback = (a.moduleSize + b.moduleSize) / 2;
    if (!wa || !wb) return fallback;
    const measured = (wa + wb) / 14;
    return measured > fallback * 1.5 || measured < fallback / 1.5 ? fallback : measured;
  };
  const across = Math.hypot(topRight.x - topLeft.x, topRight.y - topLeft.y) / moduleSizeBetween(topLeft, topRight);
  const down = Math.hypot(bottomLeft.x - topLeft.x, bottomLeft.y - topLeft.y) / moduleSizeBetween(topLeft, bottomLeft);
  const modules = (across + down) / 2 + 7;
  const version = Math.round((modules - 17) / 4);
  return Math.min(40, Math.max(1, version));
}

// ---------------------------------------------------------------------------
// Alignment pattern
// ---------------------------------------------------------------------------

// Walks from a dark (x0, y0) both ways along (dx, dy) over the centre module
// and the light ring, requiring dark again beyond it. Returns the three run
// lengths and the centre's offset, or null.
function alignmentRunsThrough(bin, width, height, x0, y0, dx, dy, maxRun) {
  if (!bin[y0 * width + x0]) return null;
  const inside = (x, y) => x >= 0 && y >= 0 && x < width && y < height;
  let centre = 1;
  let behind = 1;
  let x = x0 - dx;
  let y = y0 - dy;
  while (inside(x, y) && bin[y * width + x] === 1 && centre <= maxRun) { centre++; behind++; x -= dx; y -= dy; }
  let lightBefore = 0;
  while (inside(x, y) && bin[y * width + x] === 0 && lightBefore <= maxRun) { lightBefore++; x -= dx; y -= dy; }
  if (!inside(x, y) || lightBefore === 0 || lightBefore > maxRun) return null;
  x = x0 + dx;
  y = y0 + dy;
  while (inside(x, y) && bin[y * width + x] === 1 && centre <= maxRun) { centre++; x += dx; y += dy; }
  let lightAfter = 0;
  while (inside(x, y) && bin[y * width + x] === 0 && lightAfter <= maxRun) { lightAfter++; x += dx; y += dy; }
  if (!inside(x, y) || lightAfter === 0 || lightAfter > maxRun || centre > maxRun) return null;
  const unit = (centre + lightBefore + lightAfter) / 3;
  for (const run of [centre, lightBefore, lightAfter]) {
    if (Math.abs(run - unit) > unit * 0.75) return null;
  }
  return { unit, offset: (centre - behind - (behind - 1)) / 2 };
}

// Collects alignment pattern candidates within `radius` modules of (px, py):
// a dark run between light ones, confirmed across both ways. Perspective can
// move the real one a few modules from the prediction and data modules can
// mimic it, so all of them are returned, nearest first, for the caller to test.
function findAlignments(bin, width, height, px, py, moduleSize, radius) {
  const r = Math.ceil(moduleSize * radius);
  const x0 = Math.max(1, Math.floor(px - r));
  const x1 = Math.min(width - 1, Math.ceil(px + r));
  const y0 = Math.max(0, Math.floor(py - r));
  const y1 = Math.min(height - 1, Math.ceil(py + r));
  const maxRun = Math.ceil(moduleSize * 2.5);
  const plausible = (runs) => runs && runs.unit > moduleSize * 0.4 && runs.unit < moduleSize * 2;
  const found = [];
  for (let y = y0; y <= y1; y++) {
    const row = y * width;
    for (let x = x0; x <= x1; x++) {
      // Start of a dark run that follows a light one.
      if (!(bin[row + x] === 1 && bin[row + x - 1] === 0)) continue;
      let end = x;
      while (end <= x1 && bin[row + end] === 1) end++;
      const cx = Math.floor((x + end) / 2);
      const tooLong = end - x > maxRun;
      x = end - 1;
      if (tooLong) continue;
      const h = alignmentRunsThrough(bin, width, height, cx, y, 1, 0, maxRun);
      if (!plausible(h)) continue;
      const ax = cx + 0.5 + h.offset;
      const v = alignmentRunsThrough(bin, width, height, Math.floor(ax), y, 0, 1, maxRun);
      if (!plausible(v)) continue;
      const ay = y + 0.5 + v.offset;
      const h2 = alignmentRunsThrough(bin, width, height, Math.floor(ax), Math.floor(ay), 1, 0, maxRun);
      if (!plausible(h2)) continue;
      const fx = Math.floor(ax) + 0.5 + h2.offset;
      if (found.some((f) => Math.abs(f.x - fx) < moduleSize * 0.7 && Math.abs(f.y - ay) < moduleSize * 0.7)) continue;
      found.push({ x: fx, y: ay, distance: Math.hypot(fx - px, ay - py) });
    }
  }
  return found.sort((p, q) => p.distance - q.distance);
}

// ---------------------------------------------------------------------------
// Projective transform (module space → image space)
// ---------------------------------------------------------------------------

// Solves for the homography taking four (u, v) points to four (x, y) points.
// Returns [a, b, c, d, e, f, g, h] with
//   x = (a·u + b·v + c) / (g·u + h·v + 1),  y = (d·u + e·v + f) / (g·u + h·v + 1).
function homography(from, to) {
  const m = [];
  for (let i = 0; i < 4; i++) {
    const [u, v] = from[i];
    const [x, y] = to[i];
    m.push([u, v, 1, 0, 0, 0, -u * x, -v * x, x]);
    m.push([0, 0, 0, u, v, 1, -u * y, -v * y, y]);
  }
  // Gaussian elimination with partial pivoting.
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let row = col + 1; row < 8; row++) {
      if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) pivot = row;
    }
    if (Math.abs(m[pivot][col]) < 1e-12) return null;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let row = 0; row < 8; row++) {
      if (row === col) continue;
      const factor = m[row][col] / m[col][col];
      if (factor === 0) continue;
      for (let k = col; k < 9; k++) m[row][k] -= factor * m[col][k];
    }
  }
  return m.map((row, i) => row[8] / row[i]);
}

function project(t, u, v) {
  const w = t[6] * u + t[7] * v + 1;
  return { x: (t[0] * u + t[1] * v + t[2]) / w, y: (t[3] * u + t[4] * v + t[5]) / w };
}

// Where the centre of a fourth finder would be, at the bottom-right. The
// parallelogram the three finders span is right for a flat-on view; under
// perspective the far edges grow or shrink, which shows in the finders' own
// widths: the bottom-left one's width along the top edge's direction against
// the top-left one's, and the top-right one's along the left edge's.
function guessFourthCorner(bin, width, height, tl, tr, bl) {
  const ux = tr.x - tl.x;
  const uy = tr.y - tl.y;
  const vx = bl.x - tl.x;
  const vy = bl.y - tl.y;
  const ratio = (f, g, dx, dy) => {
    const wf = finderWidthAlong(bin, width, height, f, f.x + dx, f.y + dy);
    const wg = finderWidthAlong(bin, width, height, g, g.x + dx, g.y + dy);
    return wf && wg ? Math.min(1.6, Math.max(0.6, wf / wg)) : 1;
  };
  const alongBottom = ratio(bl, tl, ux, uy);
  const alongRight = ratio(tr, tl, vx, vy);
  return [
    (bl.x + ux * alongBottom + tr.x + vx * alongRight) / 2,
    (bl.y + uy * alongBottom + tr.y + vy * alongRight) / 2,
  ];
}

// Transforms to try for a symbol of `version`, best first, each with its
// sampler and grid score. The fourth point is the bottom-right finder guess,
// the plain parallelogram, or (versions 2+) each alignment pattern candidate
// near where the guess puts it.
function transformsFor(bin, width, height, triple, version) {
  const size = 17 + 4 * version;
  const { topLeft: tl, topRight: tr, bottomLeft: bl } = triple;
  const from = [[3.5, 3.5], [size - 3.5, 3.5], [3.5, size - 3.5]];
  const to = [[tl.x, tl.y], [tr.x, tr.y], [bl.x, bl.y]];
  const corner = [size - 3.5, size - 3.5];
  const fourth = guessFourthCorner(bin, width, height, tl, tr, bl);
  const guess = homography([...from, corner], [...to, fourth]);
  const parallelogram = homography([...from, corner], [...to, [tr.x + bl.x - tl.x, tr.y + bl.y - tl.y]]);
  const candidates = [guess, parallelogram].filter(Boolean);
  if (version === 1) {
    // No alignment pattern to pin the fourth point down, and too short a
    // timing pattern to judge it by: offer points around the guess (up to a
    // module away) and let the format bits and Reed–Solomon decide.
    const ux = (tr.x - tl.x) / 14;
    const uy = (tr.y - tl.y) / 14;
    const vx = (bl.x - tl.x) / 14;
    const vy = (bl.y - tl.y) / 14;
    for (const di of [0, -0.5, 0.5, -1, 1]) {
      for (const dj of [0, -0.5, 0.5, -1, 1]) {
        if (di === 0 && dj === 0) continue;
        const t = homography([...from, corner], [...to, [fourth[0] + di * ux + dj * vx, fourth[1] + di * uy + dj * vy]]);
        if (t) candidates.push(t);
      }
    }
  }
  if (version >= 2 && guess) {
    const predicted = project(guess, size - 6.5, size - 6.5);
    const moduleSize = (tl.moduleSize + tr.moduleSize + bl.moduleSize) / 3;
    const radius = Math.max(5, size / 8);
    for (const a of findAlignments(bin, width, height, predicted.x, predicted.y, moduleSize, radius).slice(0, 12)) {
      const t = homography([...from, [size - 6.5, size - 6.5]], [...to, [a.x, a.y]]);
      if (t) candidates.push(t);
    }
  }
  return candidates.map((t) => {
    const sample = moduleSampler(bin, width, height, t);
    return { t, sample, score: gridScore(sample, version) };
  }).sort((p, q) => q.score - p.score);
}

// Module reader through a transform: majority of five samples around the
// module's centre, on the thresholded image. Outside the image reads light.
function moduleSampler(bin, width, height, t) {
  const offsets = [[0.5, 0.5], [0.25, 0.5], [0.75, 0.5], [0.5, 0.25], [0.5, 0.75]];
  return (x, y) => {
    let dark = 0;
    for (const [ou, ov] of offsets) {
      const p = project(t, x + ou, y + ov);
      const px = Math.floor(p.x);
      const py = Math.floor(p.y);
      if (px >= 0 && py >= 0 && px < width && py < height) dark += bin[py * width + px];
    }
    return dark >= 3 ? 1 : 0;
  };
}

// A second way to read the modules, for when the thresholded image fails:
// each module's centre brightness against the mean of the 7×7 modules around
// it. Blur greys a lone light module below the pixel window's mean, but it
// stays brighter than its own dark neighbours. Rows of the result follow the
// symbol (transposed when `mirrored`); 1 = dark.
function contrastGrid(lum, width, height, t, size, inverted, mirrored) {
  const value = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = project(t, x + 0.5, y + 0.5);
      const px = Math.floor(p.x - 0.5);
      const py = Math.floor(p.y - 0.5);
      let v = 255;
      if (px >= 0 && py >= 0 && px + 1 < width && py + 1 < height) {
        const i = py * width + px;
        v = (lum[i] + lum[i + 1] + lum[i + width] + lum[i + width + 1]) / 4;
      }
      value[mirrored ? x * size + y : y * size + x] = inverted ? 255 - v : v;
    }
  }
  const grid = new Uint8Array(size * size);
  const r = 3;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let total = 0;
      let n = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(size - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(size - 1, x + r); xx++) {
          total += value[yy * size + xx];
          n++;
        }
      }
      grid[y * size + x] = value[y * size + x] < total / n ? 1 : 0;
    }
  }
  return grid;
}

// Share of the fixed modules (timing patterns and alignment patterns) that a
// sampler reads as the standard draws them: near 1 for a good transform,
// about one half for a wrong one.
function gridScore(get, version) {
  const size = 17 + 4 * version;
  let good = 0;
  let total = 0;
  for (let i = 8; i < size - 8; i++) {
    const want = i % 2 === 0 ? 1 : 0;
    if (get(i, 6) === want) good++;
    if (get(6, i) === want) good++;
    total += 2;
  }
  const centres = alignmentCentres(version);
  const last = centres.length - 1;
  centres.forEach((cy, iy) => {
    centres.forEach((cx, ix) => {
      if ((ix === 0 && iy === 0) || (ix === 0 && iy === last) || (ix === last && iy === 0)) return;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const want = Math.max(Math.abs(dx), Math.abs(dy)) === 1 ? 0 : 1;
          if (get(cx + dx, cy + dy) === want) good++;
          total++;
        }
      }
    });
  });
  return good / total;
}

// ---------------------------------------------------------------------------
// Putting it together
// ---------------------------------------------------------------------------

// Tries to read a symbol whose finders are `triple`, for the estimated version
// and its neighbours (and whatever the version information says).
function decodeAt(bin, width, height, triple, lum, inverted) {
  const estimate = estimateSize(bin, width, height, triple);
  const queue = [estimate, estimate + 1, estimate - 1, estimate + 2, estimate - 2].filter((v) => v >= 1 && v <= 40);
  const tried = new Set();
  while (queue.length) {
    const version = queue.shift();
    if (tried.has(version)) continue;
    tried.add(version);
    const size = 17 + 4 * version;
    const transforms = transformsFor(bin, width, height, triple, version);
    for (const { t, sample, score } of transforms.slice(0, version === 1 ? transforms.length : 2)) {
      if (score < 0.7) continue;
      if (version >= 7) {
        const stated = readVersion(sample, size);
        if (stated && stated !== version) {
          if (!tried.has(stated)) queue.unshift(stated);
          break;
        }
      }
      for (const mirrored of [false, true]) {
        const get = mirrored ? (x, y) => sample(y, x) : sample;
        let result = null;
        const format = readFormat(get, size);
        if (format) {
          const grid = new Uint8Array(size * size);
          for (let y = 0; y < size; y++) {
            for (let x = 0; x < size; x++) grid[y * size + x] = get(x, y);
          }
          result = decodeGrid(grid, version, format);
        }
        if (!result && (format || !mirrored)) {
          const grid = contrastGrid(lum, width, height, t, size, inverted, mirrored);
          const second = readFormat((x, y) => grid[y * size + x], size);
          if (second) result = decodeGrid(grid, version, second);
        }
        if (!result) continue;
        const corner = (u, v) => project(t, u, v);
        result.corners = {
          topLeft: corner(0, 0),
          topRight: mirrored ? corner(0, size) : corner(size, 0),
          bottomRight: corner(size, size),
          bottomLeft: mirrored ? corner(size, 0) : corner(0, size),
        };
        result.mirrored = mirrored;
        return result;
      }
    }
  }
  return null;
}

function decodeBinary(bin, width, height, lum, inverted) {
  const candidates = findFinders(bin, width, height);
  if (candidates.length < 3) return null;
  for (const triple of finderTriples(bin, width, height, candidates)) {
    const result = decodeAt(bin, width, height, triple, lum, inverted);
    if (result) return result;
  }
  return null;
}

/**
 * Finds and decodes one QR code in an RGBA image.
 * @param {{data: Uint8ClampedArray|Uint8Array, width: number, height: number}} imageData
 *   what CanvasRenderingContext2D.getImageData returns
 * @returns {null | {text: string, version: number, ecLevel: "L"|"M"|"Q"|"H",
 *   corners: {topLeft: {x: number, y: number}, topRight: {x: number, y: number},
 *             bottomRight: {x: number, y: number}, bottomLeft: {x: number, y: number}},
 *   mirrored: boolean, inverted: boolean, errorsCorrected: number}}
 */
export function decodeQR(imageData) {
  const { data, width, height } = imageData || {};
  if (!data || !(width > 0) || !(height > 0) || data.length < width * height * 4) {
    throw new TypeError("decodeQR expects {data, width, height} with RGBA data");
  }
  const lum = luminance(imageData);
  const { dark, light } = binarize(lum, width, height, integrals(lum, width, height));
  for (const inverted of [false, true]) {
    const result = decodeBinary(inverted ? light : dark, width, height, lum, inverted);
    if (result) {
      result.inverted = inverted;
      return result;
    }
  }
  return null;
}
