// The voice <select> of the new-video form and the script editor: the installed voices
// (GET /api/providers/tts/voices), grouped by engine; "" leaves the choice to the settings.

import { h } from "./dom.js";

let cached = null;

export async function voiceSelect(api, { name = "voice", id } = {}) {
  const select = h("select", { name, id });
  select.append(h("option", { value: "" }, "Default voice (settings)"));
  try {
    cached = cached || await api.get("/api/providers/tts/voices");
  } catch (error) {
    api.showError(error);
    return select;
  }
  const groups = new Map();
  for (const voice of cached) {
    if (!groups.has(voice.engine)) groups.set(voice.engine, h("optgroup", { label: voice.engine }));
    groups.get(voice.engine).append(
      h("option", { value: voice.name }, `${voice.name} (${voice.language}, ${voice.gender})`));
  }
  select.append(...groups.values());
  return select;
}
