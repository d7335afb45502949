// Ask for an AI edit of the box over a time range, follow the job, compare its variants
// side by side with the original, and accept one onto the timeline (docs/editor/ai-jobs.md).

import { h } from "./dom.js";
import { clamp, seconds, statusLine } from "./editor.parts.js";
import { itemAt, sourceTime } from "./editor.timeline.js";

const POLL_MS = 1000;

export function createAiTools(ctx) {
  const status = statusLine("ai-status");
  const prompt = h("textarea", { id: "ed-ai-prompt", name: "prompt", rows: "2",
                                 dataset: { testid: "ai-prompt" },
                                 placeholder: "blur the face, add red text \"SALE\", make it blue…" });
  const showRange = () => ctx.showRange(
    start.value === "" ? NaN : Number(start.value), end.value === "" ? NaN : Number(end.value));
  const start = h("input", { type: "number", id: "ed-ai-start", name: "start_ts", step: "0.01",
                             min: "0", oninput: () => showRange() });
  const end = h("input", { type: "number", id: "ed-ai-end", name: "end_ts", step: "0.01",
                           min: "0", oninput: () => showRange() });
  const count = h("select", { id: "ed-ai-count", name: "variants" },
    [1, 2, 3, 4].map((n) => h("option", { value: n, selected: n === 3 }, String(n))));
  const boxFields = ["x", "y", "width", "height"].map((key) => h("input", {
    type: "number", name: `box_${key}`, id: `ed-box-${key}`, min: "0", max: "100", step: "1",
    dataset: { testid: `box-${key}` },
    onchange: () => ctx.viewer.setBox(boxFromFields()),
  }));
  const variants = h("div", { class: "ed-variants", dataset: { testid: "variants" } });
  const playAll = h("button", { type: "button", hidden: true, onclick: () => playTogether() },
    "Play side by side");
  const hint = h("p", { class: "ed-muted" }, "Generate variants to compare them here with the original.");
  let timer = null;
  let job = null;

  const boxFromFields = () => {
    const [x, y, width, height] = boxFields.map((f) => Number(f.value) / 100);
    return width > 0 && height > 0 ? { x, y, width, height } : null;
  };

  // The range defaults to two seconds from the playhead, inside its segment: v1 of the
  // route edits within one segment (a range across a cut is a 400).
  const rangeFromPlayhead = () => {
    const item = ctx.current();
    if (!item) return;
    const from = ctx.playhead();
    start.value = from.toFixed(2);
    end.value = Math.min(item.at + item.duration, from + 2).toFixed(2);
    showRange();
  };
  const rangeOfSegment = () => {
    const item = ctx.current();
    if (!item) return;
    start.value = item.at.toFixed(2);
    end.value = (item.at + item.duration).toFixed(2);
    showRange();
  };

  async function generate(event) {
    event.preventDefault();
    const box = ctx.viewer.box;
    if (!box) {
      status.textContent = "Draw a box on the frame first (or type its position in per cent).";
      return;
    }
    if (!start.value || !end.value) rangeFromPlayhead();
    const body = { project_id: ctx.projectId, prompt: prompt.value,
                   start_ts: Number(start.value), end_ts: Number(end.value),
                   bounding_box: box, variants: Number(count.value) };
    try {
      const answer = await ctx.api.post("/api/ai/generate", body);
      const item = itemAt(ctx.layout(), body.start_ts);
      job = { id: answer.job_id, item, body, shown: new Set() };
      variants.replaceChildren(await originalCard(item, body));
      variants.dataset.jobId = answer.job_id;
      hint.hidden = true;
      status.textContent = "Generating…";
      poll();
    } catch (err) {
      ctx.api.showError(err);
    }
  }

  async function poll() {
    clearTimeout(timer);
    if (!job) return;
    const current = job;
    try {
      const answer = await ctx.api.get(`/api/job/${current.id}`);
      if (current !== job) return;
      for (const variant of answer.variants) {
        if (current.shown.has(variant.id)) continue;
        current.shown.add(variant.id);
        variants.append(await variantCard(variant));
      }
      variants.dataset.status = answer.status;
      playAll.hidden = answer.variants.length === 0;
      const total = current.body.variants;
      if (answer.status === "completed") {
        status.textContent = `${answer.variants.length} variants ready: compare them, then accept one.`;
        return;
      }
      if (answer.status === "failed") {
        status.textContent = `The AI edit failed: ${answer.error ?? "no reason given"}`;
        return;
      }
      status.textContent = `${answer.status}: ${answer.variants.length} of ${total} variants rendered…`;
    } catch (err) {
      ctx.api.showError(err);
      return;
    }
    timer = setTimeout(poll, POLL_MS);
  }

  // The original range, for the comparison: the segment's own clip, played from the
  // range's start to its end (a media fragment: the browser seeks and stops there).
  async function originalCard(item, body) {
    const from = sourceTime(item, body.start_ts);
    const to = sourceTime(item, body.end_ts);
    const src = `${await ctx.mediaSrc(item.segment.url)}#t=${from.toFixed(3)},${to.toFixed(3)}`;
    return h("article", { class: "ed-card ed-card--original", dataset: { testid: "original" } },
      h("h4", {}, "Original"),
      h("video", { src, controls: true, muted: true, playsinline: true, preload: "metadata",
                   dataset: { from: from.toFixed(3) } }),
      h("p", {}, `${seconds(body.start_ts)}–${seconds(body.end_ts)} on the timeline`));
  }

  async function variantCard(variant) {
    const score = h("p", { class: "ed-score", dataset: { testid: "variant-score" } });
    const accept = h("button", { type: "button", dataset: { testid: "accept-variant" } }, "Accept");
    const card = h("article", { class: "ed-card", dataset: { testid: "variant", variantId: variant.id } },
      h("h4", {}, `Variant ${variant.index + 1}`),
      h("video", { src: await ctx.mediaSrc(variant.url), poster: await ctx.imageSrc(variant.preview_url),
                   controls: true, muted: true, loop: true, playsinline: true, preload: "metadata" }),
      h("p", { class: "ed-desc" }, variant.description),
      h("ul", { class: "ed-labels", "aria-label": "Labels" },
        variant.labels.map((label) => h("li", {}, label))),
      h("div", { class: "ed-row" }, accept,
        h("button", { type: "button", onclick: () => scoreOf(variant, score) }, "Score")),
      score);
    accept.addEventListener("click", () => acceptVariant(variant, card));
    return card;
  }

  async function acceptVariant(variant, card) {
    try {
      await ctx.api.post(`/api/variant/${variant.id}/accept`, {});
      for (const other of variants.querySelectorAll("[data-testid=variant]")) {
        other.dataset.accepted = String(other === card);
      }
      status.textContent = `Variant ${variant.index + 1} is on the timeline.`;
      await ctx.reload();
    } catch (err) {
      ctx.api.showError(err);
    }
  }

  async function scoreOf(variant, into) {
    try {
      const answer = await ctx.api.get(`/api/variant/${variant.id}/score`, { compare_to: "original" });
      into.textContent = `${answer.score.overall_rating}: ${answer.score.details}`;
    } catch (err) {
      ctx.api.showError(err);
    }
  }

  // Side by side means at the same moment: every clip (the original from its range's
  // start) restarts together.
  function playTogether() {
    for (const video of variants.querySelectorAll("video")) {
      video.currentTime = Number(video.dataset.from ?? 0);
      video.play().catch(() => {});
    }
  }

  const field = (id, label, input) => h("div", { class: "ed-field" }, h("label", { for: id }, label), input);
  const element = h("section", { class: "ed-panel ed-ai", "aria-labelledby": "ed-ai-title" },
    h("h3", { id: "ed-ai-title" }, "AI edit"),
    h("form", { dataset: { testid: "ai-form" }, onsubmit: generate },
      field("ed-ai-prompt", "What should change inside the box?", prompt),
      h("div", { class: "ed-row" },
        field("ed-ai-start", "From (timeline s)", start),
        field("ed-ai-end", "To (timeline s)", end),
        h("button", { type: "button", onclick: rangeFromPlayhead }, "From playhead"),
        h("button", { type: "button", onclick: rangeOfSegment }, "Whole segment")),
      h("fieldset", { class: "ed-boxfields" }, h("legend", {}, "Box (per cent of the frame)"),
        ["x", "y", "width", "height"].map((key, i) => field(`ed-box-${key}`, key, boxFields[i])),
        h("button", { type: "button", dataset: { testid: "box-centre" },
                      onclick: () => ctx.viewer.setBox({ x: 0.25, y: 0.25, width: 0.5, height: 0.5 }) },
          "Centre box")),
      h("div", { class: "ed-row" },
        field("ed-ai-count", "Variants", count),
        h("button", { type: "submit", dataset: { testid: "ai-generate" } }, "Generate variants"))),
    status);
  // Wide, under the panels: the clips are compared at a useful size.
  const compare = h("section", { class: "ed-compare", "aria-labelledby": "ed-compare-title" },
    h("h3", { id: "ed-compare-title" }, "Variants"),
    hint, playAll, variants);

  return {
    element,
    compare,
    // The viewer's box changed (drawn, moved, cleared): show it in the fields.
    showBox(box) {
      boxFields.forEach((f, i) => {
        const key = ["x", "y", "width", "height"][i];
        f.value = box ? String(Math.round(clamp(box[key], 0, 1) * 100)) : "";
      });
    },
    // The timeline changed: shade the range again over the new layout.
    refresh() { showRange(); },
    stop() { clearTimeout(timer); job = null; },
  };
}
