// The studio's shell: a hash router over the pages, one module per page group.
//
// Page contract (web-a's pages and web-b's editor.js follow it):
//
//   export async function render(root, params, api) -> (() => void) | undefined
//
//   root    an empty <main> child (HTMLElement) the page fills; it is replaced on the next
//           route change.
//   params  the route's captures, e.g. {id: "…"} for #/editor/{id}.
//   api     the shared client of api.js (get/post/put/del/upload/tokenUrl/showError …).
//   returns an optional cleanup function, called before the next page renders (close
//           EventSources, stop timers, remove window listeners).
//
// A page module reports an API error with `api.showError(err)`; the shell owns the one
// [role=alert][data-testid=error] region.

import { api } from "./api.js";

// [pattern, module, param names]; a module is loaded when its route is first opened.
const ROUTES = [
  [/^#?\/?$/, "./home.js", []],
  [/^#\/new$/, "./new.js", []],
  [/^#\/jobs\/([^/]+)$/, "./job.js", ["id"], { kind: "text2video" }],
  [/^#\/aura\/([^/]+)$/, "./job.js", ["id"], { kind: "aura" }],
  [/^#\/projects\/([^/]+)$/, "./script.js", ["id"]],
  [/^#\/editor(?:\/([^/]+))?$/, "./editor.js", ["id"]],
  [/^#\/settings$/, "./settings.js", []],
];

const main = document.getElementById("page");
const alertBox = document.querySelector("[data-testid=error]");
const authForm = document.querySelector("[data-testid=api-key-form]");
let cleanup = null;
let generation = 0;

function showError(error) {
  alertBox.querySelector(".alert-text").textContent = error.message;
  alertBox.hidden = false;
}

function clearError() {
  alertBox.hidden = true;
  alertBox.querySelector(".alert-text").textContent = "";
}

alertBox.querySelector(".alert-close").addEventListener("click", clearError);
api.onError = showError;
api.onUnauthorized = () => askForKey();

function match(hash) {
  for (const [pattern, module, names, extra] of ROUTES) {
    const found = pattern.exec(hash);
    if (!found) continue;
    const params = { ...(extra || {}) };
    names.forEach((name, i) => {
      if (found[i + 1] !== undefined) params[name] = decodeURIComponent(found[i + 1]);
    });
    return { module, params };
  }
  return null;
}

function markNav(hash) {
  const current = hash.startsWith("#/") ? `#/${hash.slice(2).split("/")[0]}` : "#/";
  for (const link of document.querySelectorAll("nav a")) {
    if (link.getAttribute("href") === current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function route() {
  const mine = ++generation;
  const hash = location.hash || "#/";
  if (cleanup) { try { cleanup(); } catch (error) { console.error(error); } }
  cleanup = null;
  clearError();
  markNav(hash);
  const root = document.createElement("div");
  root.className = "view";
  main.replaceChildren(root);
  const found = match(hash);
  if (!found) {
    root.append(Object.assign(document.createElement("h1"), { textContent: "Not found" }));
    root.append(Object.assign(document.createElement("p"),
      { textContent: `Nothing lives at ${hash}. Go back home.` }));
    return;
  }
  try {
    const page = await import(found.module);
    if (mine !== generation) return;
    const done = await page.render(root, found.params, api);
    if (mine !== generation) { if (typeof done === "function") done(); return; }
    cleanup = typeof done === "function" ? done : null;
  } catch (error) {
    if (mine === generation) api.showError(error);
  }
  // Keyboard and screen-reader users land on the new page's heading, not on the old link.
  const heading = root.querySelector("h1");
  if (heading && mine === generation && document.activeElement?.closest("nav")) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

function askForKey() {
  authForm.hidden = false;
  main.hidden = true;
  authForm.querySelector("input").focus();
}

authForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  api.setKey(authForm.querySelector("input").value);
  await start();
});

async function start() {
  let me;
  try {
    me = await api.get("/api/me");
  } catch (error) {
    if (error.status === 401) { askForKey(); if (api.key) api.showError(error); return; }
    api.showError(error);
  }
  authForm.hidden = true;
  main.hidden = false;
  authForm.querySelector("input").value = "";
  if (me) {
    const who = document.querySelector("[data-testid=who]");
    who.textContent = `${me.name}${me.auth_method === "none" ? "" : ` · ${me.auth_method}`}`;
  }
  route();
}

window.addEventListener("hashchange", route);
start();
