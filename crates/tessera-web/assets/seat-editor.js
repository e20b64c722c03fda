// The seat-map editor (ui/seat_editor.rs): draws the venue's map as SVG,
// selects seats (click, Shift-click, a dragged box, or the keyboard) and
// changes them (category, marks, numbers, place, removal); the page's
// add-row form adds rows here instead of posting. "Save" sends the whole
// map to the seat-map import of the JSON API, which validates it; refused
// maps list each problem with the seat it is about, and those seats are
// outlined on the map. Without this script the form adds rows on the
// server and files are imported on the venue page.

const root = document.getElementById("seat-editor");
if (root) start(root).catch((e) => {
  console.error(e);
  const p = document.createElement("p");
  p.className = "error";
  p.textContent = texts().failed ?? "The editor could not be loaded.";
  root.replaceChildren(p);
  root.hidden = false;
});

function texts() {
  try {
    return JSON.parse(root.dataset.text || "{}");
  } catch {
    return {};
  }
}

/** A catalog message with `{name}` places filled from `args`. */
function fill(message, args) {
  return (message ?? "").replace(/\{(\w+)\}/g, (all, name) => (name in args ? String(args[name]) : all));
}

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = ["#1d4ed8", "#047857", "#b45309", "#7e22ce", "#be123c", "#0e7490", "#4d7c0f", "#9d174d"];

async function start(root) {
  const t = texts();
  const res = await fetch(root.dataset.export, { headers: { accept: "application/json" }, credentials: "same-origin" });
  let doc;
  if (res.ok) doc = await res.json();
  else if (res.status === 404) doc = { format: "tessera-seat-map", version: 1, sections: [] };
  else throw new Error(`export: ${res.status}`);
  doc.sections ??= [];

  const canvas = root.querySelector("#editor-canvas");
  const status = root.querySelector("#editor-status");
  const problems = root.querySelector("#editor-problems");
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("role", "application");
  svg.setAttribute("aria-label", t.canvas ?? "Seat map editor");
  svg.setAttribute("tabindex", "0");
  svg.classList.add("editor-svg");
  canvas.append(svg);

  /** Every seat as [section, row, seat] objects, in document order. */
  const seats = () => doc.sections.flatMap((s) => (s.rows ?? []).flatMap((r) => (r.seats ?? []).map((seat) => ({ s, r, seat }))));
  const categoryOf = ({ s, r, seat }) => seat.category ?? r.category ?? s.category ?? "";
  const selected = new Set();
  const invalid = new Set();
  let cursor = null;
  let dirty = false;

  const colourOf = (() => {
    const known = [];
    return (c) => {
      if (!known.includes(c)) known.push(c);
      return COLOURS[known.indexOf(c) % COLOURS.length];
    };
  })();

  function nameOf({ s, r, seat }) {
    return fill(t.seatName, { section: s.label, row: r.label, seat: seat.label });
  }

  function say(text) {
    status.textContent = text;
  }

  function sayCount() {
    const n = selected.size;
    say(n === 0 ? t.selectedNone : n === 1 ? t.selectedOne : fill(t.selectedMany, { count: n }));
  }

  function changed() {
    dirty = true;
    invalid.clear();
    draw();
    say(t.unsaved ?? "");
  }

  function draw() {
    const all = seats();
    const xs = all.map((a) => a.seat.x), ys = all.map((a) => a.seat.y);
    const pad = 2;
    const minX = Math.min(0, ...xs) - pad, maxX = Math.max(0, ...xs) + pad;
    const minY = Math.min(0, ...ys) - pad, maxY = Math.max(0, ...ys) + pad;
    svg.setAttribute("viewBox", `${minX} ${minY} ${maxX - minX} ${maxY - minY}`);
    svg.replaceChildren();
    for (const a of all) {
      const c = document.createElementNS(SVG, "circle");
      c.setAttribute("cx", a.seat.x);
      c.setAttribute("cy", a.seat.y);
      c.setAttribute("r", 0.4);
      c.setAttribute("fill", colourOf(categoryOf(a)));
      c.classList.add("editor-seat");
      if (selected.has(a.seat)) c.classList.add("selected");
      if (invalid.has(a.seat)) c.classList.add("invalid");
      if (cursor === a.seat) c.classList.add("cursor");
      if ((a.seat.flags ?? []).length) c.classList.add("flagged");
      const title = document.createElementNS(SVG, "title");
      title.textContent = `${nameOf(a)} · ${categoryOf(a)}${(a.seat.flags ?? []).length ? " · " + a.seat.flags.join(", ") : ""}`;
      c.append(title);
      c.addEventListener("pointerdown", (e) => {
        e.stopPropagation();
        if (!e.shiftKey) selected.clear();
        if (selected.has(a.seat)) selected.delete(a.seat);
        else selected.add(a.seat);
        cursor = a.seat;
        draw();
        sayCount();
      });
      svg.append(c);
    }
  }

  // A dragged box selects the seats inside it.
  let box = null;
  function point(e) {
    const p = svg.createSVGPoint();
    p.x = e.clientX;
    p.y = e.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  svg.addEventListener("pointerdown", (e) => {
    const from = point(e);
    const rect = document.createElementNS(SVG, "rect");
    rect.classList.add("editor-box");
    svg.append(rect);
    box = { from, rect, add: e.shiftKey };
    svg.setPointerCapture(e.pointerId);
  });
  svg.addEventListener("pointermove", (e) => {
    if (!box) return;
    const to = point(e);
    const x = Math.min(box.from.x, to.x), y = Math.min(box.from.y, to.y);
    box.rect.setAttribute("x", x);
    box.rect.setAttribute("y", y);
    box.rect.setAttribute("width", Math.abs(to.x - box.from.x));
    box.rect.setAttribute("height", Math.abs(to.y - box.from.y));
    box.to = to;
  });
  svg.addEventListener("pointerup", () => {
    if (!box) return;
    const { from, to, add } = box;
    box = null;
    if (!to) {
      if (!add) selected.clear();
    } else {
      if (!add) selected.clear();
      const [x0, x1] = [Math.min(from.x, to.x), Math.max(from.x, to.x)];
      const [y0, y1] = [Math.min(from.y, to.y), Math.max(from.y, to.y)];
      for (const a of seats()) if (a.seat.x >= x0 && a.seat.x <= x1 && a.seat.y >= y0 && a.seat.y <= y1) selected.add(a.seat);
    }
    draw();
    sayCount();
  });

  // Keyboard: arrows move the cursor to the nearest seat that way, Space
  // selects it, Shift+arrows move the selected seats, Delete removes them.
  svg.addEventListener("keydown", (e) => {
    const dirs = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const all = seats();
    if (e.key in dirs) {
      e.preventDefault();
      const [dx, dy] = dirs[e.key];
      if (e.shiftKey && selected.size) return move(dx * 0.5, dy * 0.5);
      if (!cursor) cursor = all[0]?.seat ?? null;
      else {
        let best = null, bestD = Infinity;
        for (const a of all) {
          const vx = a.seat.x - cursor.x, vy = a.seat.y - cursor.y;
          const along = vx * dx + vy * dy;
          if (along <= 0.01) continue;
          const d = along + 3 * Math.abs(vx * dy - vy * dx);
          if (d < bestD) (best = a.seat), (bestD = d);
        }
        if (best) cursor = best;
      }
      draw();
      const a = all.find((x) => x.seat === cursor);
      if (a) say(`${nameOf(a)}${selected.has(cursor) ? " ✓" : ""}`);
    } else if (e.key === " " || e.key === "Enter") {
      e.preventDefault();
      if (!cursor) return;
      if (selected.has(cursor)) selected.delete(cursor);
      else selected.add(cursor);
      draw();
      sayCount();
    } else if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      remove();
    } else if (e.key === "a" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      for (const a of all) selected.add(a.seat);
      draw();
      sayCount();
    }
  });

  function move(dx, dy) {
    if (!selected.size) return sayCount();
    for (const seat of selected) {
      seat.x = Math.round((seat.x + dx) * 1000) / 1000;
      seat.y = Math.round((seat.y + dy) * 1000) / 1000;
    }
    changed();
  }

  function remove() {
    if (!selected.size) return sayCount();
    for (const s of doc.sections) for (const r of s.rows ?? []) r.seats = (r.seats ?? []).filter((x) => !selected.has(x));
    for (const s of doc.sections) s.rows = (s.rows ?? []).filter((r) => r.seats.length);
    doc.sections = doc.sections.filter((s) => s.rows.length);
    selected.clear();
    cursor = null;
    changed();
  }

  root.addEventListener("click", (e) => {
    const tool = e.target.closest("[data-tool], [data-move]");
    if (!tool) return;
    if (tool.dataset.move) {
      const [dx, dy] = tool.dataset.move.split(",").map(Number);
      return move(dx * 0.5, dy * 0.5);
    }
    switch (tool.dataset.tool) {
      case "all":
        for (const a of seats()) selected.add(a.seat);
        draw();
        return sayCount();
      case "none":
        selected.clear();
        draw();
        return sayCount();
      case "category": {
        const value = root.querySelector("#tool-category").value.trim();
        if (!value) return say(t.needText ?? "");
        if (!selected.size) return sayCount();
        for (const seat of selected) seat.category = value;
        return changed();
      }
      case "flags": {
        if (!selected.size) return sayCount();
        const flags = [...root.querySelectorAll("[data-flag]")].filter((c) => c.checked).map((c) => c.dataset.flag);
        for (const seat of selected) {
          if (flags.length) seat.flags = flags;
          else delete seat.flags;
        }
        return changed();
      }
      case "renumber": {
        if (!selected.size) return sayCount();
        const first = Number(root.querySelector("#tool-number").value || 1);
        // Row by row, left to right.
        for (const s of doc.sections)
          for (const r of s.rows ?? []) {
            const picked = (r.seats ?? []).filter((x) => selected.has(x)).sort((a, b) => a.x - b.x);
            picked.forEach((seat, i) => (seat.label = String(first + i)));
          }
        return changed();
      }
      case "delete":
        return remove();
      case "save":
        return save();
    }
  });

  // The add-row form adds the row here; "Save" keeps it.
  const form = document.getElementById("add-row");
  form?.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = (k) => form.elements[k].value.trim();
    const num = (k) => Number(v(k).replace(",", "."));
    const section = v("section"), label = v("row"), category = v("category");
    const count = Math.trunc(num("seats")), start = Math.trunc(num("start"));
    const spacing = num("spacing"), curve = num("curve") || 0;
    const bad = [["section", section], ["row", label], ["category", category]].find(([, x]) => !x);
    if (bad) {
      form.elements[bad[0]].focus();
      return say(t.needText ?? "");
    }
    if (!(count >= 1 && count <= 500) || !(start >= 0) || !(spacing > 0) || !Number.isFinite(curve)) {
      form.elements[!(count >= 1 && count <= 500) ? "seats" : !(spacing > 0) ? "spacing" : "start"].focus();
      return;
    }
    let s = doc.sections.find((x) => x.label === section);
    const backOf = (rows) => Math.max(-Infinity, ...rows.flatMap((r) => (r.seats ?? []).map((x) => x.y)));
    const mapBack = backOf(doc.sections.flatMap((x) => x.rows ?? []));
    if (!s) {
      s = { label: section, rows: [] };
      doc.sections.push(s);
    }
    if (s.rows.some((r) => r.label === label)) return say(fill(t.rowExists, { section, row: label }));
    const own = backOf(s.rows);
    const y0 = Number.isFinite(own) ? own + spacing : Number.isFinite(mapBack) ? mapBack + 2 * spacing : 0;
    const half = (count - 1) / 2;
    const round = (x) => Math.round(x * 1000) / 1000;
    const row = { label, category, seats: [] };
    for (let i = 0; i < count; i++) {
      const off = i - half;
      const bend = half > 0 ? curve * spacing * (off / half) ** 2 : 0;
      row.seats.push({ label: String(start + i), x: round(off * spacing), y: round(y0 + bend) });
    }
    s.rows.push(row);
    selected.clear();
    for (const seat of row.seats) selected.add(seat);
    changed();
    form.elements.row.value = "";
  });

  async function save() {
    say(t.saving ?? "");
    problems.replaceChildren();
    const csrf = document.querySelector("meta[name=csrf-token]")?.content ?? "";
    const body = JSON.stringify(doc);
    const res = await fetch(root.dataset.import, {
      method: "PUT",
      credentials: "same-origin",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        // No Idempotency-Key: replacing the map is idempotent as it is, and
        // the key's replay store takes small bodies only.
        "x-csrf-token": csrf,
      },
      body,
    });
    const answer = await res.json().catch(() => ({}));
    if (res.ok) {
      dirty = false;
      const n = answer.seats ?? seats().length;
      say(n === 1 ? t.savedOne : fill(t.savedMany, { count: n }));
      root.dataset.saved = String(n);
      // Seats keep their ids; new ones get theirs: read the map back.
      const again = await fetch(root.dataset.export, { headers: { accept: "application/json" }, credentials: "same-origin" });
      if (again.ok) {
        doc = await again.json();
        doc.sections ??= [];
        selected.clear();
        cursor = null;
        draw();
      }
      return;
    }
    const fields = answer?.error?.fields ?? {};
    const list = document.createElement("ul");
    invalid.clear();
    const entries = Object.entries(fields);
    if (!entries.length) entries.push(["map", answer?.error?.message ?? String(res.status)]);
    for (const [field, message] of entries) {
      const li = document.createElement("li");
      li.textContent = fill(t.problem, { place: placeOf(field), problem: message });
      list.append(li);
    }
    const p = document.createElement("p");
    p.textContent = t.refused ?? "";
    problems.replaceChildren(p, list);
    problems.focus();
    draw();
    say(t.refused ?? "");
  }

  /** The seat, row or section a problem's path is about; its seats outlined. */
  function placeOf(field) {
    const path = field.replace(/^map: /, "");
    const idx = (key) => {
      const m = path.match(new RegExp(`${key}\\[(\\d+)\\]`));
      return m ? Number(m[1]) : null;
    };
    const s = doc.sections[idx("sections")];
    const r = s?.rows?.[idx("rows")];
    const seat = r?.seats?.[idx("seats")];
    if (seat) {
      invalid.add(seat);
      return fill(t.seatName, { section: s.label, row: r.label, seat: seat.label });
    }
    if (r) {
      for (const x of r.seats ?? []) invalid.add(x);
      return fill(t.rowName, { section: s.label, row: r.label });
    }
    if (s) return s.label;
    return path;
  }

  window.addEventListener("beforeunload", (e) => {
    if (dirty) e.preventDefault();
  });

  draw();
  root.hidden = false;
  root.dataset.ready = "1";
}
