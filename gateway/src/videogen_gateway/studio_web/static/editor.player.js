// Play the timeline in the viewer: each segment's own clip (`segment.url`, the segment's
// window of its media, graded if it has a grade: docs/editor/previews.md) one after the
// other, from the playhead, with the playhead following the picture.

import { h } from "./dom.js";
import { itemAt } from "./editor.timeline.js";

// `warm(path)` asks for a clip without showing it: a split, trimmed or graded segment's clip
// is rendered on its first request (a second or two), so the next one is asked for while
// the current one plays, and the cut plays through without that wait.
export function createPlayer({ mediaSrc, warm, onTime, onStop }) {
  const video = h("video", { class: "ed-play", hidden: true, playsinline: true, preload: "auto",
                             "data-testid": "timeline-player", "aria-label": "The timeline, playing" });
  let run = null; // {layout, index} while playing
  let frame = 0;

  // The playhead follows at the display's rate; timeupdate alone comes ~4 times a second.
  const follow = () => {
    if (!run) return;
    onTime(run.layout.items[run.index].at + video.currentTime);
    frame = requestAnimationFrame(follow);
  };

  async function start(item, offset) {
    const mine = run;
    const src = await mediaSrc(item.segment.url);
    if (mine !== run) return;
    video.src = src;
    // A clip starts at its segment's start, so the time in it is the time into the segment.
    video.currentTime = offset;
    video.hidden = false;
    try {
      await video.play();
    } catch {
      if (mine === run) stop();
      return;
    }
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(follow);
    const next = run.layout.items[run.index + 1];
    if (next) warm(next.segment.url);
  }

  video.addEventListener("ended", () => {
    if (!run) return;
    const next = run.layout.items[run.index + 1];
    if (!next) {
      onTime(run.layout.length);
      stop();
      return;
    }
    run.index += 1;
    start(next, 0);
  });
  video.addEventListener("error", () => stop());

  function stop() {
    if (!run) return;
    run = null;
    cancelAnimationFrame(frame);
    video.pause();
    video.hidden = true;
    video.removeAttribute("src");
    video.load();
    onStop();
  }

  return {
    element: video,
    get playing() { return run !== null; },
    play(layout, ts) {
      // At the very end, start again from the beginning, as a player does.
      const from = ts >= layout.length - 1e-3 ? 0 : ts;
      const item = itemAt(layout, from);
      if (!item) return;
      run = { layout, index: item.index };
      start(item, from - item.at);
    },
    stop,
  };
}
