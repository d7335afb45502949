// Upload clips to the project: a signed URL per file, then its bytes PUT to that URL
// (docs/editor/projects-uploads.md); and the project's assets, rejected ones with why.

import { bytes, h } from "./dom.js";
import { seconds, statusLine } from "./editor.parts.js";

export function createUploader(ctx) {
  const progress = h("progress", { "data-testid": "upload-progress", hidden: true });
  const status = statusLine("upload-status");
  const input = h("input", { type: "file", id: "ed-upload", accept: "video/*,audio/*",
                             multiple: true, "data-testid": "upload" });
  const assets = h("ul", { class: "ed-assets", "data-testid": "assets" });

  // One file after the other: each answer waits until the timeline shows the clip
  // (read-your-writes), so they land on the timeline in the order they were chosen.
  async function upload(files) {
    progress.hidden = false;
    for (const file of files) {
      const type = file.type || "application/octet-stream";
      status.textContent = `Uploading ${file.name} (${bytes(file.size)})…`;
      try {
        const ticket = await ctx.api.post(`/api/project/${ctx.projectId}/upload`,
                                          { file_name: file.name, content_type: type });
        const stored = await ctx.api.upload(ticket.upload_url, file, { contentType: type });
        status.textContent = `${file.name} is on the timeline (${bytes(stored.size_bytes)}).`;
      } catch (err) {
        ctx.api.showError(err);
        status.textContent = `${file.name} was not stored.`;
      }
    }
    progress.hidden = true;
    input.value = "";
    try {
      await ctx.reload();
    } catch (err) {
      ctx.api.showError(err);
    }
  }
  input.addEventListener("change", () => upload([...input.files]));

  return {
    // Files dropped anywhere on `target` are uploaded as if chosen in the input.
    acceptDrops(target) {
      target.addEventListener("dragover", (event) => {
        if (!event.dataTransfer?.types.includes("Files")) return;
        event.preventDefault();
        target.classList.add("is-dropping");
      });
      target.addEventListener("dragleave", () => target.classList.remove("is-dropping"));
      target.addEventListener("drop", (event) => {
        target.classList.remove("is-dropping");
        if (!event.dataTransfer?.files.length) return;
        event.preventDefault();
        upload([...event.dataTransfer.files]);
      });
    },
    element: h("section", { class: "ed-upload", "aria-label": "Upload" },
      h("label", { for: "ed-upload" }, "Upload a clip"), input,
      h("span", { class: "ed-muted" }, "or drop files on the page"), progress, status, assets),
    showAssets(list) {
      assets.replaceChildren(...list.map((a) => h("li", {
        "data-testid": "asset", dataset: { assetId: a.id, status: a.status } },
        `${a.file_name} · ${a.status}`,
        a.duration ? ` · ${seconds(a.duration)}` : "",
        a.reason ? h("span", { class: "ed-reason" }, ` · ${a.reason}`) : "")));
    },
  };
}
