// The ticket form on an event page, enhanced: a − and a + button around
// each quantity field (the page works without them: the fields are plain
// number inputs), a running total under the list, and on a refused form the
// focus moved to the first field at fault. The server still decides.
const form = document.querySelector("form.buy");
if (form) {
  const rows = [...form.querySelectorAll(".ticket-row")];
  const totalBox = form.querySelector(".running-total");
  const totalOut = form.querySelector("[data-total]");

  const count = (input) => {
    const n = Number.parseInt(input.value, 10);
    return Number.isFinite(n) && n > 0 ? n : 0;
  };

  const update = () => {
    let minor = 0;
    let currency = null;
    let pattern = "{}";
    let any = false;
    for (const row of rows) {
      const input = row.querySelector("input[type=number]");
      if (!input) continue;
      const n = count(input);
      const dec = row.querySelector("button[data-step='-1']");
      const inc = row.querySelector("button[data-step='1']");
      if (dec) dec.disabled = input.disabled || n <= 0;
      if (inc) inc.disabled = input.disabled || n >= Number(input.max || Infinity);
      if (n > 0) {
        any = true;
        minor += n * Number(row.dataset.unitMinor || 0);
        currency = row.dataset.currency;
        pattern = row.dataset.money || pattern;
      }
    }
    if (!totalBox || !totalOut) return;
    totalBox.hidden = !any;
    if (any && currency) {
      const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
      // Grouped with commas and the currency's decimals, placed as the
      // server places it (data-money), so the total reads like the prices.
      const number = new Intl.NumberFormat("en", { minimumFractionDigits: digits, maximumFractionDigits: digits })
        .format(minor / 10 ** digits);
      totalOut.value = pattern.replace("{}", number);
    }
  };

  for (const stepper of form.querySelectorAll(".stepper")) {
    const input = stepper.querySelector("input[type=number]");
    if (!input) continue;
    const button = (step, text, label) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "step";
      b.dataset.step = String(step);
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", () => {
        const max = Number(input.max || Infinity);
        input.value = String(Math.min(max, Math.max(0, count(input) + step)));
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      return b;
    };
    stepper.prepend(button(-1, "−", stepper.dataset.fewer || "−"));
    stepper.append(button(1, "+", stepper.dataset.more || "+"));
    stepper.classList.add("enhanced");
  }
  form.addEventListener("input", update);
  update();
}

// A refused form: the first field at fault gets the focus (the summary at
// the top lists them all).
const invalid = document.querySelector("main [aria-invalid=true], main .has-error");
if (invalid) invalid.focus();
