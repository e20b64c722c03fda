// Live availability on an event page: the event's availability stream says
// how many of each ticket type are left; the page says "sold out" or "only
// N left" as it changes, and caps (or disables) the quantity field. The
// server still decides at reservation time.
const form = document.querySelector("form[data-event]");
if (form && window.EventSource) {
  const stream = new EventSource(`/api/v1/events/${form.dataset.event}/availability`);
  stream.addEventListener("availability", (message) => {
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    for (const t of data.ticket_types ?? []) {
      const note = form.querySelector(`[data-avail="${t.id}"]`);
      const field = form.querySelector(`input[data-ticket-type="${t.id}"]`);
      if (note) {
        note.textContent = t.available <= 0 ? form.dataset.soldOut : t.available <= 10 ? form.dataset.left.replace("{n}", String(t.available)) : "";
      }
      if (field) {
        field.disabled = t.available <= 0 || !t.on_sale;
        if (t.available > 0) {
          const cap = Math.min(Number(field.dataset.maxPerOrder ?? field.max), t.available);
          field.max = String(cap);
        }
      }
    }
  });
}
