// Keeps the sales page live: the event's availability stream says when
// something sold (or came back); the figures are then fetched again as
// server-rendered HTML, at most once every two seconds. A sale handled by
// another server process may not change the public figures, so the page
// also refreshes every half minute.
const box = document.getElementById("sales");
const status = document.getElementById("sales-status");
if (box && window.EventSource) {
  const stream = new EventSource(`/api/v1/events/${box.dataset.event}/availability`);
  let first = true;
  let waiting = false;
  let again = false;
  const refresh = async () => {
    if (waiting) {
      again = true;
      return;
    }
    waiting = true;
    try {
      const res = await fetch(box.dataset.fragment, { credentials: "same-origin", cache: "no-store" });
      if (res.ok) {
        box.innerHTML = await res.text();
        if (status) status.textContent = new Date().toLocaleTimeString(document.documentElement.lang);
      }
    } catch {
      // Offline for a moment: the next change tries again.
    }
    setTimeout(() => {
      waiting = false;
      if (again) {
        again = false;
        refresh();
      }
    }, 2000);
  };
  setInterval(refresh, 30000);
  stream.addEventListener("availability", () => {
    // The first message is the state at connection time; the page has it.
    if (first) {
      first = false;
      return;
    }
    refresh();
  });
}
