// The studio's one HTTP client: JSON in and out, the API key, query tokens, and errors.
//
// Every surface's error shape is read: the problem+json of the studio, Aura and editor
// surfaces ({title, detail, ...}) and doc 004's {"error": "..."}. A failed call throws an
// ApiError; the pages hand it to api.showError, which the shell shows in its one
// [role=alert] region, so no error is swallowed.

const KEY_STORAGE = "videogen.apiKey";

export class ApiError extends Error {
  constructor(status, title, detail, body = null) {
    super(detail ? `${title}: ${detail}` : title);
    this.status = status;      // null: the gateway could not be reached
    this.title = title;
    this.detail = detail;
    this.body = body;
  }
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status line says enough.
  }
  const status = response.status;
  if (body && typeof body === "object") {
    if (body.title) {
      const detail = body.detail && body.detail !== body.title ? body.detail : null;
      return new ApiError(status, body.title, detail, body);
    }
    if (typeof body.error === "string") return new ApiError(status, body.error, null, body);
    if (typeof body.detail === "string") return new ApiError(status, body.detail, null, body);
  }
  return new ApiError(status, `HTTP ${status}`, response.statusText || null, body);
}

class Api {
  constructor() {
    this.key = localStorage.getItem(KEY_STORAGE) || null;
    this.onError = (error) => console.error(error);      // the shell sets these two
    this.onUnauthorized = () => {};
  }

  setKey(key) {
    this.key = key ? key.trim() : null;
    if (this.key) localStorage.setItem(KEY_STORAGE, this.key);
    else localStorage.removeItem(KEY_STORAGE);
  }

  headers(extra = {}) {
    const headers = { Accept: "application/json", ...extra };
    if (this.key) headers.Authorization = `Bearer ${this.key}`;
    return headers;
  }

  async request(method, path, { json, body, headers, params, raw } = {}) {
    const url = params ? `${path}?${new URLSearchParams(params)}` : path;
    const init = { method, headers: this.headers(headers) };
    if (json !== undefined) {
      init.body = JSON.stringify(json);
      init.headers["Content-Type"] = "application/json";
    } else if (body !== undefined) {
      init.body = body;
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      throw new ApiError(null, "Cannot reach the gateway", String(error.message || error));
    }
    if (!response.ok) {
      const error = await errorOf(response);
      if (response.status === 401) this.onUnauthorized(error);
      throw error;
    }
    if (raw) return response;
    if (response.status === 204) return null;
    const type = response.headers.get("content-type") || "";
    return type.includes("json") ? response.json() : response.text();
  }

  get(path, params) { return this.request("GET", path, { params }); }
  post(path, json) { return this.request("POST", path, { json: json ?? {} }); }
  put(path, json) { return this.request("PUT", path, { json }); }
  del(path) { return this.request("DELETE", path); }

  // A file to a route that takes the raw bytes (the editor's upload URLs).
  upload(path, file, { method = "PUT", contentType } = {}) {
    const headers = { "Content-Type": contentType || file.type || "application/octet-stream" };
    return this.request(method, path, { body: file, headers });
  }

  // `path` as a URL an EventSource, a <video> or a download link can open: they cannot
  // send the Authorization header, so with a key the URL carries a query token for that
  // one path (POST /api/me/tokens, docs/security.md). Without a key (VIDEOGEN_AUTH=none, or
  // loopback-open) the plain path works and nothing is minted.
  async tokenUrl(path, query = {}) {
    const params = new URLSearchParams(query);
    if (this.key) {
      const minted = await this.post("/api/me/tokens", { path, ttl_seconds: 3600 });
      params.set("access_token", minted.token);
    }
    const qs = params.toString();
    return qs ? `${path}?${qs}` : path;
  }

  showError(error) {
    this.onError(error instanceof ApiError ? error
      : new ApiError(null, "Something went wrong", String(error?.message || error)));
  }
}

export const api = new Api();
