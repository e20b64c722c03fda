// scanner.js: the gate scanner page (/scan/{org}/{list}) made live.
//
// Online, every code goes to the scan API and the server's answer is the
// verdict. When the network is gone (or the request fails), the code is
// verified here with ticket-verify.js against the organization's keys and
// the event's revocation list, which the sync endpoint supplied earlier and
// IndexedDB keeps; admissions are remembered on this device, so a second
// offline scan of a ticket is "already used"; each offline scan is queued
// in IndexedDB and uploaded (idempotently, by nonce) once back online.
//
// The page's strings come from the server's catalogs (scanner.ftl) in the
// page's language, as JSON in the section's `data-strings` attribute;
// nothing here picks a language. Placeholders such as {n} are filled here.

const root = document.getElementById("scanner");
if (root) main(root);

function main(root) {
  const S = JSON.parse(root.dataset.strings);
  const cfg = {
    api: root.dataset.api,
    listId: root.dataset.list,
    eventId: root.dataset.event,
    gateId: root.dataset.gate || null,
    policy: root.dataset.policy,
    perDay: root.dataset.perDay ? Number(root.dataset.perDay) : null,
    timeZone: root.dataset.timezone || "UTC",
  };
  const lang = document.documentElement.lang || "en";
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const $ = (id) => document.getElementById(id);
  /** A translated template with its `{name}` slots filled. */
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  const el = {
    status: root.querySelector(".scan-status"),
    net: $("net"),
    queue: $("queue"),
    verdict: $("verdict"),
    cameraBox: $("camera"),
    video: $("video"),
    controls: root.querySelector(".camera-controls"),
    toggle: $("camera-toggle"),
    photoButton: $("photo-button"),
    photo: $("photo"),
    note: $("camera-note"),
    form: $("manual"),
    code: $("code"),
    stats: $("stats"),
    keys: $("keys"),
  };
  /** The server refuses longer input outright; such a QR code is no ticket. */
  const MAX_CODE_INPUT = 1000;
  const verifier = import(root.dataset.verify);
  // Awaited where needed; a failed load shows there, not as an unhandled rejection here.
  verifier.catch(() => {});
  const store = openStore(`tessera-scanner-${cfg.listId}`);
  const device = deviceName();

  let busy = false;
  /** When a request last failed for want of a network (ms). */
  let lastFailure = 0;
  let ring = null;
  let listCtx = null;
  let gates = [];
  let clockOffset = 0;
  let resetTimer = 0;

  // ----- status line -----

  function setOnline(flag) {
    el.status.hidden = false;
    el.net.textContent = flag ? S.online : S.offline;
    el.net.className = `net ${flag ? "online" : "offline"}`;
  }

  async function showQueue() {
    const n = await store.count("queue");
    const rejected = await store.count("rejected");
    el.queue.textContent = fill(S.waiting, { n }) + (rejected ? ` · ${fill(S.setAside, { n: rejected })}` : "");
    el.queue.dataset.count = String(n);
  }

  // ----- the verdict -----

  function formatTime(at) {
    const d = new Date(at);
    if (Number.isNaN(d.getTime())) return "";
    const day = (x) => new Intl.DateTimeFormat("en-CA", { timeZone: cfg.timeZone, dateStyle: "short" }).format(x);
    const sameDay = day(d) === day(new Date());
    const opts = sameDay ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" };
    try {
      return new Intl.DateTimeFormat(lang, { ...opts, timeZone: cfg.timeZone }).format(d);
    } catch {
      return d.toLocaleString(lang);
    }
  }

  function paragraph(text, cls) {
    const p = document.createElement("p");
    if (cls) p.className = cls;
    p.textContent = text;
    return p;
  }

  /**
   * Shows a result: { result, direction, offline, holder, ticketType, seat,
   * firstAt, firstGate }, or { message } for a problem that is no scan result.
   */
  function show(v) {
    clearTimeout(resetTimer);
    const box = el.verdict;
    box.replaceChildren();
    if (v.message) {
      box.className = "verdict bad";
      box.append(paragraph(v.message, "verdict-head"));
      if (v.link) {
        const a = document.createElement("a");
        a.href = v.link.href;
        a.textContent = v.link.text;
        box.append(a);
      }
    } else {
      const tone = v.result === "valid" ? "ok" : v.result === "already_used" ? "warn" : "bad";
      box.className = `verdict ${tone}`;
      box.dataset.result = v.result;
      const head = v.result === "valid" && v.direction === "exit" ? S.exitRecorded : S.results[v.result] ?? v.result;
      box.append(paragraph(head, "verdict-head"));
      if (v.holder) box.append(paragraph(v.holder, "verdict-name"));
      const details = [v.ticketType, v.seat ? `${S.seat} ${v.seat}` : ""].filter(Boolean).join(" · ");
      if (details) box.append(paragraph(details));
      if (v.result === "already_used" && v.firstAt) {
        const where = v.firstGate ? ` · ${S.gate} ${v.firstGate}` : "";
        box.append(paragraph(fill(S.firstAdmitted, { time: formatTime(v.firstAt) }) + where));
      }
      if (v.offline) box.append(paragraph(S.checkedOffline, "verdict-note"));
      signal(tone);
    }
    // Back to "ready" after a while, so that an old verdict is not taken for the next person's.
    resetTimer = setTimeout(() => {
      box.className = "verdict idle";
      delete box.dataset.result;
      box.replaceChildren(paragraph(S.ready, "verdict-head"));
    }, 10_000);
  }

  let audio = null;
  function signal(tone) {
    try {
      navigator.vibrate?.(tone === "ok" ? 80 : [90, 60, 90, 60, 200]);
    } catch {
      // Vibration is a nicety.
    }
    try {
      audio ??= new AudioContext();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = tone === "ok" ? 880 : tone === "warn" ? 440 : 220;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (tone === "ok" ? 0.12 : 0.4));
    } catch {
      // So is sound.
    }
  }

  // ----- what this device knows: keys, revocations, tickets, admissions -----

  function gateName(id) {
    return gates.find((g) => g.id === id)?.name ?? "";
  }

  async function applySync(m) {
    const v = await verifier;
    ring = v.keyRing(m.keys);
    if (ring.rejected.length) console.warn("key entries refused (bad id, not lower-case hex, small-order or non-canonical key) were left out", ring.rejected);
    listCtx = {
      eventId: m.list.event_id,
      ticketTypeIds: m.list.ticket_type_ids ?? [],
      policy: m.list.entry_policy,
      maxPerDay: m.list.max_entries_per_day ?? null,
      timeZone: cfg.timeZone,
      revoked: new Set(m.revoked),
    };
    gates = m.list.gates ?? [];
    clockOffset = Math.abs(m.offset ?? 0) > 2000 ? m.offset : 0;
    el.keys.hidden = false;
    el.keys.textContent = fill(S.keysUpdated, { time: formatTime(m.syncedAt) });
  }

  async function sync() {
    const meta = await store.get("meta", "sync");
    const since = meta?.cursor ? `&since=${encodeURIComponent(meta.cursor)}` : "";
    const t0 = Date.now();
    const res = await request(`${cfg.api}/sync?tickets=true${since}`, { timeout: 20_000 });
    if (!res?.ok) return false;
    // A body cut off by the network (or by leaving the page) is a failed sync, nothing worse.
    const body = await res.json().catch(() => null);
    if (!body) return false;
    const offset = Date.parse(body.server_time) - (t0 + Date.now()) / 2;
    await store.putMany(
      "tickets",
      (body.tickets ?? []).map((t) => ({
        id: t.id,
        ticket_type: t.ticket_type,
        holder_name: t.holder_name,
        status: t.status,
        code: t.code ?? null,
      })),
    );
    const m = {
      list: body.list,
      keys: body.keys,
      revoked: body.revoked,
      cursor: body.cursor,
      syncedAt: new Date().toISOString(),
      offset,
    };
    await store.put("meta", m, "sync");
    await applySync(m);
    return true;
  }

  /** An online answer teaches this device about the ticket, for later offline scans. */
  async function learn(answer) {
    const id = answer.ticket?.id;
    if (!id) return;
    const v = await verifier;
    let p = await store.get("presence", id);
    const at = Date.parse(answer.scanned_at);
    if (answer.result === "valid" && answer.direction === "entry") {
      p = v.recordEntry(p, { at, gateId: cfg.gateId }, cfg.timeZone);
    } else if (answer.result === "valid" && answer.direction === "exit" && p) {
      p = { ...p, inside: false };
    } else if (answer.result === "already_used") {
      const f = answer.first_scan;
      const base = p ?? { entries: 0, inside: false, first: null, day: null, dayEntries: 0 };
      p = {
        ...base,
        entries: Math.max(base.entries, 1),
        inside: true,
        first: base.first ?? (f ? { at: f.at, gateId: f.gate_id } : null),
        day: v.dayIn(at, cfg.timeZone),
        dayEntries: Math.max(base.dayEntries, cfg.perDay ?? 1),
      };
    } else {
      return;
    }
    await store.put("presence", p, id);
  }

  // ----- the network -----

  class SignedOut extends Error {}

  /** A same-origin request with the session's CSRF token; null when the network failed. */
  async function request(url, { method = "GET", body, timeout = 8000 } = {}) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeout);
    let res;
    try {
      res = await fetch(url, {
        method,
        credentials: "same-origin",
        headers: body ? { "content-type": "application/json", "x-csrf-token": csrf } : {},
        body: body ? JSON.stringify(body) : undefined,
        signal: ctl.signal,
      });
    } catch {
      lastFailure = Date.now();
      setOnline(false);
      return null;
    } finally {
      clearTimeout(timer);
    }
    lastFailure = 0;
    setOnline(true);
    if (res.status === 401) {
      show({ message: S.signedOut, link: { href: `/account/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, text: S.signIn } });
      throw new SignedOut();
    }
    return res;
  }

  async function refreshStats() {
    try {
      const res = await request(`${cfg.api}/stats`);
      if (!res?.ok) return;
      const s = await res.json().catch(() => null);
      if (!s) return;
      el.stats.textContent = fill(S.statsLine, { checked: s.checked_in, total: s.tickets });
    } catch (e) {
      if (!(e instanceof SignedOut)) throw e;
    }
  }

  let draining = false;
  /** Uploads queued offline scans, oldest first; each upload is idempotent. */
  async function drain() {
    if (draining) return;
    draining = true;
    let sent = false;
    try {
      for (;;) {
        const queued = (await store.getAll("queue")).sort((a, b) => a.scanned_at.localeCompare(b.scanned_at));
        if (queued.length === 0) break;
        const batch = queued.slice(0, 200);
        const res = await request(`${cfg.api}/scans/upload`, { method: "POST", body: { scans: batch }, timeout: 20_000 });
        if (!res) break;
        if (res.status === 422) {
          // Scans the server refuses (a gate removed, a clock far ahead) would block the
          // queue for good: set them aside, keep the rest.
          const err = await res.json().catch(() => null);
          const bad = new Set(
            Object.keys(err?.error?.fields ?? {})
              .map((f) => /^scans\[(\d+)\]/.exec(f)?.[1])
              .filter((i) => i !== undefined)
              .map(Number),
          );
          if (bad.size === 0) break;
          const out = batch.filter((_, i) => bad.has(i));
          await store.putMany("rejected", out);
          await store.delete("queue", out.map((s) => s.nonce));
          continue;
        }
        if (!res.ok) break;
        await store.delete("queue", batch.map((s) => s.nonce));
        sent = true;
      }
    } catch (e) {
      if (!(e instanceof SignedOut)) throw e;
    } finally {
      draining = false;
      await showQueue();
    }
    if (sent) await refreshStats();
  }

  // ----- checking a code -----

  function nonce() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    return "web-" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  function direction() {
    return el.form.querySelector('input[name="direction"]:checked')?.value ?? "entry";
  }

  async function check(raw) {
    const code = raw.trim();
    if (busy) return;
    busy = true;
    try {
      if (code.length > MAX_CODE_INPUT) {
        show({ result: "malformed" });
        return;
      }
      const scan = {
        code,
        nonce: nonce(),
        gate_id: cfg.gateId,
        direction: direction(),
        device,
        scanned_at: new Date(Date.now() + clockOffset).toISOString(),
      };
      let answer = null;
      // After a failed request the next scans decide here at once; the periodic sync finds the server again.
      if (navigator.onLine && Date.now() - lastFailure > 15_000) {
        const { scanned_at: _, ...live } = scan;
        const res = await request(`${cfg.api}/scans`, { method: "POST", body: live, timeout: 5000 });
        if (res?.ok) {
          // Cut off mid-answer: decided here instead (the upload's nonce keeps it one scan).
          answer = await res.json().catch(() => null);
        } else if (res && res.status < 500) {
          const err = await res.json().catch(() => null);
          show({ message: err?.error?.message ?? S.failed });
          return;
        }
      }
      if (answer) {
        show({
          result: answer.result,
          direction: answer.direction,
          holder: answer.ticket?.holder_name,
          ticketType: answer.ticket?.ticket_type,
          seat: answer.ticket?.seat,
          firstAt: answer.first_scan?.at,
          firstGate: answer.first_scan?.gate,
        });
        await learn(answer);
        // In the background: the verdict does not wait for the figures or the queue.
        refreshStats().catch((e) => console.warn("stats", e));
        drain().catch((e) => console.warn("upload", e));
      } else {
        await checkOffline(scan);
      }
    } catch (e) {
      if (!(e instanceof SignedOut)) {
        console.error(e);
        show({ message: S.failed });
      }
    } finally {
      busy = false;
    }
  }

  /** Decides here, with what the last sync brought, and queues the scan for upload. */
  async function checkOffline(scan) {
    if (!ring || !listCtx) {
      show({ message: S.noKeys });
      return;
    }
    const v = await verifier;
    const checked = await v.verifyCode(scan.code, ring);
    const claims = checked.claims;
    let result = { ok: null, unknown_key: "unknown", invalid_signature: "invalid_signature" }[checked.result];
    if (result === undefined) result = "malformed";
    let presence = null;
    const ticket = claims ? await store.get("tickets", claims.ticketId) : null;
    if (result === null) {
      presence = await store.get("presence", claims.ticketId);
      const at = Date.parse(scan.scanned_at);
      // As the server does: the window of the ticket's current code (the
      // sync brings it; it changes when the event moves), so an older code
      // still held is judged by the new dates.
      let judged = claims;
      if (ticket?.code && ticket.code !== scan.code) {
        try {
          const current = v.decodeCode(ticket.code).claims;
          if (current.ticketId === claims.ticketId) {
            judged = { ...claims, validFrom: current.validFrom, validUntil: current.validUntil };
          }
        } catch {
          // A stored code that does not decode changes nothing.
        }
      }
      const d = v.decideOffline(judged, listCtx, presence, { at, direction: scan.direction, gateId: cfg.gateId });
      result = d.result;
      if (result === "valid") await store.put("presence", d.presence, claims.ticketId);
    }
    await store.put("queue", { ...scan, admitted: result === "valid" });
    show({
      result,
      direction: scan.direction,
      offline: true,
      holder: ticket?.holder_name,
      ticketType: ticket?.ticket_type,
      seat: claims?.label,
      firstAt: presence?.first?.at,
      firstGate: gateName(presence?.first?.gateId),
    });
    await showQueue();
  }

  // ----- typed or pasted codes -----

  function fieldError(message) {
    el.form.querySelectorAll(".error").forEach((e) => e.remove());
    if (!message) {
      el.code.removeAttribute("aria-invalid");
      el.code.setAttribute("aria-describedby", "code-help");
      return;
    }
    const p = paragraph(message, "error");
    p.id = "code-error";
    el.code.after(p);
    el.code.setAttribute("aria-invalid", "true");
    el.code.setAttribute("aria-describedby", "code-error code-help");
  }

  el.form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (busy) return;
    if (!el.code.value.trim()) {
      fieldError(S.emptyCode);
      el.code.focus();
      return;
    }
    fieldError(null);
    const code = el.code.value;
    el.code.value = "";
    await check(code);
    el.code.focus();
  });

  // ----- the camera -----

  let stream = null;
  let detect = null;
  let lastText = "";
  let lastSeen = 0;

  /** A function from an image (video, bitmap) to the QR text in it, or null. */
  async function makeDetector() {
    if ("BarcodeDetector" in globalThis) {
      try {
        const formats = await globalThis.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) {
          const d = new globalThis.BarcodeDetector({ formats: ["qr_code"] });
          return async (src) => (await d.detect(src))[0]?.rawValue ?? null;
        }
      } catch {
        // Fall through to the decoder in JavaScript.
      }
    }
    const { decodeQR } = await import(root.dataset.qr);
    const canvas = document.createElement("canvas");
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    return async (src) => {
      const w = src.videoWidth || src.width;
      const h = src.videoHeight || src.height;
      if (!w || !h) return null;
      const scale = Math.min(1, 1000 / Math.max(w, h));
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      ctx.drawImage(src, 0, 0, canvas.width, canvas.height);
      return decodeQR(ctx.getImageData(0, 0, canvas.width, canvas.height))?.text ?? null;
    };
  }

  function note(text) {
    el.note.hidden = !text;
    el.note.textContent = text ?? "";
  }

  /** A code seen again while its verdict is fresh is the same person, not a second scan. */
  function seen(text) {
    const now = Date.now();
    const repeat = text === lastText && now - lastSeen < 4000;
    lastText = text;
    lastSeen = now;
    return repeat;
  }

  async function startCamera() {
    note(null);
    try {
      detect ??= await makeDetector();
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
    } catch (e) {
      console.warn("camera", e);
      stream = null;
      note(`${S.cameraFailed}. ${S.cameraHelp}`);
      el.photoButton.hidden = false;
      return;
    }
    el.video.srcObject = stream;
    el.cameraBox.hidden = false;
    await el.video.play().catch(() => {});
    el.toggle.textContent = S.stopCamera;
    el.toggle.setAttribute("aria-pressed", "true");
    try {
      localStorage.setItem("tessera-scanner-camera", "on");
    } catch {
      // Remembering is a nicety.
    }
    scanFrames(stream);
  }

  function stopCamera(remember = true) {
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    el.video.srcObject = null;
    el.cameraBox.hidden = true;
    el.toggle.textContent = S.startCamera;
    el.toggle.setAttribute("aria-pressed", "false");
    if (remember) {
      try {
        localStorage.setItem("tessera-scanner-camera", "off");
      } catch {
        // Remembering is a nicety.
      }
    }
  }

  async function scanFrames(current) {
    while (stream === current) {
      if (!busy && el.video.readyState >= 2) {
        const text = await detect(el.video).catch(() => null);
        if (text && !seen(text)) await check(text);
      }
      await new Promise((r) => setTimeout(r, 120));
    }
  }

  el.controls.hidden = false;
  if (navigator.mediaDevices?.getUserMedia) {
    el.toggle.addEventListener("click", () => (stream ? stopCamera() : startCamera()));
    el.toggle.setAttribute("aria-pressed", "false");
    let resume = false;
    document.addEventListener("visibilitychange", () => {
      if (document.hidden && stream) {
        resume = true;
        stopCamera(false);
      } else if (!document.hidden && resume) {
        resume = false;
        startCamera();
      }
    });
    try {
      if (localStorage.getItem("tessera-scanner-camera") === "on") startCamera();
    } catch {
      // No storage: the camera waits for the button.
    }
  } else {
    // Plain http on a LAN: no live camera, but the phone's camera app can take a photo.
    el.toggle.hidden = true;
    el.photoButton.hidden = false;
    if (!window.isSecureContext) note(S.needsHttps);
  }
  el.photoButton.addEventListener("click", () => el.photo.click());
  el.photo.addEventListener("change", async () => {
    const file = el.photo.files?.[0];
    el.photo.value = "";
    if (!file) return;
    try {
      detect ??= await makeDetector();
      const bitmap = await createImageBitmap(file);
      const text = await detect(bitmap);
      bitmap.close?.();
      if (!text) {
        note(S.noQrInPhoto);
        return;
      }
      note(null);
      await check(text);
    } catch (e) {
      console.warn("photo", e);
      note(S.noQrInPhoto);
    }
  });

  // ----- opening without a network -----

  /**
   * Registers the service worker and caches this page and its files, so that
   * the scanner reopens offline. Needs a secure context (https or localhost).
   */
  async function keepForOffline() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext || !root.dataset.sw) return;
    try {
      await navigator.serviceWorker.register(root.dataset.sw, { scope: "/scan/" });
      const cache = await caches.open("tessera-scanner");
      const files = [
        ...[...document.querySelectorAll('link[rel="stylesheet"], script[src]')].map((e) => e.href ?? e.src),
        new URL(root.dataset.verify, location.href).href,
        new URL(root.dataset.qr, location.href).href,
      ];
      const keep = async (u) => {
        const res = await fetch(u);
        if (res.ok) await cache.put(u, res);
      };
      await Promise.all([location.href, ...files].map((u) => keep(u).catch(() => {})));
      // Older versions of the files are of no use any more.
      for (const req of await cache.keys()) {
        if (new URL(req.url).pathname.startsWith("/assets/") && !files.includes(req.url)) await cache.delete(req);
      }
      root.dataset.offlineReady = "true";
    } catch (e) {
      console.warn("offline copy of the scanner", e);
    }
  }

  // ----- start -----

  addEventListener("online", async () => {
    setOnline(true);
    lastFailure = 0;
    try {
      await drain();
      await sync();
    } catch (e) {
      if (!(e instanceof SignedOut)) console.error(e);
    }
  });
  addEventListener("offline", () => setOnline(false));

  (async () => {
    setOnline(navigator.onLine);
    await showQueue();
    const cached = await store.get("meta", "sync");
    if (cached) await applySync(cached);
    else {
      el.keys.hidden = false;
      el.keys.textContent = S.keysMissing;
    }
    const tick = async () => {
      try {
        if (navigator.onLine) {
          await sync();
          await drain();
          await refreshStats();
        }
      } catch (e) {
        if (!(e instanceof SignedOut)) console.error(e);
      }
    };
    await tick();
    setInterval(tick, 30_000);
    if (navigator.onLine) await keepForOffline();
  })();
}

// ---------------------------------------------------------------------------
// Storage: IndexedDB, or memory where the browser refuses it (then nothing
// survives a reload, but the page still works).
// ---------------------------------------------------------------------------

function openStore(name) {
  const STORES = { meta: undefined, tickets: "id", presence: undefined, queue: "nonce", rejected: "nonce" };
  const db = new Promise((resolve) => {
    let req;
    try {
      req = indexedDB.open(name, 1);
    } catch {
      resolve(null);
      return;
    }
    req.onupgradeneeded = () => {
      for (const [store, keyPath] of Object.entries(STORES)) {
        if (!req.result.objectStoreNames.contains(store)) req.result.createObjectStore(store, keyPath ? { keyPath } : {});
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
  });
  const memory = Object.fromEntries(Object.keys(STORES).map((s) => [s, new Map()]));
  const keyOf = (store, value, key) => key ?? (STORES[store] ? value[STORES[store]] : undefined);

  /** Runs `work(objectStore)` in one transaction; resolves with its request's result when committed. */
  async function run(store, mode, work) {
    const d = await db;
    if (!d) return work(null);
    return new Promise((resolve, reject) => {
      const t = d.transaction(store, mode);
      let result;
      const r = work(t.objectStore(store));
      if (r && "onsuccess" in r) r.onsuccess = () => (result = r.result);
      t.oncomplete = () => resolve(result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  }

  return {
    get: (store, key) => run(store, "readonly", (s) => (s ? s.get(key) : memory[store].get(key))),
    getAll: (store) => run(store, "readonly", (s) => (s ? s.getAll() : [...memory[store].values()])),
    count: (store) => run(store, "readonly", (s) => (s ? s.count() : memory[store].size)),
    put: (store, value, key) =>
      run(store, "readwrite", (s) => {
        if (!s) return void memory[store].set(keyOf(store, value, key), value);
        if (STORES[store]) s.put(value);
        else s.put(value, key);
      }),
    putMany: (store, values) =>
      run(store, "readwrite", (s) => {
        for (const v of values) {
          if (s) s.put(v);
          else memory[store].set(keyOf(store, v), v);
        }
      }),
    delete: (store, keys) =>
      run(store, "readwrite", (s) => {
        for (const k of keys) {
          if (s) s.delete(k);
          else memory[store].delete(k);
        }
      }),
  };
}

/** This browser's name in the scan log, so that two phones of one person can be told apart. */
function deviceName() {
  try {
    let id = localStorage.getItem("tessera-scanner-device");
    if (!id) {
      const b = crypto.getRandomValues(new Uint8Array(3));
      id = "web-" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
      localStorage.setItem("tessera-scanner-device", id);
    }
    return id;
  } catch {
    return "web";
  }
}
