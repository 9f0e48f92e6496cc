// The dashboard: three views over the control API, chosen by the URL's hash (#requests, #data, #controls,
// each with its own parameters after a "?"), polled every POLL_MS while the tab is visible and never otherwise.
import { get } from "./api.js";
import { attempt, replace } from "./dom.js";
import * as requests from "./requests.js";
import * as data from "./data.js";
import * as controls from "./controls.js";

const POLL_MS = 2000;
const VIEWS = { requests, data, controls };
let current = null;
let polling = false;

function route() {
  const [name, search] = (location.hash.slice(1) || "requests").split("?");
  const view = VIEWS[name] ? name : "requests";
  const params = Object.fromEntries(new URLSearchParams(search || ""));
  for (const link of document.querySelectorAll("nav a")) {
    link.classList.toggle("active", link.dataset.view === view);
  }
  for (const key of Object.keys(VIEWS)) {
    document.getElementById(`view-${key}`).hidden = key !== view;
  }
  current = VIEWS[view];
  const section = document.getElementById(`view-${view}`);
  delete section.dataset.loaded;
  return attempt(() => current.show(section, params)).then(() => { section.dataset.loaded = "true"; });
}

async function showClock() {
  const clock = await get("/_mock/clock");
  const badge = document.getElementById("clock-badge");
  replace(badge, `${clock.frozen ? "frozen" : "clock"} ${clock.now}`);
  badge.classList.toggle("frozen", clock.frozen);
}

async function poll() {
  if (polling || document.visibilityState !== "visible") return;
  polling = true;
  try {
    await attempt(() => Promise.all([showClock(), current && current.poll ? current.poll() : null]));
  } finally {
    polling = false;
  }
}

async function start() {
  await attempt(showClock); // asks for the control token first, when the server has one
  window.addEventListener("hashchange", route);
  await route();
  setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", poll);
  document.body.dataset.ready = "true";
}

start();
