// Export the active timeline and hand back the file: play it here, or download it
// (docs/editor/exports.md).

import { h } from "./dom.js";
import { statusLine } from "./editor.parts.js";

const POLL_MS = 1000;
const FORMATS = ["mp4", "webm", "mov", "gif"];

export function createExportTools(ctx) {
  const status = statusLine("export-status");
  const format = h("select", { id: "ed-export-format", name: "format" },
    FORMATS.map((f) => h("option", { value: f }, f)));
  const result = h("div", { class: "ed-export-result", dataset: { testid: "export-result" } });
  let timer = null;
  let current = null;

  async function start() {
    clearTimeout(timer);
    result.replaceChildren();
    try {
      const answer = await ctx.api.post("/api/export", { project_id: ctx.projectId, format: format.value });
      current = { id: answer.export_job_id, format: format.value };
      result.dataset.exportId = current.id;
      status.textContent = "Export queued…";
      poll();
    } catch (err) {
      ctx.api.showError(err);
    }
  }

  async function poll() {
    const job = current;
    if (!job) return;
    try {
      const answer = await ctx.api.get(`/api/export/${job.id}`);
      if (job !== current) return;
      result.dataset.status = answer.status;
      if (answer.status === "completed") {
        await show(job, answer);
        return;
      }
      if (answer.status === "failed") {
        status.textContent = `The export failed: ${answer.error ?? "no reason given"}`;
        return;
      }
      status.textContent = `Export ${answer.status}…`;
    } catch (err) {
      ctx.api.showError(err);
      return;
    }
    timer = setTimeout(poll, POLL_MS);
  }

  async function show(job, answer) {
    status.textContent = `Export ready (${job.format}).`;
    const inline = await ctx.mediaSrc(answer.export_url);
    const player = job.format === "gif"
      ? h("img", { src: inline, alt: "The exported GIF", dataset: { testid: "export-player" } })
      : h("video", { src: inline, controls: true, preload: "metadata", dataset: { testid: "export-player" } });
    const link = h("a", { href: await ctx.mediaSrc(answer.download_url), download: "",
                          class: "ed-button", dataset: { testid: "export-download" } },
      `Download ${job.format}`);
    result.replaceChildren(player, link);
  }

  const element = h("section", { class: "ed-panel", "aria-labelledby": "ed-export-title" },
    h("h3", { id: "ed-export-title" }, "Export"),
    h("div", { class: "ed-row" },
      h("label", { for: "ed-export-format" }, "Format"), format,
      h("button", { type: "button", dataset: { testid: "export" }, onclick: start }, "Export")),
    status, result);

  return { element, stop() { clearTimeout(timer); current = null; } };
}
