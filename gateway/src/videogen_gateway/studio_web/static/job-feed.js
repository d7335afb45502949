// A job's state, folded from its first read and then from its SSE messages, the same for
// doc 004's jobs (and studio renders) and Aura's: the job page only paints it.

import { AURA_STEPS, ENDED, STATE, auraProgress, stageOfProgress } from "./jobs.js";

export const SURFACES = {
  text2video: {
    status: (id) => `/api/v1/status/${id}`,
    events: (id) => `/api/v1/jobs/${id}/events`,
    cancel: (id) => `/api/v1/jobs/${id}/cancel`,
    retry: (id) => `/api/v1/jobs/${id}/retry`,
    download: (id) => `/api/v1/download/${id}`,
    names: ["connected", "progress", "log", "completed", "failed", "cancelled"],
    terminal: ["completed", "failed", "cancelled"],
  },
  aura: {
    status: (id) => `/api/jobs/${id}`,
    events: (id) => `/api/jobs/${id}/events`,
    cancel: (id) => `/api/jobs/${id}/cancel`,
    retry: (id) => `/api/jobs/${id}/retry`,
    download: (id) => `/api/jobs/${id}/download`,
    names: ["job-status", "step-status", "step-progress", "step-error", "warning",
      "job-completed", "job-failed", "job-cancelled"],
    terminal: ["job-completed", "job-failed", "job-cancelled"],
  },
};

export function newState(kind, id) {
  return { kind, id, status: "queued", stage: null, progress: 0, message: "", items: null,
    percent: null, error: null, output: null, projectId: id, logs: [], size: null,
    duration: null, quality: null };
}

// The order a production passes its stages: a replayed message of an earlier stage (the
// feed is read from its start after the page has shown the current state) changes nothing.
const RANK = ["queued", "scripting", "narrating", "captioning", "choosing_visuals", "rendering",
  "completed"];

function reached(state, stage) {
  if (!stage) return true;
  if (RANK.indexOf(stage) < RANK.indexOf(state.stage)) return false;
  state.stage = stage;
  return true;
}

// Progress only goes forward: a replayed or late message never moves the bar back.
function forward(state, progress) {
  if (typeof progress === "number") state.progress = Math.max(state.progress, progress);
}

// The first read: GET /api/v1/status/{id} or GET /api/jobs/{id}.
export function fromStatus(state, body) {
  if (state.kind === "aura") {
    state.status = STATE[body.status] || "queued";
    const running = body.steps.find((s) => s.status === "Running" || s.status === "Failed");
    if (running) state.stage = AURA_STEPS[running.name]?.[0] || state.stage;
    forward(state, auraProgress(body.steps));
    if (body.errors?.length) state.error = body.errors.at(-1).message;
    if (body.output?.videoPath) { state.output = body.output.videoPath; state.size = body.output.sizeBytes; }
  } else {
    state.status = STATE[body.status] || body.status;
    state.message = body.message || "";
    forward(state, body.progress);
    state.stage = body.stage || (state.status === "queued" ? null : stageOfProgress(body.progress));
    state.projectId = body.project_id || state.projectId;
    state.logs = body.logs || [];
    // The feed replays every log line from the start: the first one replaces these.
    state.logsFromStatus = true;
    if (state.status === "failed") state.error = body.message;
  }
  // The finished video's quality report (issue 15), where the job has one.
  state.quality = body.quality && typeof body.quality === "object" ? body.quality : null;
  if (state.status === "completed") {
    state.stage = "completed";
    state.progress = 100;
    state.output = state.output || SURFACES[state.kind].download(state.id);
  }
  return state;
}

// One SSE message; returns the log line it carries, if any.
export function apply(state, event, data) {
  if (!data || typeof data !== "object") return null;
  return state.kind === "aura" ? applyAura(state, event, data) : applyPlain(state, event, data);
}

function applyPlain(state, event, data) {
  switch (event) {
    case "progress":
      forward(state, data.progress);
      if (!reached(state, data.stage)) return null;
      state.status = STATE[data.status] || data.status;
      state.message = data.message || state.message;
      state.items = data.items_total ? [data.items_done ?? 0, data.items_total] : null;
      state.percent = data.percent ?? null;
      return null;
    case "log":
      if (state.logsFromStatus) { state.logs = []; state.logsFromStatus = false; }
      state.logs.push(data.line);
      return data.line;
    case "completed":
      Object.assign(state, { status: "completed", stage: "completed", progress: 100,
        // The feed's output_file is the download route; anything else is not a URL to open.
        output: data.output_file?.startsWith("/api/") ? data.output_file
          : SURFACES.text2video.download(state.id),
        size: data.size_bytes ?? null, duration: data.duration_s ?? null });
      return null;
    case "failed":
      Object.assign(state, { status: "failed", error: data.error || "the job failed" });
      return null;
    case "cancelled":
      state.status = "cancelled";
      return null;
    default:
      return null;
  }
}

function applyAura(state, event, data) {
  switch (event) {
    case "job-status":
      state.status = STATE[data.status] || state.status;
      if (state.status === "processing") state.error = null;
      return null;
    case "step-status":
      if (data.status === "Running" && reached(state, AURA_STEPS[data.step]?.[0])) {
        state.items = null;
        state.percent = null;
      }
      return null;
    case "step-progress": {
      const span = AURA_STEPS[data.step];
      if (span) forward(state, span[1] + Math.round((data.progressPct * (span[2] - span[1])) / 100));
      if (!reached(state, data.phase)) return null;
      state.message = data.message || state.message;
      state.items = data.totalItems ? [data.currentItem ?? 0, data.totalItems] : null;
      state.percent = data.phase === "rendering" ? data.progressPct : null;
      return null;
    }
    case "step-error":
    case "warning":
      return `${data.code}: ${data.message}`;
    case "job-completed":
      Object.assign(state, { status: "completed", stage: "completed", progress: 100,
        output: data.output?.videoPath || SURFACES.aura.download(state.id),
        size: data.output?.sizeBytes ?? null });
      return null;
    case "job-failed":
      Object.assign(state, { status: "failed",
        error: data.errors?.map((e) => `${e.message} (${e.remediation})`).join("; ") || "failed" });
      return null;
    case "job-cancelled":
      state.status = "cancelled";
      return null;
    default:
      return null;
  }
}

export function ended(state) {
  return ENDED.has(state.status);
}

// "narration 3/6", "rendering 40%", or the job's own message.
export function detail(state) {
  if (state.status === "failed") return state.error || "failed";
  if (state.status === "cancelled") return "cancelled";
  if (state.status === "completed") return "done";
  if (state.stage === "narrating" && state.items) return `narration ${state.items[0]}/${state.items[1]}`;
  if (state.stage === "rendering" && state.percent !== null) return `rendering ${state.percent}%`;
  return state.message || (state.status === "queued" ? "waiting for a worker" : "");
}
