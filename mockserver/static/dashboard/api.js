// The control API, and nothing else: every call goes to /_mock/ on this origin, with JSON bodies, and the
// control token (asked for once, kept in sessionStorage: this tab only) when the server needs one.
const TOKEN_KEY = "pipedrive-mock-control-token";
const TOKEN_HEADER = "x-mock-control-token";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let asking = null; // the one pending token prompt, shared by every call that met a 401

function askToken(reason) {
  if (asking) return asking;
  const overlay = document.getElementById("token-overlay");
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  const error = document.getElementById("token-error");
  error.hidden = !reason;
  error.textContent = reason || "";
  overlay.hidden = false;
  input.value = "";
  input.focus();
  asking = new Promise((resolve) => {
    form.onsubmit = (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value);
      overlay.hidden = true;
      asking = null;
      resolve();
    };
  });
  return asking;
}

export async function call(method, path, body) {
  for (;;) {
    const headers = { Accept: "application/json" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers[TOKEN_HEADER] = token;
    const init = { method, headers, credentials: "same-origin" };
    if (method !== "GET" && method !== "HEAD") {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body ?? {});
    }
    const response = await fetch(path, init);
    if (response.status === 401) {
      await askToken(token ? "That token was refused: try again." : "");
      continue;
    }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (!response.ok) {
      throw new ApiError(response.status, (data && data.error) || `${method} ${path} answered ${response.status}`);
    }
    return data;
  }
}

export const get = (path, params) => call("GET", params ? `${path}?${query(params)}` : path);
export const post = (path, body) => call("POST", path, body);
export const del = (path) => call("DELETE", path);

/** GET that answers null when the endpoint does not exist (404/405): for panels of optional features. */
export async function probe(path) {
  try {
    return await get(path);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

/** A query string of the parameters that are set. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  return search.toString();
}
