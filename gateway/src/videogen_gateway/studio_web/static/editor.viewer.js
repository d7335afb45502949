// The frame at the playhead, and the box drawn on it for an AI edit.
//
// The box is kept as fractions of the frame (0..1), which is what the AI route reads when
// all four values are within 0..1 (docs/editor/ai.md), so the page never needs the source's
// pixel size and the box means the same on any screen size.

import { h } from "./dom.js";
import { clamp } from "./editor.parts.js";

const MIN = 0.02; // a box smaller than 2 % of the frame is a stray click, not a region

export function createViewer({ onBox }) {
  let box = null;
  const img = h("img", { alt: "The frame at the playhead", class: "ed-frame-img" });
  const boxEl = h("div", {
    class: "ed-box", hidden: true, tabindex: "0", role: "img", dataset: { testid: "box" },
    "aria-label": "AI edit region (arrow keys move it, Shift+arrows resize, Delete clears)",
  });
  const layer = h("div", { class: "ed-boxlayer", dataset: { testid: "box-layer" } }, boxEl);
  const empty = h("p", { class: "ed-empty" }, "Upload a clip to see its frames here.");
  const frame = h("div", { class: "ed-frame" }, img, layer);
  const figure = h("figure", { class: "ed-viewer", dataset: { testid: "frame-preview" } },
    empty, frame,
    h("figcaption", { class: "ed-hint" },
      "Drag on the frame to draw the region an AI edit changes."));
  frame.hidden = true;

  function setBox(next, { quiet = false } = {}) {
    box = next && next.width >= MIN && next.height >= MIN ? normalised(next) : null;
    boxEl.hidden = box === null;
    if (box) {
      boxEl.style.left = `${box.x * 100}%`;
      boxEl.style.top = `${box.y * 100}%`;
      boxEl.style.width = `${box.width * 100}%`;
      boxEl.style.height = `${box.height * 100}%`;
      for (const [key, value] of Object.entries(box)) boxEl.dataset[key] = value.toFixed(4);
    }
    if (!quiet) onBox(box);
  }

  // Drawing: the corner where the pointer went down, and the one it is at now.
  let anchor = null;
  const pointAt = (event) => {
    const rect = layer.getBoundingClientRect();
    return {
      x: clamp((event.clientX - rect.left) / rect.width, 0, 1),
      y: clamp((event.clientY - rect.top) / rect.height, 0, 1),
    };
  };
  layer.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    anchor = pointAt(event);
    layer.setPointerCapture(event.pointerId);
  });
  layer.addEventListener("pointermove", (event) => {
    if (!anchor) return;
    const p = pointAt(event);
    setBox({ x: Math.min(anchor.x, p.x), y: Math.min(anchor.y, p.y),
             width: Math.abs(p.x - anchor.x), height: Math.abs(p.y - anchor.y) });
  });
  const finish = () => {
    if (anchor && box) boxEl.focus({ preventScroll: true });
    anchor = null;
  };
  layer.addEventListener("pointerup", finish);
  layer.addEventListener("pointercancel", finish);

  boxEl.addEventListener("keydown", (event) => {
    if (!box) return;
    if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      setBox(null);
      return;
    }
    const step = 0.01;
    const dx = { ArrowLeft: -step, ArrowRight: step }[event.key] ?? 0;
    const dy = { ArrowUp: -step, ArrowDown: step }[event.key] ?? 0;
    if (!dx && !dy) return;
    event.preventDefault();
    if (event.shiftKey) setBox({ ...box, width: box.width + dx, height: box.height + dy });
    else setBox({ ...box, x: box.x + dx, y: box.y + dy });
  });

  return {
    element: figure,
    show(src) {
      empty.hidden = Boolean(src);
      frame.hidden = !src;
      if (src) img.src = src;
      else img.removeAttribute("src");
    },
    get box() { return box; },
    setBox,
    // A <video> shown over the frame (under the box) while the timeline plays.
    mount(overlay) { frame.insertBefore(overlay, layer); },
  };
}

// Inside the frame, at least MIN wide and high, rounded to 1/10000 (the route takes any
// float; rounding only keeps what the page shows and what it sends the same).
function normalised({ x, y, width, height }) {
  const w = clamp(width, MIN, 1);
  const hgt = clamp(height, MIN, 1);
  const round = (v) => Math.round(v * 10000) / 10000;
  return { x: round(clamp(x, 0, 1 - w)), y: round(clamp(y, 0, 1 - hgt)),
           width: round(w), height: round(hgt) };
}
