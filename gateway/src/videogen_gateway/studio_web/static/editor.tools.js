// Cut and grade the segment under the playhead: split, trim, delete, and the colour grade
// with a live preview (docs/editor/timeline.md, docs/editor/previews.md).

import { h } from "./dom.js";
import { newestOnly, seconds, statusLine } from "./editor.parts.js";
import { sourceTime } from "./editor.timeline.js";

// GRADE_LIMITS of contracts/media/editing.py, with their neutral values: the sliders offer
// exactly what the route accepts, so no slider position can be a 400.
export const GRADES = [
  { name: "brightness", label: "Brightness", min: -1, max: 1, step: 0.01, neutral: 0 },
  { name: "contrast", label: "Contrast", min: 0, max: 3, step: 0.01, neutral: 1 },
  { name: "saturation", label: "Saturation", min: 0, max: 3, step: 0.01, neutral: 1 },
  { name: "temperature", label: "Temperature", min: -1, max: 1, step: 0.01, neutral: 0 },
  { name: "gamma", label: "Gamma", min: 0.1, max: 10, step: 0.05, neutral: 1 },
  { name: "hue_shift", label: "Hue shift (°)", min: -180, max: 180, step: 1, neutral: 0 },
];

export function createCutTools(ctx) {
  const status = statusLine("cut-status");
  const inField = h("input", { type: "number", name: "trim_in", step: "0.01", min: "0", id: "ed-trim-in" });
  const outField = h("input", { type: "number", name: "trim_out", step: "0.01", min: "0", id: "ed-trim-out" });

  const edit = (label, fn) => async () => {
    const item = ctx.current();
    if (!item) return;
    try {
      await fn(item);
      await ctx.reload();
    } catch (err) {
      ctx.api.showError(err);
      status.textContent = `${label} failed.`;
    }
  };

  const split = edit("Split", async (item) => {
    const at = sourceTime(item, ctx.playhead());
    // Strictly inside, as the route requires: at an edge there is nothing to split.
    if (at <= item.segment.start_ts + 1e-3 || at >= item.segment.end_ts - 1e-3) {
      status.textContent = "Move the playhead inside a segment to split it there.";
      return;
    }
    await ctx.api.post(`/api/segment/${item.segment.id}/split`, { split_ts: at });
    status.textContent = `Split segment ${item.index + 1} at ${seconds(at)} of its source.`;
  });
  const trim = edit("Trim", async (item) => {
    const body = { new_start_ts: Number(inField.value), new_end_ts: Number(outField.value) };
    await ctx.api.post(`/api/segment/${item.segment.id}/trim`, body);
    status.textContent = `Trimmed segment ${item.index + 1} to `
      + `${seconds(body.new_start_ts)}–${seconds(body.new_end_ts)} of its source.`;
  });
  const remove = edit("Delete", async (item) => {
    await ctx.api.del(`/api/segment/${item.segment.id}`);
    status.textContent = `Deleted segment ${item.index + 1}.`;
  });
  const fromPlayhead = (field) => () => {
    const item = ctx.current();
    if (item) field.value = sourceTime(item, ctx.playhead()).toFixed(2);
  };

  const element = h("section", { class: "ed-panel", "aria-labelledby": "ed-cut-title" },
    h("h3", { id: "ed-cut-title" }, "Cut"),
    h("p", { class: "ed-current", dataset: { testid: "current-segment" } }),
    h("div", { class: "ed-row" },
      h("button", { type: "button", dataset: { testid: "split" }, onclick: split,
                    title: "Split the segment at the playhead (S on the timeline)" },
        "Split at playhead"),
      h("button", { type: "button", class: "ed-danger", dataset: { testid: "delete-segment" },
                    onclick: remove }, "Delete segment")),
    h("fieldset", { class: "ed-trim" },
      h("legend", {}, "Trim (seconds of the segment's source)"),
      h("div", { class: "ed-row" },
        h("label", { for: "ed-trim-in" }, "In"), inField,
        h("button", { type: "button", onclick: fromPlayhead(inField) }, "In = playhead")),
      h("div", { class: "ed-row" },
        h("label", { for: "ed-trim-out" }, "Out"), outField,
        h("button", { type: "button", onclick: fromPlayhead(outField) }, "Out = playhead")),
      h("div", { class: "ed-row" },
        h("button", { type: "button", dataset: { testid: "trim" }, onclick: trim }, "Trim"))),
    status);

  return {
    element,
    split,
    // The segment under the playhead changed: show it, and offer its window to trim.
    select(item) {
      const label = element.querySelector("[data-testid=current-segment]");
      if (!item) {
        label.textContent = "No segment: upload a clip first.";
        return;
      }
      const { segment } = item;
      label.textContent = `Segment ${item.index + 1} (${segment.source}): source `
        + `${seconds(segment.start_ts)}–${seconds(segment.end_ts)}, at ${seconds(item.at)} on the timeline.`;
      inField.value = segment.start_ts.toFixed(2);
      outField.value = segment.end_ts.toFixed(2);
    },
  };
}

export function createGradeTools(ctx) {
  const status = statusLine("grade-status");
  const applied = new Map(); // segment id → the grade applied to it in this session
  const sliders = new Map();
  let segmentId = null;
  const previewImg = h("img", { alt: "The segment's middle frame with this grade" });
  const preview = h("figure", { class: "ed-grade-preview", dataset: { testid: "grade-preview" } },
    previewImg, h("figcaption", {}, "Grade preview: the segment's middle frame with the sliders' grade."));
  preview.hidden = true;

  const values = () => Object.fromEntries(
    GRADES.map((g) => [g.name, Number(sliders.get(g.name).input.value)]));

  // Each slider move asks for a new graded frame (~50 ms on the server); only the newest
  // position is sent, so dragging never builds a backlog.
  const livePreview = newestOnly(async (grade) => {
    if (!segmentId) return;
    try {
      const answer = await ctx.api.post(`/api/segment/${segmentId}/grade-preview`, grade);
      previewImg.src = await ctx.imageSrc(answer.preview_frame_url);
      preview.hidden = false;
    } catch (err) {
      ctx.api.showError(err);
    }
  });

  const controls = GRADES.map((g) => {
    const id = `ed-grade-${g.name}`;
    const output = h("output", { for: id });
    const input = h("input", {
      type: "range", id, name: g.name, min: g.min, max: g.max, step: g.step, value: g.neutral,
      dataset: { testid: `grade-${g.name}` },
      oninput: () => { output.textContent = input.value; livePreview(values()); },
    });
    output.textContent = String(g.neutral);
    sliders.set(g.name, { input, output });
    return h("div", { class: "ed-slider" }, h("label", { for: id }, g.label), input, output);
  });

  const setValues = (grade) => {
    for (const g of GRADES) {
      const { input, output } = sliders.get(g.name);
      input.value = String(grade?.[g.name] ?? g.neutral);
      output.textContent = input.value;
    }
  };
  const reset = () => { setValues(null); livePreview(values()); };
  const apply = async () => {
    if (!segmentId) return;
    const grade = values();
    try {
      const answer = await ctx.api.post(`/api/segment/${segmentId}/color-grade`, grade);
      applied.set(answer.segment_id, grade);
      status.textContent = "Grade applied: the segment is replaced by a graded one.";
      await ctx.reload();
    } catch (err) {
      ctx.api.showError(err);
    }
  };

  const element = h("section", { class: "ed-panel", "aria-labelledby": "ed-grade-title" },
    h("h3", { id: "ed-grade-title" }, "Grade"),
    h("div", { class: "ed-sliders" }, controls),
    h("div", { class: "ed-row" },
      h("button", { type: "button", dataset: { testid: "apply-grade" }, onclick: apply }, "Apply grade"),
      h("button", { type: "button", onclick: reset }, "Reset")),
    status);

  return {
    element,
    // Shown beside the frame at the playhead (editor.js places it), for before and after.
    preview,
    select(item) {
      const next = item ? item.segment.id : null;
      if (next === segmentId) return;
      segmentId = next;
      setValues(applied.get(next));
      preview.hidden = true;
      if (next) livePreview(values());
    },
  };
}
