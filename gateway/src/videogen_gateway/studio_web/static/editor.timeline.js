// The editor's timeline: what plays (the active segments in order), a strip of thumbnails
// over it, the playhead, and a frame preview under the cursor while scrubbing.
//
// Two clocks meet here (docs/editor/timeline.md): a segment's start_ts/end_ts are seconds
// of its SOURCE media, while the playhead, previews and AI ranges are seconds on the
// TIMELINE (the active segments one after another). layoutOf() is the one place that
// converts between them, with the same rule as the gateway's preview_routes.source_time.

import { h } from "./dom.js";
import { clamp, newestOnly, seconds } from "./editor.parts.js";

export function layoutOf(timeline) {
  let at = 0;
  const items = timeline
    .filter((segment) => segment.active)
    .sort((a, b) => a.order_index - b.order_index)
    .map((segment, index) => {
      const duration = segment.end_ts - segment.start_ts;
      const item = { segment, index, at, duration };
      at += duration;
      return item;
    });
  return { items, length: at };
}

// The segment showing at timeline time `ts` (the last one at the very end), as the gateway
// picks it, so a split or a preview lands on the segment the user sees under the playhead.
export function itemAt(layout, ts) {
  for (const item of layout.items) if (ts < item.at + item.duration) return item;
  return layout.items.at(-1) ?? null;
}

export function sourceTime(item, ts) {
  return item.segment.start_ts + (ts - item.at);
}

// A strip thumbnail every ~THUMB_PX of timeline width: enough to recognise a shot, few
// enough that a strip is one quick request (the gateway caps a strip at 240 frames).
const THUMB_PX = 96;

export function createTimeline({ api, projectId, imageSrc, onSeek }) {
  let layout = { items: [], length: 0 };
  let fps = 25;
  let playhead = 0;
  let strip = [];
  const exact = new Map(); // frame number → frame_url, for the preview under the cursor

  const thumbs = h("div", { class: "ed-strip", "aria-hidden": "true" });
  const ruler = h("div", {
    class: "ed-ruler", role: "slider", tabindex: "0", dataset: { testid: "scrubber" },
    "aria-label": "Playhead (arrow keys: one frame, Shift: one second, Home/End)",
    "aria-valuemin": "0", "aria-valuemax": "0", "aria-valuenow": "0",
  }, thumbs);
  const track = h("div", { class: "ed-track", role: "group", "aria-label": "Segments" });
  const playheadLine = h("div", { class: "ed-playhead", "aria-hidden": "true" });
  const hoverLine = h("div", { class: "ed-hoverline", hidden: true, "aria-hidden": "true" });
  const scrubImg = h("img", { alt: "" });
  const scrubTime = h("span", { class: "ed-scrub-time" });
  const scrub = h("div", { class: "ed-scrub", hidden: true, dataset: { testid: "scrub-preview" } },
    scrubImg, scrubTime);
  const range = h("div", { class: "ed-range", hidden: true, "aria-hidden": "true",
                          "data-testid": "ai-range" });
  const lanes = h("div", { class: "ed-lanes" }, ruler, track, range, playheadLine, hoverLine, scrub);
  const element = h("section", { class: "ed-timeline", dataset: { testid: "timeline" },
                                 "aria-label": "Timeline" }, lanes);

  const tsAt = (clientX) => {
    const box = lanes.getBoundingClientRect();
    return clamp((clientX - box.left) / Math.max(box.width, 1), 0, 1) * layout.length;
  };
  const percent = (ts) => `${layout.length ? (ts / layout.length) * 100 : 0}%`;

  // The exact frame under the cursor, newest request only; the nearest strip thumbnail
  // stands in until it arrives, so the preview never shows nothing while moving.
  const fetchExact = newestOnly(async (ts) => {
    const frame = Math.round(ts * fps);
    try {
      let url = exact.get(frame);
      if (!url) {
        const answer = await api.post(`/api/project/${projectId}/preview/frame`, { ts });
        url = answer.frame_url;
        exact.set(frame, url);
      }
      if (!scrub.hidden && Math.round(Number(scrub.dataset.ts) * fps) === frame) {
        scrubImg.src = await imageSrc(url);
      }
    } catch (err) {
      api.showError(err);
    }
  });

  const hover = (event) => {
    if (!layout.length) return;
    const ts = tsAt(event.clientX);
    const box = lanes.getBoundingClientRect();
    const x = clamp(event.clientX - box.left, 0, box.width);
    hoverLine.hidden = false;
    hoverLine.style.left = `${x}px`;
    scrub.hidden = false;
    scrub.dataset.ts = String(ts);
    // Keep the preview inside the timeline at both ends.
    scrub.style.left = `${clamp(x, 80, Math.max(80, box.width - 80))}px`;
    scrubTime.textContent = seconds(ts);
    const near = [...strip].reverse().find((f) => f.timestamp <= ts + 1e-6);
    if (near?.src && !exact.has(Math.round(ts * fps))) scrubImg.src = near.src;
    fetchExact(ts);
  };
  const unhover = () => {
    hoverLine.hidden = true;
    scrub.hidden = true;
  };

  let dragging = false;
  lanes.addEventListener("pointerdown", (event) => {
    if (!layout.length || event.button !== 0) return;
    dragging = true;
    lanes.setPointerCapture(event.pointerId);
    onSeek(tsAt(event.clientX));
  });
  lanes.addEventListener("pointermove", (event) => {
    hover(event);
    if (dragging) onSeek(tsAt(event.clientX));
  });
  const stop = () => { dragging = false; };
  lanes.addEventListener("pointerup", stop);
  lanes.addEventListener("pointercancel", stop);
  lanes.addEventListener("pointerleave", unhover);

  ruler.addEventListener("keydown", (event) => {
    const step = event.shiftKey ? 1 : 1 / fps;
    const moves = {
      ArrowLeft: playhead - step, ArrowDown: playhead - step,
      ArrowRight: playhead + step, ArrowUp: playhead + step,
      PageDown: playhead - 5, PageUp: playhead + 5, Home: 0, End: layout.length,
    };
    if (!(event.key in moves) || !layout.length) return;
    event.preventDefault();
    onSeek(clamp(moves[event.key], 0, layout.length));
  });

  // Edits in quick succession each load a strip; only the newest one is shown.
  let stripAsked = 0;
  async function loadStrip() {
    const mine = ++stripAsked;
    strip = [];
    thumbs.replaceChildren();
    if (!layout.length) return;
    const count = clamp(Math.floor(ruler.clientWidth / THUMB_PX) || 8, 2, 60);
    const rate = Math.min(60, count / layout.length);
    const answer = await api.post(`/api/project/${projectId}/preview/strip`,
                                  { start: 0, end: layout.length, fps: rate });
    const width = `${(1 / rate / layout.length) * 100}%`;
    const sources = await Promise.all(answer.frames.map((f) => imageSrc(f.frame_url)));
    if (mine !== stripAsked) return;
    strip = answer.frames.map((f, i) => ({ ...f, src: sources[i] }));
    thumbs.replaceChildren(...strip.map((frame) => {
      const img = h("img", { alt: "", src: frame.src, dataset: { ts: frame.timestamp } });
      img.style.left = percent(frame.timestamp);
      img.style.width = width;
      return img;
    }));
  }

  function renderSegments() {
    track.replaceChildren(...layout.items.map((item) => {
      const { segment } = item;
      const label = `Segment ${item.index + 1}, ${segment.source}, source `
        + `${seconds(segment.start_ts)} to ${seconds(segment.end_ts)}`;
      const button = h("button", {
        type: "button", class: `ed-segment ed-segment--${segment.source}`,
        dataset: { testid: "segment", segmentId: segment.id, source: segment.source },
        "aria-label": label,
        title: label,
        // A keyboard press (detail 0) goes to the segment's start; a pointer press has
        // already put the playhead where it landed.
        onclick: (event) => { if (event.detail === 0) onSeek(item.at); },
      }, h("span", { class: "ed-segment-label" },
           `${item.index + 1} · ${segment.source} · ${seconds(item.duration)}`));
      button.style.left = percent(item.at);
      button.style.width = percent(item.duration);
      return button;
    }));
  }

  return {
    element,
    ruler,
    // A new timeline (after an upload or an edit): segments, then the strip behind them.
    async show(nextLayout, nextFps) {
      layout = nextLayout;
      fps = nextFps || 25;
      exact.clear();
      ruler.setAttribute("aria-valuemax", layout.length.toFixed(2));
      element.dataset.length = layout.length.toFixed(3);
      renderSegments();
      this.seek(Math.min(playhead, layout.length));
      await loadStrip();
    },
    // The AI edit's range (timeline seconds), shaded over the lanes; null hides it.
    showRange(from, to) {
      const shown = layout.length > 0 && Number.isFinite(from) && Number.isFinite(to) && to > from;
      range.hidden = !shown;
      if (!shown) return;
      range.style.left = percent(clamp(from, 0, layout.length));
      range.style.width = percent(clamp(to, 0, layout.length) - clamp(from, 0, layout.length));
    },
    seek(ts) {
      playhead = ts;
      playheadLine.style.left = percent(ts);
      ruler.setAttribute("aria-valuenow", ts.toFixed(2));
      ruler.setAttribute("aria-valuetext", seconds(ts));
      const current = itemAt(layout, ts);
      for (const button of track.children) {
        const on = current !== null && button.dataset.segmentId === current.segment.id;
        button.classList.toggle("is-current", on);
        if (on) button.setAttribute("aria-current", "true");
        else button.removeAttribute("aria-current");
      }
    },
  };
}
