// follow(): an EventSource that picks up where it was.
//
// The browser reconnects an EventSource by itself after a dropped connection, sending
// Last-Event-ID, and the gateway replays what came after it. What it does not do is try
// again after an answer that is not a stream (a 503 while the gateway restarts, a 401 when
// the query token expired): the source is then closed for good. follow() opens a new one
// after a backoff, with the last id it handled in the query (`lastEventId`, the name the
// Aura and studio feeds read, and `last_event_id`, doc 004's jobs feed), minting a fresh
// token each time. A message it has already handled (an id at or below the last one) is
// dropped, so a replay never shows anything twice. After a terminal event the stream is
// closed on purpose; otherwise the browser would reopen a finished feed forever.

export function follow(api, path, {
  events, terminal = [], onMessage, onProblem = () => {}, onGone = () => {}, lastId = 0,
}) {
  let source = null;
  let timer = null;
  let stopped = false;
  let failures = 0;
  let last = lastId;

  function handle(name, message) {
    let data = null;
    try { data = message.data ? JSON.parse(message.data) : null; } catch { data = message.data; }
    const id = message.lastEventId === "" ? null : Number(message.lastEventId);
    // `connected` carries no id of its own (lastEventId repeats the previous one).
    if (name !== "connected" && id !== null) {
      if (id <= last) return;
      last = id;
    }
    failures = 0;
    onMessage(name, data, name === "connected" ? null : id);
    if (terminal.includes(name)) stop();
  }

  async function open() {
    if (stopped) return;
    let url;
    try {
      url = await api.tokenUrl(path, last ? { lastEventId: last, last_event_id: last } : {});
    } catch (error) {
      onProblem(error);
      retry();
      return;
    }
    if (stopped) return;
    source = new EventSource(url);
    for (const name of events) source.addEventListener(name, (m) => handle(name, m));
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) diagnose(url);
      // CONNECTING: the browser is already reconnecting with Last-Event-ID.
    };
  }

  // The source was refused: ask the same URL with fetch to learn why (the API's own error).
  async function diagnose(url) {
    source.close();
    if (stopped) return;
    const abort = new AbortController();
    try {
      const response = await fetch(url, {
        headers: { Accept: "text/event-stream" }, signal: abort.signal,
      });
      abort.abort();
      if (response.status === 404) {
        onGone(response);
        stop();
        return;
      }
      if (!response.ok) onProblem(new Error(`the live feed answered ${response.status}`));
    } catch {
      // Unreachable, or our own abort: try again below.
    }
    retry();
  }

  function retry() {
    if (stopped) return;
    failures += 1;
    const delay = Math.min(15000, 1000 * 2 ** Math.min(failures - 1, 4));
    timer = setTimeout(open, delay);
  }

  function stop() {
    stopped = true;
    clearTimeout(timer);
    if (source) source.close();
  }

  open();
  return { close: stop, get lastId() { return last; } };
}
