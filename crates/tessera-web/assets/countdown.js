// The hold countdown on an order page: `<span data-countdown="RFC 3339">`
// shows the minutes and seconds left and reloads the page when the hold
// runs out, so that the server (not this script) says what happened.
const els = document.querySelectorAll("[data-countdown]");
for (const el of els) {
  const end = Date.parse(el.dataset.countdown);
  if (Number.isNaN(end)) continue;
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const m = Math.floor(left / 60);
    const s = String(left % 60).padStart(2, "0");
    el.textContent = `${m}:${s}`;
    if (left === 0) {
      clearInterval(timer);
      setTimeout(() => location.reload(), 1500);
    }
  };
  const timer = setInterval(tick, 1000);
  tick();
}
