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
