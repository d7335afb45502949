// The editor's pictures and clips as URLs an <img> or a <video> can open.
//
// Without an API key (make run on loopback, VIDEOGEN_AUTH=none) the API's own paths work
// as they are. With one, an element cannot send the Authorization header: a clip gets a
// query token for its path (api.tokenUrl, one POST per clip), while the preview JPEGs,
// each at its own path and many per scrub, are fetched with the header through api.js and
// shown from blob: URLs (the page's CSP allows img-src blob:). Frames are content-keyed
// and never change (docs/editor/previews.md), so each one is fetched once per page.

export function mediaSources(api) {
  const blobs = new Map();
  return {
    async imageSrc(path) {
      if (!api.key) return path;
      let url = blobs.get(path);
      if (!url) {
        const response = await api.request("GET", path, { raw: true, headers: { Accept: "image/*" } });
        url = URL.createObjectURL(await response.blob());
        blobs.set(path, url);
      }
      return url;
    },
    mediaSrc(path) {
      return api.tokenUrl(path);
    },
    release() {
      for (const url of blobs.values()) URL.revokeObjectURL(url);
      blobs.clear();
    },
  };
}
