// Settings (#/settings): GET/PUT /api/settings, the providers of /api/providers/capabilities
// and their real checks (POST /api/providers/{name}/validate).
//
// Keys are write-only: the inputs start empty whatever is stored (the API says only
// whether a key is set), a typed key is sent once, and "Remove" sends an empty one.

import { h } from "./dom.js";

// The settings' provider fields and the capability categories they choose from.
const KINDS = [
  ["llm", "llm", "Script writer"],
  ["tts", "tts", "Voice"],
  ["stock", "stock", "Stock visuals"],
  ["videoGen", "video-gen", "Hosted video model"],
  ["scorer", "scorer", "Variant scorer"],
];
const KEYS = [
  ["openAiApiKey", "openAiApiKeySet", "OpenAI (or compatible) API key"],
  ["pexelsApiKey", "pexelsApiKeySet", "Pexels API key"],
];

export async function render(root, _params, api) {
  const [settings, capabilities] = await Promise.all([
    api.get("/api/settings"), api.get("/api/providers/capabilities"),
  ]);
  const form = h("form", { "data-testid": "settings", class: "settings" });
  const notice = h("div", { class: "notice", "data-testid": "offline-writer", hidden: true },
    h("strong", {}, "The offline script writer is in use. "),
    "It is built in and needs no model, but it knows no facts: it strings the topic's words ",
    "into generic sentences. Asked for \u201cWhy octopuses are so smart\u201d it writes filler that ",
    "never mentions an octopus fact. For real scripts, point VideoGen at a language model ",
    "(below) and choose \u201copenai\u201d as the script writer.");
  const status = h("p", { class: "muted", role: "status" });

  const selects = {};
  const providers = h("fieldset", {}, h("legend", {}, "Providers"),
    KINDS.map(([field, category, label]) => {
      const select = h("select", { name: field, id: `provider-${field}` },
        capabilities.filter((c) => c.category === category).map((c) => h("option", { value: c.name },
          c.available ? c.name : `${c.name} — unavailable (${c.reasonCodes.join(", ")})`)));
      select.value = settings.providers[field];
      selects[field] = select;
      const result = h("span", { class: "validation", "aria-live": "polite",
        "data-testid": `validation-${field}` });
      const check = h("button", { type: "button", "data-testid": "validate",
        "aria-label": `Validate the ${label.toLowerCase()}` }, "Validate");
      check.addEventListener("click", async () => {
        check.disabled = true;
        result.textContent = "checking…";
        result.dataset.ok = "";
        try {
          const answer = await api.post(`/api/providers/${encodeURIComponent(select.value)}/validate`);
          result.dataset.ok = String(answer.ok);
          result.textContent = `${answer.ok ? "OK" : "Not OK"}: ${answer.message} (${Math.round(answer.latencyMs)} ms)`;
        } catch (error) {
          result.textContent = "";
          api.showError(error);
        }
        check.disabled = false;
      });
      return h("div", { class: "field provider" }, h("label", { for: select.id }, label),
        h("div", { class: "inline" }, select, check), result);
    }));

  const baseUrl = h("input", { name: "openAiBaseUrl", id: "openai-base-url", type: "url",
    value: settings.openAiBaseUrl || "", placeholder: "http://127.0.0.1:11434/v1" });
  const model = h("input", { name: "openAiModel", id: "openai-model",
    value: settings.openAiModel || "", placeholder: "llama3.2" });
  const local = h("fieldset", {}, h("legend", {}, "A local OpenAI-compatible model"),
    h("p", { class: "hint" }, "Ollama (", h("code", {}, "http://127.0.0.1:11434/v1"),
      ") or a llama.cpp server (", h("code", {}, "http://127.0.0.1:8080/v1"),
      "): its base URL and the model name. No key is needed for a local server."),
    h("div", { class: "inline" },
      h("div", { class: "field" }, h("label", { for: baseUrl.id }, "Base URL"), baseUrl),
      h("div", { class: "field" }, h("label", { for: model.id }, "Model"), model)),
    h("p", { class: "hint", "data-testid": "env-hint" }));
  const envHint = local.querySelector("[data-testid=env-hint]");

  const keyInputs = {};
  const keys = h("fieldset", {}, h("legend", {}, "Keys (write-only)"),
    KEYS.map(([field, setFlag, label]) => {
      const input = h("input", { name: field, id: `key-${field}`, type: "password",
        autocomplete: "off", spellcheck: false,
        placeholder: settings[setFlag] ? "set — type a new key to replace it" : "not set" });
      keyInputs[field] = input;
      const remove = h("button", { type: "button", class: "quiet", disabled: !settings[setFlag] },
        "Remove");
      remove.addEventListener("click", () => save({ [field]: "" }));
      return h("div", { class: "field" }, h("label", { for: input.id }, label),
        h("div", { class: "inline" }, input, remove),
        h("small", { class: "hint", "data-testid": `${field}-state` },
          settings[setFlag] ? "A key is stored (it is never shown)." : "No key stored."));
    }));

  form.append(notice, providers, local, keys,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save"), status));

  function paintNotice() {
    const openai = capabilities.find((c) => c.category === "llm" && c.name === "openai");
    notice.hidden = selects.llm.value === "openai" && Boolean(openai?.available);
    const url = baseUrl.value.trim() || "http://127.0.0.1:11434/v1";
    const name = model.value.trim() || "llama3.2";
    envHint.textContent = "The script service chooses its writer when it starts, from the "
      + `environment: OPENAI_BASE_URL=${url} VIDEOGEN_LLM_MODEL=${name} make run. `
      + "What you save here is what Validate checks and what the settings report.";
  }
  selects.llm.addEventListener("change", paintNotice);
  baseUrl.addEventListener("input", paintNotice);
  model.addEventListener("input", paintNotice);

  async function save(extra = {}) {
    const body = {
      providers: Object.fromEntries(KINDS.map(([field]) => [field, selects[field].value])),
      openAiBaseUrl: baseUrl.value.trim() || null,
      openAiModel: model.value.trim() || null,
      ...extra,
    };
    for (const [field] of KEYS) {
      if (keyInputs[field].value.trim() && !(field in extra)) body[field] = keyInputs[field].value.trim();
    }
    status.textContent = "saving…";
    try {
      const saved = await api.put("/api/settings", body);
      status.textContent = `Saved (version ${saved.version}).`;
      for (const [field, setFlag] of KEYS) {
        keyInputs[field].value = "";
        keyInputs[field].placeholder = saved[setFlag] ? "set — type a new key to replace it" : "not set";
        form.querySelector(`[data-testid=${field}-state]`).textContent =
          saved[setFlag] ? "A key is stored (it is never shown)." : "No key stored.";
        keyInputs[field].closest(".field").querySelector("button").disabled = !saved[setFlag];
      }
      // The listing folds in what was saved (a base URL makes "openai" usable).
      capabilities.splice(0, capabilities.length, ...await api.get("/api/providers/capabilities"));
      paintNotice();
    } catch (error) {
      status.textContent = "";
      api.showError(error);
    }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); save(); });

  paintNotice();
  root.append(h("h1", {}, "Settings"), form);
}
