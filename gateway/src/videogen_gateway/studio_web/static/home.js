// Home (#/): every surface's projects and jobs, kept live by a 2 s poll (cheap reads of the
// read models; a running job's own page follows its SSE feed instead).

import { h, syncList, when } from "./dom.js";
import { allJobs, jobHref } from "./jobs.js";

const POLL_MS = 2000;

export async function render(root, _params, api) {
  const projects = h("ul", { class: "rows", "data-testid": "projects" });
  const jobs = h("ul", { class: "rows", "data-testid": "jobs" });
  const projectsEmpty = h("p", { class: "muted", hidden: true }, "No projects yet.");
  const jobsEmpty = h("p", { class: "muted", hidden: true },
    "No jobs yet. ", h("a", { href: "#/new" }, "Make a video"), ".");
  root.append(
    h("div", { class: "page-head" },
      h("h1", {}, "Studio"),
      h("a", { class: "button primary", href: "#/new" }, "New video")),
    h("div", { class: "columns" },
      h("section", { "aria-labelledby": "jobs-h" }, h("h2", { id: "jobs-h" }, "Jobs"),
        jobsEmpty, jobs),
      h("section", { "aria-labelledby": "projects-h" }, h("h2", { id: "projects-h" }, "Projects"),
        projectsEmpty, projects)),
  );

  let titles = new Map();
  let timer = null;
  let stopped = false;
  let failed = false;

  async function refresh() {
    try {
      const [studio, editor, list] = await Promise.all([
        api.get("/api/v1/projects"), api.get("/api/project"), allJobs(api),
      ]);
      titles = new Map(studio.map((p) => [p.id, p.topic]));
      // One row per project: the studio and the editor surfaces share projects (a
      // text2video job's is in both lists), so a project in both gets both links.
      const inEditor = new Map(editor.map((p) => [p.id, p]));
      const rows = [
        ...studio.map((p) => ({
          id: p.id, surface: "studio", title: p.topic, href: `#/projects/${p.id}`,
          editorHref: inEditor.has(p.id) ? `#/editor/${p.id}` : null,
          meta: `${p.aspectRatio} · ${p.sentenceCount} sentences · ${when(p.updatedAt)}`,
        })),
        ...editor.filter((p) => !titles.has(p.id)).map((p) => ({
          id: p.id, surface: "editor", title: p.name, href: `#/editor/${p.id}`,
          editorHref: null, meta: `editor · ${when(p.updated_at)}`,
        })),
      ];
      syncList(projects, rows, (p) => p.id, projectRow, updateProject);
      syncList(jobs, list, (j) => j.id, jobRow, (row, job) => updateJob(row, job, titles));
      projectsEmpty.hidden = rows.length > 0;
      jobsEmpty.hidden = list.length > 0;
      failed = false;
    } catch (error) {
      // Shown once, not every two seconds; the poll goes on and clears it when it works.
      if (!failed) api.showError(error);
      failed = true;
    }
    if (!stopped) timer = setTimeout(refresh, POLL_MS);
  }

  await refresh();
  return () => { stopped = true; clearTimeout(timer); };
}

function projectRow() {
  return h("li", { class: "row", "data-testid": "project-row" },
    h("a", { class: "row-title" }), h("span", { class: "badge" }),
    h("a", { class: "row-extra", "data-testid": "open-editor" }, "editor"),
    h("span", { class: "meta" }));
}

function updateProject(row, p) {
  row.dataset.projectId = p.id;
  row.dataset.surface = p.surface;
  const link = row.querySelector("a");
  link.href = p.href;
  link.textContent = p.title || "(untitled)";
  row.querySelector(".badge").textContent = p.surface;
  const extra = row.querySelector(".row-extra");
  extra.hidden = p.editorHref === null;
  if (p.editorHref !== null) extra.href = p.editorHref;
  row.querySelector(".meta").textContent = p.meta;
}

function jobRow() {
  return h("li", { class: "row", "data-testid": "job-row" },
    h("a", { class: "row-title" }), h("span", { class: "badge" }),
    h("span", { class: "state" }),
    h("progress", { max: 100, value: 0, "aria-label": "Progress" }),
    h("span", { class: "meta" }));
}

function updateJob(row, job, titles) {
  row.dataset.jobId = job.id;
  row.dataset.state = job.state;
  row.dataset.surface = job.surface;
  const link = row.querySelector("a");
  link.href = jobHref(job);
  link.textContent = titles.get(job.projectId) || job.id.slice(0, 8);
  row.querySelector(".badge").textContent = job.kind;
  const state = row.querySelector(".state");
  state.textContent = job.state;
  state.dataset.state = job.state;
  row.querySelector("progress").value = job.progress || 0;
  row.querySelector(".meta").textContent = `${job.message || ""} · ${when(job.created / 1000)}`;
}
