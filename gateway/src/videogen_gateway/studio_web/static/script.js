// The script editor (#/projects/{id}): a studio project's sections and sentences.
//
// Every change is one of the studio's commands (PUT a sentence, reorder, move, AI-expand and
// accept), after which the project is read again, so the page always shows what the
// script service decided, `stale` marks included. Text typed and not yet saved survives
// that repaint (drafts), and so does the focus.

import { h } from "./dom.js";
import { voiceSelect } from "./voices.js";

const ASPECTS = ["16:9", "9:16", "1:1"];

export async function render(root, { id }, api) {
  const drafts = new Map();          // sentence id → unsaved text
  const suggestions = new Map();     // section id → [text]
  let project = null;
  let busy = false;

  const heading = h("h1", {}, "Script");
  const summary = h("p", { class: "muted", "data-testid": "stale-summary", "aria-live": "polite" });
  const body = h("div", { class: "script" });
  const aspect = h("select", { name: "aspect", id: "render-aspect" },
    ASPECTS.map((a) => h("option", { value: a }, a)));
  const voice = await voiceSelect(api, { id: "render-voice" });
  const rerender = h("button", { type: "button", class: "primary", "data-testid": "rerender" },
    "Re-render");
  root.append(
    h("div", { class: "page-head" }, heading),
    summary,
    h("div", { class: "card inline toolbar" },
      h("div", { class: "field" }, h("label", { for: "render-aspect" }, "Aspect"), aspect),
      h("div", { class: "field" }, h("label", { for: "render-voice" }, "Voice"), voice),
      rerender,
      h("small", { class: "hint" }, "Only the sentences changed since the last render are narrated again.")),
    h("p", { class: "hint" }, "Edit a sentence and press Save (or Ctrl+Enter). Reorder by dragging ",
      h("span", { "aria-hidden": "true" }, "⠿"), " or with Alt+↑ / Alt+↓."),
    body);

  async function load() {
    project = await api.get(`/api/v1/projects/${id}`);
    heading.textContent = project.topic;
    if (!busy) aspect.value = project.aspectRatio || "16:9";
    paint();
  }

  // Run one change, then read the project again; the focus returns to where it was.
  async function change(action, focus) {
    busy = true;
    const where = focus || focusOf(document.activeElement);
    try {
      await action();
    } catch (error) {
      api.showError(error);
    }
    try {
      await load();
    } catch (error) {
      api.showError(error);
    }
    restore(where);
  }

  function paint() {
    const sentences = project.sections.flatMap((s) => s.sentences);
    const stale = sentences.filter((s) => s.stale).length;
    summary.textContent = `${project.sections.length} sections, ${sentences.length} sentences`
      + (stale ? ` · ${stale} changed since the last render` : "");
    body.replaceChildren(...project.sections.map((section, index) => sectionView(section, index)));
  }

  function sectionView(section, index) {
    const list = h("ol", { class: "sentences", dataset: { sectionId: section.id } });
    section.sentences.forEach((sentence, i) => list.append(sentenceView(section, sentence, i)));
    list.addEventListener("dragover", (event) => event.preventDefault());
    list.addEventListener("drop", (event) => {
      event.preventDefault();
      const moved = event.dataTransfer.getData("text/x-sentence");
      const target = event.target.closest("[data-testid=sentence]");
      const position = target ? Number(target.dataset.index) : section.sentences.length;
      if (moved) moveTo(moved, section.id, position);
    });
    const addInput = h("input", { name: "new-sentence", "aria-label": `New sentence in ${section.title}`,
      placeholder: "Add a sentence…" });
    const add = h("form", { class: "add" }, addInput, h("button", { type: "submit" }, "Add"));
    add.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = addInput.value.trim();
      if (text) accept(section.id, [text], { kind: "add", sectionId: section.id });
    });
    const expand = h("button", { type: "button", "data-testid": "ai-expand" }, "AI-expand");
    expand.addEventListener("click", () => aiExpand(section, expand));
    return h("section", { class: "card section", "data-testid": "section",
      "data-section-id": section.id },
      h("div", { class: "section-head" },
        h("h2", {}, `${index + 1}. ${section.title}`),
        section.providerLabel ? h("span", { class: "badge" }, `written by ${section.providerLabel}`) : null,
        expand),
      list,
      suggestionsView(section),
      add);
  }

  function sentenceView(section, sentence, index) {
    const text = h("textarea", { rows: 2, "aria-label": `Sentence ${index + 1} of ${section.title}`,
      "data-role": "text" });
    text.value = drafts.get(sentence.id) ?? sentence.text;
    const save = h("button", { type: "button", "data-testid": "save-sentence", "data-role": "save" }, "Save");
    const remove = h("button", { type: "button", class: "quiet", "data-role": "delete",
      "aria-label": `Delete sentence ${index + 1}` }, "Delete");
    const handle = h("button", { type: "button", class: "handle", draggable: true, "data-role": "handle",
      "aria-label": `Move sentence ${index + 1} (Alt+Arrow keys)` }, "⠿");
    const li = h("li", { "data-testid": "sentence", class: "sentence",
      dataset: { sentenceId: sentence.id, stale: String(Boolean(sentence.stale)), index: String(index) } },
      handle, text, h("div", { class: "sentence-actions" },
        sentence.stale ? h("span", { class: "badge stale" }, "changed") : null, save, remove));
    text.addEventListener("input", () => {
      if (text.value === sentence.text) drafts.delete(sentence.id);
      else drafts.set(sentence.id, text.value);
    });
    const doSave = () => {
      const value = text.value;
      if (value === sentence.text) return;
      change(async () => {
        await api.put(`/api/v1/sentences/${sentence.id}`, { text: value });
        drafts.delete(sentence.id);
      }, { sentenceId: sentence.id, role: "text" });
    };
    save.addEventListener("click", doSave);
    remove.addEventListener("click", () => change(() => api.del(`/api/v1/sentences/${sentence.id}`),
      { sectionId: section.id }));
    li.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target === text) {
        event.preventDefault();
        doSave();
      } else if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        event.preventDefault();
        nudge(section, index, event.key === "ArrowUp" ? -1 : 1, event.target.dataset.role);
      }
    });
    handle.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/x-sentence", sentence.id);
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setDragImage(li, 12, 12);
      li.classList.add("dragging");
    });
    handle.addEventListener("dragend", () => li.classList.remove("dragging"));
    return li;
  }

  // One place up or down; past a section's end it goes into the next (previous) section.
  function nudge(section, index, step, role) {
    const sections = project.sections;
    const at = sections.findIndex((s) => s.id === section.id);
    const sentence = section.sentences[index];
    const focus = { sentenceId: sentence.id, role: role || "text" };
    const target = index + step;
    if (target >= 0 && target < section.sentences.length) {
      const ids = section.sentences.map((s) => s.id);
      [ids[index], ids[target]] = [ids[target], ids[index]];
      change(() => api.post("/api/v1/sentences/reorder", { sectionId: section.id, sentenceIds: ids }), focus);
    } else if (sections[at + step]) {
      const next = sections[at + step];
      change(() => api.post(`/api/v1/sentences/${sentence.id}/move`,
        { targetSectionId: next.id, position: step < 0 ? next.sentences.length : 0 }), focus);
    }
  }

  function moveTo(sentenceId, sectionId, position) {
    const section = project.sections.find((s) => s.id === sectionId);
    const from = section.sentences.findIndex((s) => s.id === sentenceId);
    const focus = { sentenceId, role: "handle" };
    if (from >= 0) {
      const ids = section.sentences.map((s) => s.id).filter((x) => x !== sentenceId);
      ids.splice(Math.min(position > from ? position - 1 : position, ids.length), 0, sentenceId);
      change(() => api.post("/api/v1/sentences/reorder", { sectionId, sentenceIds: ids }), focus);
    } else {
      change(() => api.post(`/api/v1/sentences/${sentenceId}/move`,
        { targetSectionId: sectionId, position }), focus);
    }
  }

  async function aiExpand(section, button) {
    button.disabled = true;
    button.textContent = "Writing…";
    try {
      const answer = await api.post(`/api/v1/sections/${section.id}/ai-expand`, { count: 3 });
      suggestions.set(section.id, answer.suggestions);
      paint();
      restore({ sectionId: section.id, suggestion: true });
    } catch (error) {
      api.showError(error);
      button.disabled = false;
      button.textContent = "AI-expand";
    }
  }

  function suggestionsView(section) {
    const offered = suggestions.get(section.id);
    if (!offered || !offered.length) return null;
    const dismiss = h("button", { type: "button", class: "quiet" }, "Dismiss");
    dismiss.addEventListener("click", () => { suggestions.delete(section.id); paint(); });
    const all = h("button", { type: "button", "data-testid": "accept-all" }, "Add all");
    all.addEventListener("click", () => accept(section.id, offered, { sectionId: section.id }));
    return h("div", { class: "suggestions", "data-testid": "suggestions" },
      h("h3", {}, "Suggestions"),
      h("ul", {}, offered.map((text) => {
        const take = h("button", { type: "button", "data-testid": "accept-suggestion" }, "Add");
        take.addEventListener("click", () => accept(section.id, [text], { sectionId: section.id }));
        return h("li", {}, h("span", {}, text), take);
      })),
      h("div", { class: "actions" }, all, dismiss));
  }

  function accept(sectionId, texts, focus) {
    change(async () => {
      await api.post(`/api/v1/sections/${sectionId}/ai-expand/accept`, { sentences: texts });
      const left = (suggestions.get(sectionId) || []).filter((t) => !texts.includes(t));
      if (left.length) suggestions.set(sectionId, left);
      else suggestions.delete(sectionId);
    }, focus);
  }

  function focusOf(el) {
    const li = el?.closest?.("[data-testid=sentence]");
    if (li) return { sentenceId: li.dataset.sentenceId, role: el.dataset.role || "text" };
    const section = el?.closest?.("[data-testid=section]");
    return section ? { sectionId: section.dataset.sectionId } : null;
  }

  function restore(where) {
    if (!where) return;
    let el = null;
    if (where.sentenceId) {
      el = body.querySelector(`[data-sentence-id="${where.sentenceId}"] [data-role="${where.role}"]`);
    }
    if (!el && where.sectionId) {
      const section = body.querySelector(`[data-section-id="${where.sectionId}"]`);
      el = where.kind === "add" ? section?.querySelector("input[name=new-sentence]")
        : where.suggestion ? section?.querySelector("[data-testid=accept-suggestion], [data-testid=ai-expand]")
          : section?.querySelector("[data-testid=ai-expand]");
    }
    if (el) el.focus();
    busy = false;
  }

  rerender.addEventListener("click", async () => {
    rerender.disabled = true;
    try {
      const body = { aspect: aspect.value };
      if (voice.value) body.voice = voice.value;
      const job = await api.post(`/api/v1/projects/${id}/render`, body);
      location.hash = `#/jobs/${job.jobId}`;
    } catch (error) {
      api.showError(error);
      rerender.disabled = false;
    }
  });

  await load();
}
