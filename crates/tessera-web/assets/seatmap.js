// The seat map: draws a seated event's seats as SVG over the page's seat
// form, coloured by live status. Choosing a seat on the map ticks the same
// checkbox the list of seats has (or adds a hidden field for a seat of a
// section the list does not show), so one form submits either way and the
// server decides everything. Two modes, from `data-mode`:
//   buy     the storefront: choose seats, a best-available shortcut, a
//           summary with the subtotal; statuses from the public endpoint,
//           refreshed on the event's availability stream.
//   manage  the organizer's page: status colours, who holds what, and
//           block / release through the JSON API (X-CSRF-Token).
// Drawing: one <path> per colour, each seat a zero-length segment with a
// round (or square) cap, so 80,000 seats are a handful of DOM nodes; taps
// and keys find seats through a grid index, not through the DOM.

const root = document.getElementById("seatmap");
const seatList = document.getElementById("seat-list");
if (seatList) enhanceList(seatList, root ? texts(root) : {});
if (root) {
  start(root).catch((e) => {
    console.error(e);
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = texts(root).failed ?? "The seat map could not be loaded.";
    root.replaceChildren(p);
    root.hidden = false;
  });
}

/** A catalog message with `{name}` places filled from `args`. */
function fill(message, args) {
  return message.replace(/\{(\w+)\}/g, (all, name) => (name in args ? String(args[name]) : all));
}

function texts(el) {
  try {
    return JSON.parse(el.dataset.text || "{}");
  } catch {
    return {};
  }
}

const SVG = "http://www.w3.org/2000/svg";
const FLAG = { wheelchair: 1, companion: 2, restricted_view: 4, aisle: 8 };
const A = 97, H = 104, S = 115, B = 98; // 'a' 'h' 's' 'b'
const STATUS_COLOURS = { a: "#15803d", h: "#b45309", s: "#1d4ed8", b: "#6b21a8" };
const TAKEN_COLOUR = "#868d98";
const INK = "#16181d";

function el(name, attrs = {}, ns = null) {
  const e = ns ? document.createElementNS(ns, name) : document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** The map document (docs/seat-map-format.md) as flat typed arrays. */
function parseMap(doc, zoneIndex) {
  let n = 0;
  for (const s of doc.sections ?? []) for (const r of s.rows) n += r.seats.length;
  const m = {
    n,
    x: new Float64Array(n),
    y: new Float64Array(n),
    zone: new Uint16Array(n),
    flags: new Uint8Array(n),
    row: new Uint32Array(n),
    ids: new Array(n),
    labels: new Array(n),
    rows: [],
    sections: [],
    byId: new Map(),
    focal: doc.focal_point ?? null,
  };
  let i = 0;
  for (const s of doc.sections ?? []) {
    const sec = { label: s.label, rowStart: m.rows.length, rowEnd: 0 };
    for (const r of s.rows) {
      const rowCat = r.category ?? s.category;
      const row = { label: r.label, section: m.sections.length, start: i, end: i + r.seats.length };
      for (const seat of r.seats) {
        m.x[i] = seat.x;
        m.y[i] = seat.y;
        const cat = seat.category ?? rowCat;
        m.zone[i] = zoneIndex.has(cat) ? zoneIndex.get(cat) : 0;
        let f = 0;
        for (const name of seat.flags ?? []) f |= FLAG[name] ?? 0;
        m.flags[i] = f;
        m.row[i] = m.rows.length;
        m.ids[i] = seat.id;
        m.labels[i] = seat.label;
        m.byId.set(seat.id, i);
        i++;
      }
      m.rows.push(row);
    }
    sec.rowEnd = m.rows.length;
    m.sections.push(sec);
  }
  // Bounds, and the seat pitch: the median gap between neighbours in a row.
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let k = 0; k < n; k++) {
    if (m.x[k] < minX) minX = m.x[k];
    if (m.x[k] > maxX) maxX = m.x[k];
    if (m.y[k] < minY) minY = m.y[k];
    if (m.y[k] > maxY) maxY = m.y[k];
  }
  const gaps = [];
  const step = Math.max(1, Math.floor(m.rows.length / 400));
  for (let r = 0; r < m.rows.length; r += step) {
    const row = m.rows[r];
    for (let k = row.start + 1; k < row.end && k < row.start + 8; k++) {
      const d = Math.hypot(m.x[k] - m.x[k - 1], m.y[k] - m.y[k - 1]);
      if (d > 0) gaps.push(d);
    }
  }
  gaps.sort((a, b) => a - b);
  m.pitch = gaps.length ? gaps[Math.floor(gaps.length / 2)] : 1;
  if (!(n > 0)) { minX = minY = 0; maxX = maxY = 1; }
  m.bounds = { minX, minY, maxX, maxY };
  m.grid = buildGrid(m);
  // Tiles for drawing: about 1,500 seats each on average.
  const per = Math.max(1, Math.ceil(Math.sqrt(n / 1500)));
  const tw = (maxX - minX) / per || 1, th = (maxY - minY) / per || 1;
  m.tile = new Uint16Array(n);
  for (let k = 0; k < n; k++) {
    m.tile[k] = Math.min(per - 1, Math.floor((m.y[k] - minY) / th)) * per + Math.min(per - 1, Math.floor((m.x[k] - minX) / tw));
  }
  return m;
}

/** Seats bucketed by cells one pitch wide, for hit tests. */
function buildGrid(m) {
  const size = m.pitch;
  const { minX, minY, maxX, maxY } = m.bounds;
  const cols = Math.max(1, Math.ceil((maxX - minX) / size) + 1);
  const rows = Math.max(1, Math.ceil((maxY - minY) / size) + 1);
  const cellOf = (k) => Math.floor((m.y[k] - minY) / size) * cols + Math.floor((m.x[k] - minX) / size);
  const start = new Uint32Array(cols * rows + 1);
  for (let k = 0; k < m.n; k++) start[cellOf(k) + 1]++;
  for (let c = 0; c < cols * rows; c++) start[c + 1] += start[c];
  const fill = start.slice(0, cols * rows);
  const items = new Uint32Array(m.n);
  for (let k = 0; k < m.n; k++) items[fill[cellOf(k)]++] = k;
  return { size, cols, rows, start, items };
}

/** The seat nearest to (x, y) within `reach` map units, or -1. */
function hit(m, x, y, reach) {
  const g = m.grid;
  const cx = Math.floor((x - m.bounds.minX) / g.size);
  const cy = Math.floor((y - m.bounds.minY) / g.size);
  const span = Math.max(1, Math.ceil(reach / g.size));
  let best = -1, bestD = reach * reach;
  for (let yy = cy - span; yy <= cy + span; yy++) {
    if (yy < 0 || yy >= g.rows) continue;
    for (let xx = cx - span; xx <= cx + span; xx++) {
      if (xx < 0 || xx >= g.cols) continue;
      const c = yy * g.cols + xx;
      for (let p = g.start[c]; p < g.start[c + 1]; p++) {
        const k = g.items[p];
        const d = (m.x[k] - x) ** 2 + (m.y[k] - y) ** 2;
        if (d <= bestD) { bestD = d; best = k; }
      }
    }
  }
  return best;
}

async function getJson(url) {
  const res = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

async function start(root) {
  const t0 = performance.now();
  const t = texts(root);
  const mode = root.dataset.mode === "manage" ? "manage" : "buy";
  const zones = JSON.parse(root.dataset.zones || "[]");
  const zoneIndex = new Map(zones.map((z, k) => [z.key, k]));
  const form = root.closest("form");
  const max = Number(root.dataset.max || 16);

  const [doc, first] = await Promise.all([
    getJson(root.dataset.map),
    getJson(mode === "buy" ? root.dataset.statuses : root.dataset.seating),
  ]);
  const t1 = performance.now();
  const m = parseMap(doc, zoneIndex);
  const status = new Uint8Array(m.n).fill(A);
  const holders = new Map();
  const chosen = new Set();
  const t2 = performance.now();

  // ---- the page's form: checkboxes by seat index, hidden fields for others
  const boxes = new Map();
  const indexBoxes = () => {
    boxes.clear();
    for (const cb of form.querySelectorAll("input[type=checkbox][name=seat]")) {
      const k = m.byId.get(cb.value);
      if (k !== undefined) boxes.set(k, cb);
    }
  };
  indexBoxes();
  const extra = document.getElementById("seat-extra") ?? form.appendChild(el("div"));
  for (const [k, cb] of boxes) if (cb.checked) chosen.add(k);

  // ---- the widget: toolbar, map, info line, legend, summary
  const toolbar = el("div", { class: "seat-toolbar", role: "toolbar", "aria-label": t.map ?? "Seat map" });
  const button = (label, text, cls = "secondary") => {
    const b = el("button", { type: "button", class: cls, "aria-label": label, title: label });
    b.textContent = text;
    toolbar.append(b);
    return b;
  };
  const zoomIn = button(t.zoomIn ?? "Zoom in", "+");
  const zoomOut = button(t.zoomOut ?? "Zoom out", "−");
  const fitBtn = button(t.fit ?? "Show the whole map", "⤢");
  const bestBtn = mode === "buy" ? button(t.best ?? "Best available", t.best ?? "Best available") : null;
  if (bestBtn) bestBtn.removeAttribute("aria-label");

  const svg = el("svg", {
    class: "seatmap", role: "application", tabindex: "0",
    "aria-label": t.keys ?? "Seat map", "aria-describedby": "seat-info",
  }, SVG);
  const layer = (cls) => svg.appendChild(el("g", { class: cls }, SVG));
  // Labels first: their halo never covers a seat.
  const labelsG = layer("row-labels");
  const under = layer("under");
  const seatsG = layer("seats");
  const over = layer("over");
  const sectionsG = layer("section-labels");
  const r = m.pitch * 0.42;
  const path = (parent, colour, width, cap = "round") =>
    parent.appendChild(el("path", { stroke: colour, "stroke-width": width, "stroke-linecap": cap, fill: "none" }, SVG));

  // Seat colours: buy mode colours free seats by zone and greys the rest;
  // manage mode colours by status. Each colour is drawn as one path per
  // tile of the map (about 1,500 seats a tile), so that the browser only
  // rasterizes the tiles in view when zoomed in.
  const classes = mode === "buy"
    ? [...(zones.length ? zones : [{ colour: "#1d4ed8" }]).map((z) => ({ colour: z.colour, width: r * 2 })), { colour: TAKEN_COLOUR, width: r * 1.1 }]
    : [
      { colour: STATUS_COLOURS.a, width: r * 2 },
      { colour: STATUS_COLOURS.h, width: r * 2 },
      { colour: STATUS_COLOURS.s, width: r * 2 },
      { colour: STATUS_COLOURS.b, width: r * 1.7, cap: "square" },
    ];
  const classOf = mode === "buy"
    ? (k) => (status[k] === A ? Math.min(m.zone[k], classes.length - 2) : classes.length - 1)
    : (k) => ({ [A]: 0, [H]: 1, [S]: 2 })[status[k]] ?? 3;
  const tilePaths = new Map();
  const paths = mode === "buy"
    ? { chosen: path(over, INK, r * 2.3), chosenDot: path(over, "#ffffff", r * 0.8) }
    : { ring: path(under, INK, r * 3.2), ringGap: path(under, "#ffffff", r * 2.5) };
  const focusRing = over.appendChild(el("circle", { r: r * 1.7, fill: "none", stroke: "#d97706", "stroke-width": r * 0.45, visibility: "hidden" }, SVG));

  // Row labels at both ends of each row (on a large map only those near
  // the view, made when zoomed in), section labels for the overview.
  const fontRow = m.pitch * 0.75;
  const within = (w, k) => !w || (m.x[k] >= w.x && m.x[k] <= w.x + w.w && m.y[k] >= w.y && m.y[k] <= w.y + w.h);
  let labelWin = null;
  const drawRowLabels = (w) => {
    labelWin = w;
    const frag = document.createDocumentFragment();
    for (const row of m.rows) {
      if (row.end === row.start) continue;
      // Both ends of a row; with several sections only its start, so that
      // the labels of neighbouring sections do not share the gap between them.
      const ends = row.end - row.start < 2 ? [[row.start, row.start]]
        : m.sections.length > 1 ? [[row.start, row.start + 1]]
        : [[row.start, row.start + 1], [row.end - 1, row.end - 2]];
      for (const [a, b] of ends) {
        if (!within(w, a)) continue;
        let dx = m.x[a] - m.x[b], dy = m.y[a] - m.y[b];
        const len = Math.hypot(dx, dy) || 1;
        dx = (dx / len) * m.pitch * 1.1;
        dy = (dy / len) * m.pitch * 1.1;
        if (a === b) { dx = -m.pitch * 1.1; dy = 0; }
        const text = el("text", { x: m.x[a] + dx, y: m.y[a] + dy, "font-size": fontRow, "text-anchor": "middle", "dominant-baseline": "central" }, SVG);
        text.textContent = row.label;
        frag.append(text);
      }
    }
    labelsG.replaceChildren(frag);
  };
  const manyRows = m.rows.length > 1500;
  if (!manyRows) drawRowLabels(null);
  const w0 = m.bounds.maxX - m.bounds.minX, h0 = m.bounds.maxY - m.bounds.minY;
  if (m.sections.length > 1) {
    const size = Math.max(w0, h0) / 40;
    for (const sec of m.sections) {
      let sx = 0, sy = 0, c = 0;
      for (let rr = sec.rowStart; rr < sec.rowEnd; rr++) {
        for (let k = m.rows[rr].start; k < m.rows[rr].end; k++) { sx += m.x[k]; sy += m.y[k]; c++; }
      }
      if (!c) continue;
      const text = el("text", { x: sx / c, y: sy / c, "font-size": size, "text-anchor": "middle", "dominant-baseline": "central" }, SVG);
      text.textContent = sec.label;
      sectionsG.append(text);
    }
  }
  if (m.focal) {
    const text = el("text", { x: m.focal.x, y: m.focal.y, "font-size": Math.max(m.pitch * 1.6, Math.max(w0, h0) / 30), "text-anchor": "middle", "dominant-baseline": "central", class: "stage" }, SVG);
    text.textContent = t.stage ?? "Stage";
    svg.insertBefore(text, under);
  }

  const info = el("p", { class: "seat-info", id: "seat-info" });
  info.textContent = mode === "buy" ? t.help ?? "" : t.selectHelp ?? "";
  const live = el("p", { class: "visually-hidden", "aria-live": "polite" });
  const legend = el("ul", { class: "legend" });
  const swatch = (colour, square = false, ring = false) => {
    const s = el("svg", { viewBox: "0 0 14 14", width: "14", height: "14", "aria-hidden": "true", class: "swatch" }, SVG);
    if (ring) s.append(el("circle", { cx: 7, cy: 7, r: 6, fill: INK }, SVG), el("circle", { cx: 7, cy: 7, r: 2.2, fill: "#fff" }, SVG));
    else if (square) s.append(el("rect", { x: 1.5, y: 1.5, width: 11, height: 11, fill: colour }, SVG));
    else s.append(el("circle", { cx: 7, cy: 7, r: 5.5, fill: colour }, SVG));
    return s;
  };
  const legendItem = (sw, text) => {
    const li = el("li");
    li.append(sw, document.createTextNode(text));
    legend.append(li);
  };
  if (mode === "buy") {
    for (const z of zones) legendItem(swatch(z.colour), `${z.name}${z.price ? ` · ${z.price}` : ""}`);
    legendItem(swatch(TAKEN_COLOUR), t.taken ?? "not available");
    legendItem(swatch(INK, false, true), t.chosen ?? "chosen");
  } else {
    legendItem(swatch(STATUS_COLOURS.a), t.available ?? "available");
    legendItem(swatch(STATUS_COLOURS.h), t.held ?? "held");
    legendItem(swatch(STATUS_COLOURS.s), t.sold ?? "sold");
    legendItem(swatch(STATUS_COLOURS.b, true), t.blocked ?? "blocked");
  }
  const summary = el("div", { class: "seat-summary" });
  const frame = el("div", { class: "seatmap-frame" });
  frame.append(svg);
  root.replaceChildren(toolbar, frame, info, legend, summary, live);
  root.hidden = false;

  // ---- what seats are called and cost
  const money = (minor) => {
    const currency = root.dataset.currency;
    if (!currency) return String(minor);
    const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
    return new Intl.NumberFormat(root.dataset.locale || "en", { style: "currency", currency }).format(minor / 10 ** digits);
  };
  const name = (k) => {
    const row = m.rows[m.row[k]];
    return fill(t.seatName ?? "{section} · {row} · {seat}", { section: m.sections[row.section].label, row: row.label, seat: m.labels[k] });
  };
  const words = (k) => {
    const parts = [];
    const z = zones[m.zone[k]];
    if (z) parts.push(`${z.name}${z.price ? ` ${z.price}` : ""}`);
    const f = m.flags[k];
    if (f & 1) parts.push(t.wheelchair);
    if (f & 2) parts.push(t.companion);
    if (f & 4) parts.push(t.restricted);
    const st = status[k];
    if (mode === "buy") parts.push(chosen.has(k) ? t.chosen : st === A ? t.available : t.taken);
    else parts.push({ [A]: t.available, [H]: t.held, [S]: t.sold, [B]: t.blocked }[st]);
    return `${name(k)} — ${parts.filter(Boolean).join(", ")}`;
  };
  const describe = (k) => {
    info.replaceChildren(document.createTextNode(words(k)));
    const who = holders.get(k);
    if (mode === "manage" && who) {
      info.append(document.createTextNode(" — "));
      if (who.order_id && root.dataset.orders) {
        const a = el("a", { href: root.dataset.orders + encodeURIComponent(who.order_id) });
        a.textContent = `${t.order ?? "Order"} ${who.order_reference ?? ""}`;
        info.append(a);
      } else if (who.order_reference) {
        info.append(document.createTextNode(`${t.order ?? "Order"} ${who.order_reference}`));
      }
      if (who.buyer_name) info.append(document.createTextNode(` — ${who.buyer_name} <${who.buyer_email ?? ""}>`));
    }
  };
  const say = (text) => {
    live.textContent = "";
    requestAnimationFrame(() => { live.textContent = text; });
  };

  // ---- drawing
  const seg = (k) => `M${m.x[k]} ${m.y[k]}h0`;
  const drawSeats = () => {
    const nc = classes.length;
    const parts = new Map();
    for (let k = 0; k < m.n; k++) {
      const key = m.tile[k] * nc + classOf(k);
      let list = parts.get(key);
      if (!list) parts.set(key, (list = []));
      list.push(seg(k));
    }
    for (const [key, p] of tilePaths) if (!parts.has(key)) p.setAttribute("d", "");
    for (const [key, list] of parts) {
      let p = tilePaths.get(key);
      if (!p) {
        const c = classes[key % nc];
        tilePaths.set(key, (p = path(seatsG, c.colour, c.width, c.cap)));
      }
      p.setAttribute("d", list.join(""));
    }
    drawChosen();
  };
  const drawChosen = () => {
    const d = [...chosen].map(seg).join("");
    if (mode === "buy") {
      paths.chosen.setAttribute("d", d);
      paths.chosenDot.setAttribute("d", d);
    } else {
      paths.ring.setAttribute("d", d);
      paths.ringGap.setAttribute("d", d);
    }
    renderSummary();
  };

  // ---- the summary under the map
  const renderSummary = () => {
    const list = [...chosen].sort((a, b) => a - b);
    if (mode === "manage") {
      summary.replaceChildren();
      if (!list.length) return;
      const p = el("p");
      p.textContent = `${t.selected ?? "Selected"}: ${list.length} `;
      const clear = el("button", { type: "button", class: "secondary small" });
      clear.textContent = t.clear ?? "Clear";
      clear.addEventListener("click", () => { for (const k of [...chosen]) setChosen(k, false); drawChosen(); });
      p.append(clear);
      summary.append(p);
      return;
    }
    const h = el("h3");
    h.textContent = t.yourSeats ?? "Your seats";
    if (!list.length) {
      const p = el("p", { class: "muted" });
      p.textContent = t.none ?? "";
      summary.replaceChildren(h, p);
      return;
    }
    const ul = el("ul", { class: "chosen-seats" });
    let total = 0;
    for (const k of list) {
      const z = zones[m.zone[k]];
      total += z?.minor ?? 0;
      const li = el("li");
      li.append(document.createTextNode(`${name(k)}${z ? ` — ${z.name}${z.price ? ` ${z.price}` : ""}` : ""} `));
      const rm = el("button", { type: "button", class: "secondary small", "aria-label": `${t.remove ?? "Remove"}: ${name(k)}` });
      rm.textContent = t.remove ?? "Remove";
      rm.addEventListener("click", () => { setChosen(k, false); drawChosen(); say(`${name(k)}: ${t.remove}`); });
      li.append(rm);
      ul.append(li);
    }
    const p = el("p", { class: "subtotal" });
    p.textContent = `${t.seatCount ?? "Seats"}: ${list.length} · ${t.subtotal ?? "Subtotal"} ${money(total)}`;
    summary.replaceChildren(h, ul, p);
  };

  // ---- choosing, kept in step with the form
  const modeRadio = (value) => form.querySelector(`input[name=mode][value=${value}]`);
  const setChosen = (k, on) => {
    if (on) chosen.add(k);
    else chosen.delete(k);
    const cb = boxes.get(k);
    if (cb) {
      cb.checked = on;
      return;
    }
    const id = m.ids[k];
    const existing = [...extra.querySelectorAll("input")].find((i) => i.value === id);
    if (on && !existing) extra.append(el("input", { type: "hidden", name: "seat", value: id }));
    if (!on && existing) existing.remove();
  };
  const choosable = (k) => (mode === "buy" ? status[k] === A : status[k] === A || status[k] === B);
  const toggle = (k) => {
    if (k < 0) return;
    if (!choosable(k)) {
      describe(k);
      say(words(k));
      return;
    }
    const on = !chosen.has(k);
    if (on && mode === "buy" && chosen.size >= max) {
      say(fill(t.atMost ?? "max {max}", { max }));
      info.textContent = fill(t.atMost ?? "max {max}", { max });
      return;
    }
    setChosen(k, on);
    if (mode === "buy") {
      const r = modeRadio("seats");
      if (r) r.checked = true;
    }
    drawChosen();
    describe(k);
    say(words(k));
  };
  form.addEventListener("change", (e) => {
    const cb = e.target;
    if (cb.name === "seat" && cb.type === "checkbox") {
      const k = m.byId.get(cb.value);
      if (k === undefined) return;
      if (cb.checked) chosen.add(k);
      else chosen.delete(k);
      if (mode === "buy" && cb.checked) {
        const r = modeRadio("seats");
        if (r) r.checked = true;
      }
      drawChosen();
    } else if (mode === "buy" && ["count", "category", "wheelchair"].includes(cb.name)) {
      const r = modeRadio("best");
      if (r) r.checked = true;
    }
  });

  // ---- statuses
  const applyStatuses = (text) => {
    if (text.length !== m.n) return false;
    const lost = [];
    for (let k = 0; k < m.n; k++) status[k] = text.charCodeAt(k);
    for (const k of [...chosen]) {
      if (!choosable(k)) {
        lost.push(k);
        setChosen(k, false);
      }
    }
    for (const [k, cb] of boxes) {
      const ok = choosable(k);
      cb.disabled = !ok;
      if (!ok) cb.checked = false;
      cb.parentElement?.classList.toggle("taken", mode === "buy" ? !ok : status[k] === H || status[k] === S);
      if (mode === "manage") cb.parentElement?.classList.toggle("blocked", status[k] === B);
    }
    drawSeats();
    seatList?.dispatchEvent(new Event("seats-changed"));
    if (lost.length && mode === "buy") {
      const msg = lost.map((k) => fill(t.justTaken ?? "{seat}", { seat: name(k) })).join(" ");
      info.textContent = msg;
      say(msg);
    }
    return true;
  };
  const fromSeating = (view) => {
    const chars = new Uint8Array(m.n).fill(A);
    holders.clear();
    for (const s of view.taken) {
      if (s.seat_index >= m.n) continue;
      chars[s.seat_index] = s.state === "held" ? H : s.state === "sold" ? S : B;
      if (s.state !== "blocked") holders.set(s.seat_index, s);
    }
    applyStatuses(new TextDecoder().decode(chars));
    for (const [key, value] of Object.entries(view.counts ?? {})) {
      const out = document.querySelector(`[data-count="${key}"]`);
      if (out) out.textContent = String(value);
    }
  };
  if (mode === "buy") applyStatuses(first.statuses);
  else fromSeating(first);
  let seatsVersion = mode === "buy" ? first.claims_version : null;

  // Refresh on the availability stream, at most once a second.
  if (root.dataset.stream && "EventSource" in window) {
    let busy = false, again = false, last = 0;
    const refresh = async () => {
      if (busy) { again = true; return; }
      busy = true;
      const wait = Math.max(0, last + 1000 - Date.now());
      await new Promise((ok) => setTimeout(ok, wait));
      try {
        last = Date.now();
        if (mode === "buy") {
          const st = await getJson(root.dataset.statuses);
          applyStatuses(st.statuses);
        } else {
          fromSeating(await getJson(root.dataset.seating));
        }
      } catch (e) {
        console.warn("seat statuses", e);
      } finally {
        busy = false;
        if (again) { again = false; refresh(); }
      }
    };
    const stream = new EventSource(root.dataset.stream);
    stream.addEventListener("availability", (ev) => {
      let v = null;
      try { v = JSON.parse(ev.data).seats_version; } catch { /* not ours to fix */ }
      if (v !== seatsVersion) { seatsVersion = v; refresh(); }
    });
    addEventListener("pagehide", () => stream.close());
  }

  // ---- view box: zoom and pan
  const pad = m.pitch * 2.5;
  const home = {
    x: Math.min(m.bounds.minX, m.focal?.x ?? Infinity) - pad,
    y: Math.min(m.bounds.minY, m.focal?.y ?? Infinity) - pad,
  };
  home.w = Math.max(m.bounds.maxX, m.focal?.x ?? -Infinity) + pad - home.x;
  home.h = Math.max(m.bounds.maxY, m.focal?.y ?? -Infinity) + pad - home.y;
  let vb = { ...home };
  const minW = m.pitch * 8;
  const maxW = home.w * 1.5;
  // While the view moves, the drawn SVG is only moved and scaled (a CSS
  // transform the compositor applies); once it rests, the view box is set
  // and the seats are drawn afresh. Screen and map coordinates are worked
  // out here rather than from the SVG, which may be mid-transform.
  let drawn = { ...vb };
  let frameReq = 0, restTimer = 0;
  const fitIn = (v) => {
    const b = frame.getBoundingClientRect();
    const s = Math.min((b.width || 1) / v.w, (b.height || 1) / v.h);
    return { s, ox: (b.width - v.w * s) / 2, oy: (b.height - v.h * s) / 2, left: b.left, top: b.top };
  };
  const unitsPerPx = () => 1 / fitIn(vb).s;
  const toMap = (clientX, clientY) => {
    const f = fitIn(vb);
    return { x: vb.x + (clientX - f.left - f.ox) / f.s, y: vb.y + (clientY - f.top - f.oy) / f.s };
  };
  const rest = () => {
    restTimer = 0;
    svg.setAttribute("viewBox", `${vb.x} ${vb.y} ${vb.w} ${vb.h}`);
    svg.style.transform = "";
    svg.classList.remove("moving");
    drawn = { ...vb };
    const px = m.pitch / unitsPerPx();
    svg.classList.toggle("far", px < 14);
    const seen = (w) => w && vb.x >= w.x && vb.y >= w.y && vb.x + vb.w <= w.x + w.w && vb.y + vb.h <= w.y + w.h;
    if (manyRows && px >= 14 && !seen(labelWin)) {
      drawRowLabels({ x: vb.x - vb.w, y: vb.y - vb.h, w: vb.w * 3, h: vb.h * 3 });
    }
  };
  const show = () => {
    if (!frameReq) {
      frameReq = requestAnimationFrame(() => {
        frameReq = 0;
        const c = fitIn(drawn), t2 = fitIn(vb);
        const k = t2.s / c.s;
        const tx = t2.ox - k * c.ox + (drawn.x - vb.x) * t2.s;
        const ty = t2.oy - k * c.oy + (drawn.y - vb.y) * t2.s;
        svg.style.transform = `translate(${tx}px, ${ty}px) scale(${k})`;
        svg.classList.add("moving");
      });
    }
    clearTimeout(restTimer);
    restTimer = setTimeout(() => requestAnimationFrame(rest), 120);
  };
  const zoom = (k, cx = vb.x + vb.w / 2, cy = vb.y + vb.h / 2) => {
    const w = Math.min(maxW, Math.max(minW, vb.w / k));
    const f = w / vb.w;
    vb = { x: cx - (cx - vb.x) * f, y: cy - (cy - vb.y) * f, w, h: vb.h * f };
    show();
  };
  const fit = () => { vb = { ...home }; show(); };
  svg.setAttribute("viewBox", `${vb.x} ${vb.y} ${vb.w} ${vb.h}`);
  rest();
  zoomIn.addEventListener("click", () => zoom(1.6));
  zoomOut.addEventListener("click", () => zoom(1 / 1.6));
  fitBtn.addEventListener("click", fit);
  frame.addEventListener("wheel", (e) => {
    e.preventDefault();
    const lines = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    const p = toMap(e.clientX, e.clientY);
    zoom(Math.exp(-e.deltaY * lines * 0.0015), p.x, p.y);
  }, { passive: false });

  // Pointers: one drags, two pinch, a tap without movement chooses.
  const pointers = new Map();
  let gesture = null;
  frame.addEventListener("pointerdown", (e) => {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    frame.setPointerCapture?.(e.pointerId);
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const pts = [...pointers.values()];
    if (pts.length === 1) {
      gesture = { kind: "tap", x: e.clientX, y: e.clientY, vb: { ...vb }, upp: unitsPerPx() };
    } else if (pts.length === 2) {
      const [a, b] = pts;
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      gesture = { kind: "pinch", dist: Math.hypot(a.x - b.x, a.y - b.y) || 1, mid, at: toMap(mid.x, mid.y), vb: { ...vb }, upp: unitsPerPx() };
    }
  });
  let hover = 0;
  frame.addEventListener("pointermove", (e) => {
    if (!pointers.has(e.pointerId)) {
      if (e.pointerType !== "mouse" || hover) return;
      hover = requestAnimationFrame(() => {
        hover = 0;
        const p = toMap(e.clientX, e.clientY);
        const k = hit(m, p.x, p.y, m.pitch * 0.6);
        if (k >= 0) describe(k);
      });
      return;
    }
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (!gesture) return;
    const pts = [...pointers.values()];
    if (gesture.kind === "pinch" && pts.length >= 2) {
      const [a, b] = pts;
      const k = (Math.hypot(a.x - b.x, a.y - b.y) || 1) / gesture.dist;
      const w = Math.min(maxW, Math.max(minW, gesture.vb.w / k));
      const f = w / gesture.vb.w;
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      const upp = gesture.upp * f;
      // The map point under the fingers' first midpoint follows the midpoint.
      const x = gesture.at.x - (gesture.at.x - gesture.vb.x) * f - (mid.x - gesture.mid.x) * upp;
      const y = gesture.at.y - (gesture.at.y - gesture.vb.y) * f - (mid.y - gesture.mid.y) * upp;
      vb = { x, y, w, h: gesture.vb.h * f };
      show();
    } else if (gesture.kind !== "pinch") {
      const dx = e.clientX - gesture.x, dy = e.clientY - gesture.y;
      if (gesture.kind === "tap" && Math.hypot(dx, dy) > 6) gesture.kind = "drag";
      if (gesture.kind === "drag") {
        vb = { ...vb, x: gesture.vb.x - dx * gesture.upp, y: gesture.vb.y - dy * gesture.upp };
        show();
      }
    }
  });
  const end = (e) => {
    if (!pointers.has(e.pointerId)) return;
    pointers.delete(e.pointerId);
    if (gesture?.kind === "tap" && e.type === "pointerup") tap(e.clientX, e.clientY, e.pointerType !== "mouse");
    // After a pinch, the remaining finger starts a fresh drag.
    gesture = null;
    if (pointers.size === 1) {
      const [p] = pointers.values();
      gesture = { kind: "drag", x: p.x, y: p.y, vb: { ...vb }, upp: unitsPerPx() };
    }
  };
  frame.addEventListener("pointerup", end);
  frame.addEventListener("pointercancel", end);
  const tap = (x, y, touch) => {
    const p = toMap(x, y);
    const px = m.pitch / unitsPerPx();
    const k = hit(m, p.x, p.y, m.pitch * 0.6);
    if (px < (touch ? 16 : 6)) {
      // Seats smaller than a fingertip: zoom in first.
      zoom(Math.min(4, 22 / px), p.x, p.y);
      info.textContent = t.zoomToChoose ?? "";
      return;
    }
    if (k >= 0) {
      focus = k;
      toggle(k);
    }
  };

  // ---- keyboard: arrows move a focus ring between seats
  let focus = -1;
  const placeRing = () => {
    if (focus < 0) { focusRing.setAttribute("visibility", "hidden"); return; }
    focusRing.setAttribute("cx", m.x[focus]);
    focusRing.setAttribute("cy", m.y[focus]);
    focusRing.setAttribute("visibility", "visible");
  };
  const nearestIn = (rowIdx, x, y) => {
    const row = m.rows[rowIdx];
    let best = row.start, bestD = Infinity;
    for (let k = row.start; k < row.end; k++) {
      const d = (m.x[k] - x) ** 2 + (m.y[k] - y) ** 2;
      if (d < bestD) { bestD = d; best = k; }
    }
    return best;
  };
  const keepInView = (k) => {
    const upp = unitsPerPx();
    if (m.pitch / upp < 12) {
      const w = Math.max(minW, vb.w * ((m.pitch / upp) / 18));
      const f = w / vb.w;
      vb = { x: m.x[k] - w / 2, y: m.y[k] - (vb.h * f) / 2, w, h: vb.h * f };
    } else if (m.x[k] < vb.x + m.pitch || m.x[k] > vb.x + vb.w - m.pitch || m.y[k] < vb.y + m.pitch || m.y[k] > vb.y + vb.h - m.pitch) {
      vb = { ...vb, x: m.x[k] - vb.w / 2, y: m.y[k] - vb.h / 2 };
    }
    show();
  };
  const moveTo = (k) => {
    if (k < 0 || k >= m.n) return;
    focus = k;
    placeRing();
    keepInView(k);
    describe(k);
    say(words(k));
  };
  svg.addEventListener("focus", () => {
    if (!svg.matches(":focus-visible")) return;
    if (focus >= 0) { placeRing(); return; }
    let k = chosen.size ? Math.min(...chosen) : -1;
    if (k < 0) {
      const cx = vb.x + vb.w / 2, cy = vb.y + vb.h / 2;
      let bestD = Infinity;
      for (let q = 0; q < m.n; q++) {
        if (!choosable(q)) continue;
        const d = (m.x[q] - cx) ** 2 + (m.y[q] - cy) ** 2;
        if (d < bestD) { bestD = d; k = q; }
      }
    }
    if (k < 0 && m.n) k = 0;
    if (k >= 0) { focus = k; placeRing(); describe(k); }
  });
  svg.addEventListener("blur", () => focusRing.setAttribute("visibility", "hidden"));
  svg.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (focus < 0) { focus = 0; placeRing(); }
    const row = m.rows[m.row[focus]];
    const sec = m.sections[row.section];
    let handled = true;
    switch (e.key) {
      case "Tab":
        handled = false;
        break;
      case "ArrowLeft": moveTo(Math.max(row.start, focus - 1)); break;
      case "ArrowRight": moveTo(Math.min(row.end - 1, focus + 1)); break;
      case "Home": moveTo(row.start); break;
      case "End": moveTo(row.end - 1); break;
      case "ArrowUp":
        if (m.row[focus] > 0) moveTo(nearestIn(m.row[focus] - 1, m.x[focus], m.y[focus]));
        break;
      case "ArrowDown":
        if (m.row[focus] + 1 < m.rows.length) moveTo(nearestIn(m.row[focus] + 1, m.x[focus], m.y[focus]));
        break;
      case "PageUp":
        if (row.section > 0) moveTo(m.rows[m.sections[row.section - 1].rowStart].start);
        break;
      case "PageDown":
        if (row.section + 1 < m.sections.length) moveTo(m.rows[m.sections[row.section + 1].rowStart].start);
        else moveTo(m.rows[sec.rowEnd - 1].start);
        break;
      case "Enter":
      case " ":
        toggle(focus);
        break;
      case "+":
      case "=":
        zoom(1.6, m.x[focus], m.y[focus]);
        break;
      case "-":
        zoom(1 / 1.6, m.x[focus], m.y[focus]);
        break;
      case "0":
        fit();
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  });

  // ---- best available: fill the form's fields and say so
  if (bestBtn) {
    bestBtn.addEventListener("click", () => {
      const count = form.querySelector("#count");
      const category = form.querySelector("#category");
      const picked = [...chosen];
      if (count) count.value = String(picked.length || Number(count.value) || 2);
      const zonesPicked = new Set(picked.map((k) => zones[m.zone[k]]?.key));
      if (category && zonesPicked.size === 1) category.value = [...zonesPicked][0] ?? "";
      for (const k of picked) setChosen(k, false);
      drawChosen();
      const r = modeRadio("best");
      if (r) r.checked = true;
      info.textContent = t.bestNote ?? "";
      say(t.bestNote ?? "");
      const fieldset = form.querySelector("#best");
      fieldset?.scrollIntoView({ block: "center", behavior: "smooth" });
      fieldset?.classList.add("flash");
      setTimeout(() => fieldset?.classList.remove("flash"), 1600);
      count?.focus({ preventScroll: true });
    });
  }

  // ---- organizer: block and release through the JSON API
  if (mode === "manage") {
    const alertBox = el("div", { role: "alert", class: "alert", hidden: "" });
    summary.after(alertBox);
    const csrf = document.querySelector("meta[name=csrf-token]")?.content ?? "";
    let working = false;
    form.addEventListener("submit", async (e) => {
      const action = e.submitter?.value;
      if (action !== "block" && action !== "release") return;
      e.preventDefault();
      if (working) return;
      alertBox.hidden = true;
      const picked = [...chosen];
      if (!picked.length) {
        info.textContent = t.nothingChosen ?? "";
        say(t.nothingChosen ?? "");
        return;
      }
      working = true;
      info.textContent = t.working ?? "";
      try {
        const res = await fetch(root.dataset.block, {
          method: "POST",
          credentials: "same-origin",
          headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": csrf },
          body: JSON.stringify({ seat_ids: picked.map((k) => m.ids[k]), blocked: action === "block" }),
        });
        const body = await res.json().catch(() => ({}));
        if (res.ok) {
          for (const k of picked) setChosen(k, false);
          fromSeating(body);
          const one = picked.length === 1;
          const msg = fill((action === "block" ? (one ? t.blockedOne : t.blockedDone) : (one ? t.releasedOne : t.releasedDone)) ?? "{count}", { count: picked.length });
          info.textContent = msg;
          say(msg);
        } else {
          alertBox.textContent = body?.error?.message ?? `${res.status}`;
          alertBox.hidden = false;
          fromSeating(await getJson(root.dataset.seating));
        }
      } catch (err) {
        alertBox.textContent = String(err);
        alertBox.hidden = false;
      } finally {
        working = false;
      }
    });
  }

  // The list stays for keyboard and screen-reader users, folded away.
  const list = document.getElementById("seat-list");
  if (list && !list.querySelector("[aria-invalid], .error")) list.open = false;

  drawChosen();
  const t3 = performance.now();
  // Timings, for the benchmark in BENCHMARKS.md.
  requestAnimationFrame(() => requestAnimationFrame(() => {
    root.dataset.timings = JSON.stringify({
      seats: m.n,
      fetch_ms: Math.round(t1 - t0),
      parse_ms: Math.round(t2 - t1),
      draw_ms: Math.round(t3 - t2),
      first_paint_ms: Math.round(performance.now() - t0),
    });
    root.dataset.ready = "1";
  }));
}

// The list of seats for keyboards: one stop in the tab order, arrow keys
// move between seats (left and right in a row, up and down between rows),
// Space ticks as usual; Tab leaves the list.
function enhanceList(list, t) {
  const rows = () =>
    [...list.querySelectorAll(".seat-boxes")]
      .map((r) => [...r.querySelectorAll("input[type=checkbox]:not(:disabled)")])
      .filter((r) => r.length);
  const all = () => rows().flat();
  const settle = (current) => {
    const boxes = all();
    if (!boxes.length) return;
    const keep = current && boxes.includes(current) ? current : boxes.find((b) => b.checked) ?? boxes[0];
    for (const b of list.querySelectorAll("input[type=checkbox]")) b.tabIndex = b === keep ? 0 : -1;
  };
  settle(null);
  if (t.listKeys) {
    const help = document.createElement("p");
    help.className = "muted";
    help.textContent = t.listKeys;
    list.querySelector("summary")?.after(help);
  }
  list.addEventListener("focusin", (e) => {
    if (e.target.matches?.("input[type=checkbox]")) settle(e.target);
  });
  list.addEventListener("keydown", (e) => {
    const box = e.target;
    if (!box.matches?.("input[type=checkbox]") || e.altKey || e.ctrlKey || e.metaKey) return;
    const grid = rows();
    const r = grid.findIndex((row) => row.includes(box));
    if (r < 0) return;
    const c = grid[r].indexOf(box);
    const at = (rr, cc) => grid[rr][Math.max(0, Math.min(grid[rr].length - 1, cc))];
    let next = null;
    switch (e.key) {
      case "ArrowRight": next = at(r, c + 1); break;
      case "ArrowLeft": next = at(r, c - 1); break;
      case "ArrowDown": if (r + 1 < grid.length) next = at(r + 1, Math.round((c / Math.max(1, grid[r].length - 1)) * (grid[r + 1].length - 1))); break;
      case "ArrowUp": if (r > 0) next = at(r - 1, Math.round((c / Math.max(1, grid[r].length - 1)) * (grid[r - 1].length - 1))); break;
      case "Home": next = grid[r][0]; break;
      case "End": next = grid[r][grid[r].length - 1]; break;
      default: return;
    }
    e.preventDefault();
    if (next) { settle(next); next.focus(); }
  });
  // Statuses change which seats can be ticked.
  list.addEventListener("seats-changed", () => settle(document.activeElement));
}
