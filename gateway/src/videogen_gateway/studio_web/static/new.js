// New video (#/new): paste text (doc 004's POST /api/v1/generate) or fill in a brief
// (Aura's POST /api/jobs); either way Create opens the job's page, which follows it live.
//
// Nothing is validated here on purpose: the API says what is wrong (an empty text is its
// 400), and the shell shows that message.

import { h } from "./dom.js";
import { voiceSelect } from "./voices.js";

const ASPECTS = [["16:9", "Landscape 16:9"], ["9:16", "Vertical 9:16"], ["1:1", "Square 1:1"]];
const AURA_ASPECT = { "16:9": "Widescreen16x9", "9:16": "Vertical9x16", "1:1": "Square1x1" };

function aspectSelect(id, chosen = "16:9") {
  const select = h("select", { name: "aspect", id },
    ASPECTS.map(([value, label]) => h("option", { value }, label)));
  select.value = chosen;
  return select;
}

function field(label, control, hint) {
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control,
    hint ? h("small", { class: "hint" }, hint) : null);
}

// "45", "0:45", "1:30", "00:01:30" → Aura's hh:mm:ss; anything else is sent as typed, so
// the API's own message says what it takes.
export function duration(text) {
  const value = text.trim();
  if (!value) return null;
  const parts = value.split(":").map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (parts.some(Number.isNaN) || parts.length > 3) return value;
  const [hours, minutes, seconds] = [0, 0, 0, ...parts].slice(-3);
  const total = hours * 3600 + minutes * 60 + seconds;
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

export async function render(root, _params, api) {
  const textVoice = await voiceSelect(api, { id: "text-voice" });
  const briefVoice = await voiceSelect(api, { id: "brief-voice" });
  const text = h("textarea", { name: "text", id: "text", rows: 10,
    placeholder: "Paste a paragraph. Each sentence becomes a narrated caption over a visual." });
  const textForm = h("form", { "data-testid": "new-video", class: "card", id: "panel-text",
    role: "tabpanel", "aria-labelledby": "tab-text" },
    field("Text", text),
    h("div", { class: "inline" }, field("Aspect", aspectSelect("text-aspect")),
      field("Voice", textVoice)),
    h("button", { type: "submit", class: "primary" }, "Create"));

  const briefForm = h("form", { "data-testid": "new-brief", class: "card", id: "panel-brief",
    role: "tabpanel", "aria-labelledby": "tab-brief", hidden: true },
    field("Topic", h("input", { name: "topic", id: "topic",
      placeholder: "Why octopuses are so smart" })),
    h("div", { class: "inline" },
      field("Audience", h("input", { name: "audience", id: "audience",
        placeholder: "curious teenagers" })),
      field("Goal", h("input", { name: "goal", id: "goal", placeholder: "explain and amaze" })),
      field("Tone", h("input", { name: "tone", id: "tone", placeholder: "playful" }))),
    h("div", { class: "inline" },
      field("Aspect", aspectSelect("brief-aspect", "9:16")),
      field("Duration", h("input", { name: "duration", id: "duration", value: "0:45",
        inputmode: "numeric" }), "m:ss, or seconds"),
      field("Voice", briefVoice)),
    h("button", { type: "submit", class: "primary" }, "Create"));

  const tabs = [
    h("button", { type: "button", role: "tab", id: "tab-text", "aria-controls": "panel-text",
      "aria-selected": "true" }, "Text"),
    h("button", { type: "button", role: "tab", id: "tab-brief", "aria-controls": "panel-brief",
      "aria-selected": "false", tabIndex: -1 }, "Brief"),
  ];
  const panels = [textForm, briefForm];
  function select(index, focus) {
    tabs.forEach((tab, i) => {
      tab.setAttribute("aria-selected", String(i === index));
      tab.tabIndex = i === index ? 0 : -1;
      panels[i].hidden = i !== index;
    });
    if (focus) tabs[index].focus();
  }
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => select(i, false));
    // The WAI-ARIA tabs pattern: arrows move between tabs, Tab goes into the panel.
    tab.addEventListener("keydown", (event) => {
      if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        event.preventDefault();
        select((i + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length, true);
      }
    });
  });

  async function submit(form, send) {
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "Creating…";
    try {
      location.hash = await send(new FormData(form));
    } catch (error) {
      api.showError(error);
      button.disabled = false;
      button.textContent = "Create";
    }
  }

  textForm.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(textForm, async (data) => {
      const body = { text: data.get("text"), aspect: data.get("aspect") };
      if (data.get("voice")) body.voice = data.get("voice");
      const job = await api.post("/api/v1/generate", body);
      return `#/jobs/${job.job_id}`;
    });
  });
  briefForm.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(briefForm, async (data) => {
      const brief = { topic: data.get("topic"), aspect: AURA_ASPECT[data.get("aspect")] };
      for (const name of ["audience", "goal", "tone"]) {
        if (data.get(name).trim()) brief[name] = data.get(name).trim();
      }
      const body = { brief };
      const target = duration(data.get("duration"));
      if (target) body.planSpec = { targetDuration: target };
      if (data.get("voice")) body.voiceSpec = { voiceName: data.get("voice") };
      const job = await api.post("/api/jobs", body);
      return `#/aura/${job.jobId}`;
    });
  });

  root.append(h("h1", {}, "New video"),
    h("div", { role: "tablist", "aria-label": "How to start", class: "tabs" }, tabs),
    textForm, briefForm);
  text.focus();
}
