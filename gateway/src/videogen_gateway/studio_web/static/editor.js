// The editor page (doc 002's surface, docs/editor.md): #/editor lists the projects and
// makes one; #/editor/{id} uploads clips, scrubs the timeline with frame previews, cuts,
// grades, asks for AI edits in a box, compares and accepts variants, and exports.
//
// Page contract of app.js: render(root, params, api) -> cleanup. Every call goes through
// api.js; every API error goes to api.showError (the shell's [role=alert]).

import { h, when } from "./dom.js";
import { createAiTools } from "./editor.ai.js";
import { createExportTools } from "./editor.export.js";
import { mediaSources } from "./editor.media.js";
import { createPlayer } from "./editor.player.js";
import { clamp, newestOnly, seconds } from "./editor.parts.js";
import { createTimeline, itemAt, layoutOf } from "./editor.timeline.js";
import { createCutTools, createGradeTools } from "./editor.tools.js";
import { createUploader } from "./editor.upload.js";
import { createViewer } from "./editor.viewer.js";

// The page's own stylesheet, added once (the shell loads only the shared one; a <link>
// to 'self' is what the CSP's style-src allows).
function useStyles() {
  if (document.querySelector("link[data-editor-css]")) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/ui/editor.css", "data-editor-css": "" }));
}

export async function render(root, params, api) {
  useStyles();
  root.classList.add("ed-page");
  if (!params.id) return renderList(root, api);
  return renderProject(root, params.id, api);
}

async function renderList(root, api) {
  const name = h("input", { id: "ed-new-name", name: "name", autocomplete: "off",
                            placeholder: "Untitled project" });
  const list = h("ul", { class: "ed-projects", "data-testid": "editor-projects" });
  const create = async (event) => {
    event.preventDefault();
    try {
      const body = name.value.trim() ? { name: name.value.trim() } : {};
      const project = await api.post("/api/project", body);
      location.hash = `#/editor/${project.id}`;
    } catch (err) {
      api.showError(err);
    }
  };
  root.append(
    h("h1", {}, "Editor"),
    h("p", {}, "Cut, grade and AI-edit uploaded clips. Every project of the studio is here too."),
    h("form", { class: "ed-new", "data-testid": "new-editor-project", onsubmit: create },
      h("label", { for: "ed-new-name" }, "New project"), name,
      h("button", { type: "submit" }, "Create")),
    list);
  try {
    const projects = await api.get("/api/project");
    list.append(...projects.map((p) => {
      const row = h("li", { "data-testid": "editor-project-row", dataset: { projectId: p.id } },
        h("a", { href: `#/editor/${p.id}` }, p.name),
        h("span", { class: "ed-muted" }, ` ${p.status} · ${when(p.created_at)}`));
      row.append(h("button", {
        type: "button", class: "ed-danger", "data-testid": "delete-project",
        "aria-label": `Delete ${p.name}`,
        onclick: () => removeProject(api, p, row),
      }, "Delete"));
      return row;
    }));
    if (!projects.length) list.append(h("li", { class: "ed-muted" }, "No projects yet."));
  } catch (err) {
    api.showError(err);
  }
  return undefined;
}

// Deleting removes the project from every surface and its files with it
// (docs/editor/projects-uploads.md), so it is asked once more.
async function removeProject(api, project, row) {
  if (!window.confirm(`Delete "${project.name}" and all its clips and exports?`)) return;
  try {
    await api.del(`/api/project/${project.id}`);
    row.remove();
  } catch (err) {
    api.showError(err);
  }
}

// The frame rate of the first stored video: one arrow-key step on the timeline.
function fpsOf(project) {
  for (const asset of project.assets) {
    const video = asset.streams.find((s) => s.kind === "video" && s.fps);
    if (asset.status === "stored" && video) return video.fps;
  }
  return 25;
}

async function renderProject(root, projectId, api) {
  let project;
  try {
    project = await api.get(`/api/project/${projectId}`);
  } catch (err) {
    api.showError(err);
    root.append(h("h1", {}, "Editor"), h("p", {}, h("a", { href: "#/editor" }, "All editor projects")));
    return undefined;
  }
  const media = mediaSources(api);
  let layout = layoutOf(project.timeline);
  let playhead = 0;
  let alive = true;

  const viewer = createViewer({ onBox: (box) => ai.showBox(box) });
  const ctx = {
    api, projectId, viewer, imageSrc: media.imageSrc, mediaSrc: media.mediaSrc,
    layout: () => layout,
    playhead: () => playhead,
    current: () => itemAt(layout, playhead),
    showRange: (from, to) => timeline.showRange(from, to),
    reload,
  };
  // A seek by the user stops the playback: the still at the new time is what they asked for.
  const userSeek = (ts) => { player.stop(); seek(ts); };
  const timeline = createTimeline({ api, projectId, imageSrc: media.imageSrc, onSeek: userSeek });
  const cut = createCutTools(ctx);
  const grade = createGradeTools(ctx);
  const ai = createAiTools(ctx);
  const exporter = createExportTools(ctx);
  const uploader = createUploader(ctx);
  const player = createPlayer({
    mediaSrc: media.mediaSrc,
    warm: (path) => api.request("GET", path, { raw: true, headers: { Range: "bytes=0-0" } })
      .catch(() => {}),
    onTime: (ts) => seek(ts, { frame: false }),
    onStop: () => { playButton.textContent = "Play"; seek(playhead); },
  });
  viewer.mount(player.element);
  const playButton = h("button", { type: "button", "data-testid": "play", onclick: togglePlay,
                                   title: "Play from the playhead (Space on the timeline)" }, "Play");
  function togglePlay() {
    if (player.playing) {
      player.stop();
    } else if (layout.items.length) {
      playButton.textContent = "Pause";
      player.play(layout, playhead);
    }
  }

  const showFrame = newestOnly(async (ts) => {
    try {
      const answer = await api.post(`/api/project/${projectId}/preview/frame`, { ts });
      if (alive && ts === playhead) viewer.show(await media.imageSrc(answer.frame_url));
      viewer.element.dataset.ts = String(answer.timestamp);
    } catch (err) {
      api.showError(err);
    }
  });

  let currentId = null;
  // `frame: false` while playing: the video shows the picture, so no still is asked for.
  function seek(ts, { frame = true } = {}) {
    playhead = clamp(ts, 0, layout.length);
    timeline.seek(playhead);
    time.textContent = `${seconds(playhead)} / ${seconds(layout.length)}`;
    const item = itemAt(layout, playhead);
    if ((item?.segment.id ?? null) !== currentId) {
      currentId = item?.segment.id ?? null;
      cut.select(item);
      grade.select(item);
    }
    if (!frame) return;
    if (layout.items.length) showFrame(playhead);
    else viewer.show(null);
  }

  async function reload() {
    player.stop();
    project = await api.get(`/api/project/${projectId}`);
    if (!alive) return;
    layout = layoutOf(project.timeline);
    uploader.showAssets(project.assets);
    currentId = null;
    const shown = timeline.show(layout, fpsOf(project));
    seek(Math.min(playhead, layout.length));
    ai.refresh();
    await shown;
  }

  const time = h("span", { class: "ed-time", "data-testid": "playhead-time" });
  timeline.ruler.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "s") {
      event.preventDefault();
      cut.split();
    } else if (event.key === " ") {
      event.preventDefault();
      togglePlay();
    }
  });

  const editor = h("div", { class: "ed-editor", "data-testid": "editor", dataset: { projectId } },
    h("header", { class: "ed-head" },
      h("h1", {}, project.name),
      h("a", { href: "#/editor" }, "All editor projects"),
      h("a", { href: `#/projects/${projectId}` }, "Script")),
    uploader.element,
    h("div", { class: "ed-work" },
      h("div", { class: "ed-stage" }, viewer.element,
        h("div", { class: "ed-row" }, playButton, time), grade.preview),
      h("div", { class: "ed-side" }, cut.element, grade.element)),
    timeline.element,
    h("div", { class: "ed-lower" }, ai.element, exporter.element),
    ai.compare);
  root.append(editor);
  uploader.acceptDrops(editor);

  uploader.showAssets(project.assets);
  try {
    const shown = timeline.show(layout, fpsOf(project));
    seek(0);
    await shown;
  } catch (err) {
    api.showError(err);
  }
  return () => {
    alive = false;
    player.stop();
    ai.stop();
    exporter.stop();
    media.release();
  };
}
