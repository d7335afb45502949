// The job page (#/jobs/{id}: a doc 004 job or a studio render; #/aura/{id}: an Aura job).
//
// It reads the job once, so a reload shows where the job is at once, then follows its SSE
// feed from the start (the replay fills window.videogenFeed from id 1, and the browser's
// own reconnects carry Last-Event-ID, so the ids never skip). Before doc 004's jobs have a
// feed (its events route answers 404) the page polls the status every second instead.

import { bytes, h } from "./dom.js";
import { STAGES, STAGE_OF } from "./jobs.js";
import { SURFACES, apply, detail, ended, fromStatus, newState } from "./job-feed.js";
import { reportView } from "./report.js";
import { follow } from "./sse.js";

const POLL_MS = 1000;

export async function render(root, { id, kind }, api) {
  const surface = SURFACES[kind];
  const state = newState(kind, id);
  const feed = [];
  window.videogenFeed = feed;
  let stream = null;
  let poll = null;
  let closed = false;

  const bar = h("progress", { "data-testid": "job-progress", max: 100, value: 0,
    "aria-label": "Job progress" });
  const status = h("span", { class: "state", "data-testid": "job-status" });
  const stageDetail = h("p", { class: "stage-detail", "data-testid": "stage-detail",
    "aria-live": "polite" });
  const stages = h("ol", { class: "stages", "data-testid": "stages" },
    STAGES.map(([stage, label]) => h("li", { dataset: { stage, state: "pending" } }, label)));
  const cancel = h("button", { type: "button", "data-testid": "cancel" }, "Cancel");
  const retry = h("button", { type: "button", "data-testid": "retry" }, "Retry");
  const script = h("a", { "data-testid": "open-script", class: "button" }, "Open the script");
  const media = h("div", { class: "media" });
  const log = h("ol", { class: "log" });
  const title = h("h1", {}, kind === "aura" ? "Brief job" : "Video job");
  const page = h("article", { class: "job", "data-testid": "job", "data-job-id": id },
    h("div", { class: "page-head" }, title, status),
    h("p", { class: "muted mono" }, id),
    bar, stages, stageDetail,
    h("div", { class: "actions" }, cancel, retry, script),
    media,
    h("details", {}, h("summary", {}, "Log"), log));

  function paint() {
    bar.value = state.progress;
    status.textContent = state.status;
    status.dataset.state = state.status;
    stageDetail.textContent = detail(state);
    // Captioning belongs to the narration step; queued is before any step.
    const current = state.stage in STAGE_OF ? STAGE_OF[state.stage] : state.stage;
    const at = STAGES.findIndex(([stage]) => stage === current);
    stages.querySelectorAll("li").forEach((li, i) => {
      const done = state.status === "completed" || (at >= 0 && i < at);
      li.dataset.state = done ? "done" : i === at ? "active" : "pending";
      li.classList.toggle("failed", i === at && state.status === "failed");
      if (li.dataset.state === "active") li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
    cancel.disabled = ended(state);
    retry.disabled = !(state.status === "failed" || state.status === "cancelled");
    script.href = `#/projects/${state.projectId}`;
    if (state.logs.length !== log.children.length) {
      log.replaceChildren(...state.logs.map((line) => h("li", {}, line)));
    }
    if (state.status === "completed" && state.output) showVideo();
    else if (state.status !== "completed") media.replaceChildren();
  }

  let shown = null;
  async function showVideo() {
    if (shown === state.output) return;
    shown = state.output;
    // One token per element: a <video> asks for ranges again as the viewer seeks.
    const [src, href] = await Promise.all([api.tokenUrl(state.output), api.tokenUrl(state.output)]);
    if (closed) return;
    const facts = [state.duration ? `${state.duration.toFixed(1)} s` : null,
      state.size ? bytes(state.size) : null].filter(Boolean).join(" · ");
    media.replaceChildren(
      h("video", { "data-testid": "player", controls: true, preload: "metadata", src,
        playsInline: true }),
      h("p", {}, h("a", { "data-testid": "download", class: "button primary", href,
        download: `${id}.mp4` }, "Download the video"), facts ? ` ${facts}` : ""),
    );
    showReport(shown);
  }

  // The quality report comes with the job's details, not with the feed's `completed`:
  // read them once more when the page saw the job finish live.
  async function showReport(output) {
    let quality = state.quality;
    if (!quality) {
      try {
        quality = (await api.get(surface.status(id))).quality || null;
      } catch (error) {
        api.showError(error);
        return;
      }
    }
    if (!quality || closed || shown !== output) return;
    state.quality = quality;
    // Doc 004's jobs (and studio renders) serve the whole report and the WebVTT by link.
    const links = kind === "aura" ? {} : {
      json: await api.tokenUrl(`/api/v1/jobs/${id}/report`),
      vtt: await api.tokenUrl(`/api/v1/jobs/${id}/captions.vtt`),
    };
    if (closed || shown !== output) return;
    media.append(reportView(quality, links));
  }

  function listen() {
    stream = follow(api, surface.events(id), {
      events: surface.names, terminal: surface.terminal, lastId: stream ? stream.lastId : 0,
      onMessage(event, data, messageId) {
        const line = apply(state, event, data);
        if (line && kind === "aura") state.logs.push(line);
        if (messageId !== null) {
          feed.push({ id: messageId, event, stage: state.stage, progress: state.progress });
        }
        paint();
      },
      onProblem: (error) => api.showError(error),
      // No feed for this job here (doc 004's jobs before the feed existed): poll instead.
      onGone: () => { if (!ended(state)) startPolling(); },
    });
  }

  function startPolling() {
    clearTimeout(poll);
    poll = setTimeout(async () => {
      try {
        fromStatus(state, await api.get(surface.status(id)));
        paint();
      } catch (error) {
        api.showError(error);
      }
      if (!closed && !ended(state)) startPolling();
    }, POLL_MS);
  }

  async function command(button, path, verb) {
    button.disabled = true;
    try {
      await api.post(path);
      if (verb === "retry") {
        // A retried job runs its stages again from where it resumes.
        Object.assign(state, { status: "queued", stage: null, error: null, output: null,
          quality: null });
        shown = null;
        paint();
        // The feed ended with the job; a retried job's messages continue after its last id.
        if (stream) stream.close();
        listen();
      }
    } catch (error) {
      api.showError(error);
    }
    paint();
  }
  cancel.addEventListener("click", () => command(cancel, surface.cancel(id), "cancel"));
  retry.addEventListener("click", () => command(retry, surface.retry(id), "retry"));

  // The page appears with the job's state already in it (a reload never shows 0 first).
  try {
    fromStatus(state, await api.get(surface.status(id)));
  } catch (error) {
    api.showError(error);
    root.append(h("h1", {}, "Job not found"), h("p", {}, h("a", { href: "#/" }, "Back home")));
    return undefined;
  }
  root.append(page);
  if (kind === "aura") {
    api.get(`/api/jobs/${id}/logs`).then((body) => { state.logs = [...body.logs, ...state.logs]; paint(); },
      (error) => api.showError(error));
  }
  api.get(`/api/v1/projects/${state.projectId}`).then(
    (project) => { title.textContent = project.topic; },
    () => { /* A job without a studio project keeps its generic title. */ });
  paint();
  listen();
  return () => {
    closed = true;
    clearTimeout(poll);
    if (stream) stream.close();
  };
}
