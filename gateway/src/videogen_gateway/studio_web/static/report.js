// A finished video's quality report (issue 15), shown briefly under the player: loudness,
// word timing, captions, scenes, languages, A/V sync and music, each a line with a verdict
// where there is one, then the report's own warnings. `reportFacts` is pure (the tests run
// it under Node); `reportView` builds the elements. A part the report lacks is left out.

import { h } from "./dom.js";

const num = (value) => (typeof value === "number" && Number.isFinite(value) ? value : null);
const obj = (value) => (value && typeof value === "object" && !Array.isArray(value) ? value : {});

// [{ key, label, text, ok }]: ok is true (good), false (a problem) or null (no verdict).
export function reportFacts(report) {
  const facts = [];
  const add = (key, label, text, ok = null) => facts.push({ key, label, text, ok });

  const loud = obj(report.loudness);
  const lufs = num(loud.integrated_lufs);
  if (lufs !== null) {
    const target = num(loud.target_lufs);
    const peak = num(loud.true_peak_dbtp);
    const near = target === null || Math.abs(lufs - target) <= 1;
    add("loudness", "Loudness", `${lufs.toFixed(1)} LUFS${target !== null ? ` (target ${target})` : ""}` +
      `${peak !== null ? `, true peak ${peak.toFixed(1)} dBTP` : ""}`, near && (peak === null || peak <= -1));
  }
  const sources = obj(obj(report.word_timing).sources);
  const errors = obj(obj(report.word_timing).estimated_error);
  if (Object.keys(sources).length) {
    add("timing", "Word timing", Object.entries(sources).map(([source, count]) => {
      const median = num(obj(errors[source]).median_ms);
      return `${source} ×${count}${median !== null ? ` (~${Math.round(median)} ms)` : ""}`;
    }).join(", "));
  }
  const captions = obj(report.captions);
  if (Object.keys(captions).length) {
    const problems = (captions.problems || []).filter((p) => typeof p === "string");
    const ok = captions.inside_safe_area === true && captions.no_overflow === true && !problems.length;
    add("captions", "Captions", ok ? "inside the safe area, no overflow"
      : problems.join("; ") || "outside the safe area or overflowing", ok);
  }
  const scenes = obj(report.scenes);
  const count = num(scenes.count);
  if (count !== null) {
    const meaningful = num(scenes.meaningful);
    const least = num(obj(scenes.phash_neighbour_distance).min);
    add("scenes", "Scenes", `${count}` +
      `${meaningful !== null ? `, ${meaningful} illustrated, ${num(scenes.typographic) ?? 0} typographic` : ""}` +
      `${least !== null ? `; neighbours differ by ≥ ${least} bits` : ""}`);
  }
  const languages = (Array.isArray(report.languages) ? report.languages : [])
    .map(obj).filter((l) => l.language);
  if (languages.length) {
    add("languages", "Languages", languages.map((l) => `${l.language} (${l.voice || "no voice"})` +
      `${num(l.unvoiced) ? `, ${l.unvoiced} unvoiced` : ""}`).join("; "),
    languages.every((l) => !num(l.unvoiced)));
  }
  const offset = num(obj(report.av_sync).offset_ms);
  if (offset !== null) add("sync", "A/V sync", `${offset > 0 ? "+" : ""}${Math.round(offset)} ms`, Math.abs(offset) <= 60);
  if (typeof report.music === "string" && report.music) add("music", "Music", report.music);
  for (const warning of Array.isArray(report.warnings) ? report.warnings : []) {
    if (typeof warning === "string") add("warning", "Warning", warning, false);
  }
  return facts;
}

// The report as a definition list, with links to the whole JSON and the WebVTT (when the
// job's surface serves them).
export function reportView(report, { json = null, vtt = null } = {}) {
  const facts = reportFacts(report);
  const mark = (ok) => (ok === true ? "✓ " : ok === false ? "⚠ " : "");
  return h("section", { class: "report", "data-testid": "quality-report" },
    h("h2", {}, "Quality report"),
    h("dl", {}, facts.map((fact) => [
      h("dt", {}, fact.label),
      h("dd", { dataset: { fact: fact.key, ok: fact.ok === null ? "" : String(fact.ok) } },
        mark(fact.ok), fact.text),
    ])),
    json || vtt ? h("p", {},
      json ? h("a", { href: json, "data-testid": "report-json" }, "The whole report (JSON)") : null,
      json && vtt ? " · " : null,
      vtt ? h("a", { href: vtt, "data-testid": "captions-vtt", download: "" }, "Captions (WebVTT)") : null)
      : null);
}
