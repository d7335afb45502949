// Small parts every editor panel uses: a time as text, a clamp, a status line, and a way
// to ask for the newest of a stream of previews without queueing stale ones.

import { h } from "./dom.js";

// "12.34 s": the unit is always shown, since timeline and source times both appear.
export function seconds(value) {
  return `${value.toFixed(2)} s`;
}

export function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

// What the editor itself has to say (not an API error: those go to the shell's
// [role=alert] through api.showError).
export function statusLine(testid) {
  return h("p", { class: "ed-status", role: "status", dataset: { testid } });
}

// Wraps an async `fn(arg)` so that at most one call runs at a time and, while it runs,
// only the newest argument waits. Scrubbing asks for a frame on every pointer move; the
// server answers in ~15 ms, but a queue of stale requests would make the preview lag
// behind the cursor, so the ones in between are dropped. `fn` reports its own errors.
export function newestOnly(fn) {
  let running = false;
  let waiting = null;
  const run = (arg) => {
    if (running) {
      waiting = { arg };
      return;
    }
    running = true;
    Promise.resolve()
      .then(() => fn(arg))
      .catch(() => {})
      .finally(() => {
        running = false;
        if (waiting) {
          const next = waiting.arg;
          waiting = null;
          run(next);
        }
      });
  };
  return run;
}
