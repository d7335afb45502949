// What the pages share about jobs: the two job surfaces' states in one vocabulary, the
// stages, and where each kind of job lives.

// The studio's states (data-state on a job row): doc 004's and Aura's, in one set.
export const STATE = {
  queued: "queued", processing: "processing", completed: "completed", failed: "failed",
  cancelled: "cancelled", cancelling: "processing",
  Queued: "queued", Running: "processing", Succeeded: "completed", Failed: "failed",
  Canceled: "cancelled",
};
export const ENDED = new Set(["completed", "failed", "cancelled"]);

// The stages the job page lists, in order; captioning is part of the narration step.
export const STAGES = [
  ["scripting", "Script"],
  ["narrating", "Narration"],
  ["choosing_visuals", "Visuals"],
  ["rendering", "Render"],
  ["completed", "Done"],
];
export const STAGE_OF = { captioning: "narrating", queued: null };

// Where a stage starts on the whole job's 0..100 (doc 004's progress).
export function stageOfProgress(progress) {
  if (progress >= 100) return "completed";
  if (progress >= 90) return "rendering";
  if (progress >= 60) return "choosing_visuals";
  if (progress >= 20) return "narrating";
  return "scripting";
}

export function jobHref(job) {
  return job.surface === "aura" ? `#/aura/${job.id}` : `#/jobs/${job.id}`;
}

// Both surfaces' job lists, newest first, as {id, surface, kind, state, progress, message,
// created (ms)}.
export async function allJobs(api) {
  const [plain, aura] = await Promise.all([
    api.get("/api/v1/jobs"),
    api.get("/api/jobs", { pageSize: 100 }),
  ]);
  const jobs = Object.entries(plain.jobs || {}).map(([id, job]) => ({
    id, surface: "text2video", kind: job.kind === "project" ? "render" : "text",
    state: STATE[job.status] || job.status, progress: job.progress, message: job.message,
    created: job.created_at * 1000, projectId: job.project_id || id,
  }));
  for (const job of aura.jobs || []) {
    const running = job.steps.find((s) => s.status === "Running");
    jobs.push({
      id: job.jobId, surface: "aura", kind: "brief", state: STATE[job.status] || job.status,
      progress: auraProgress(job.steps), created: Date.parse(job.createdUtc),
      message: running ? `${running.name} ${running.progressPct}%`
        : (job.errors[0]?.message || job.status),
      projectId: job.jobId,
    });
  }
  return jobs.sort((a, b) => b.created - a.created);
}

// Aura's steps and their share of the whole job (as readmodels/aura_jobs/translation.py).
export const AURA_STEPS = {
  Script: ["scripting", 0, 20], Voice: ["narrating", 20, 40], Captions: ["captioning", 40, 60],
  Visuals: ["choosing_visuals", 60, 90], Render: ["rendering", 90, 100],
};

export function auraProgress(steps) {
  let progress = 0;
  for (const step of steps) {
    const span = AURA_STEPS[step.name];
    // A step not started yet says nothing (its 0 % would put the job at the step's start).
    if (!span || step.status === "Pending") continue;
    const [, lo, hi] = span;
    progress = Math.max(progress, lo + Math.round((step.progressPct * (hi - lo)) / 100));
  }
  return progress;
}
