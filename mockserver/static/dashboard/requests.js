// Requests: the journal newest first, a page at a time, live while on the newest page; an entry opens to
// what the client sent and each contract violation explained, with the part of openapi.yaml it breaks.
import { get, del } from "./api.js";
import { attempt, field, h, json, replace, select } from "./dom.js";

const PAGE = 50;
const FILTERS = ["method", "path", "status", "violations", "company_id", "activity_id"];
const state = { root: null, filters: {}, before: [], page: null, live: true, selected: null };

export async function show(root, params) {
  state.root = root;
  state.filters = Object.fromEntries(FILTERS.filter((k) => params[k]).map((k) => [k, params[k]]));
  state.before = [];
  state.selected = params.entry ? Number(params.entry) : null;
  replace(root, filterBar(), h("div", { class: "split" },
    h("div", { class: "list" }, h("div", { id: "requests-summary", class: "summary" }),
      h("table", { id: "requests-table", class: "rows" }), pager()),
    h("aside", { id: "request-detail", class: "detail" }, h("p", { class: "muted" }, "Choose a request."))));
  await load();
  if (state.selected) await open(state.selected);
}

export async function poll() {
  if (!state.live || state.before.length || !state.page) return;
  const old = state.page;
  const fresh = await get("/_mock/journal", { ...state.filters, limit: PAGE, after: old.last_id });
  if (fresh.held < old.held) return load(); // cleared meanwhile
  if (!fresh.requests.length && fresh.matching === old.matching) return;
  const merged = [...fresh.requests, ...old.requests].slice(0, PAGE);
  const more = fresh.matching > merged.length;
  state.page = { ...fresh, requests: merged, next_before: more ? merged[merged.length - 1].id : null };
  render();
}

async function load() {
  const before = state.before[state.before.length - 1];
  state.page = await get("/_mock/journal", { ...state.filters, limit: PAGE, before });
  render();
}

function filterBar() {
  const f = state.filters;
  const change = (key) => (event) => {
    const value = event.target.type === "checkbox" ? (event.target.checked ? "true" : "") : event.target.value;
    if (value) f[key] = value; else delete f[key];
    state.before = [];
    attempt(load);
  };
  return h("form", { class: "filters", onsubmit: (e) => e.preventDefault() },
    field("Method", select({ name: "method", onchange: change("method") },
      [["", "any"], ...["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"].map((m) => [m, m])], f.method)),
    field("Path contains", h("input", { name: "path", value: f.path || "", placeholder: "/api/v2/activities",
      onchange: change("path") })),
    field("Status", h("input", { name: "status", value: f.status || "", placeholder: "400 or 4xx", size: 6,
      onchange: change("status") })),
    field("Company", h("input", { name: "company_id", type: "number", min: 1, value: f.company_id || "",
      onchange: change("company_id") })),
    field("Activity", h("input", { name: "activity_id", type: "number", min: 1, value: f.activity_id || "",
      onchange: change("activity_id") })),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "violations",
      checked: f.violations === "true", onchange: change("violations") }), "has violations"),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "live", checked: state.live,
      onchange: (e) => { state.live = e.target.checked; } }), "live"),
    h("button", { type: "button", class: "danger", onclick: () => attempt(async () => {
      await del("/_mock/requests"); state.before = []; await load();
    }, "Journal cleared") }, "Clear journal"));
}

function pager() {
  return h("div", { class: "pager" },
    h("button", { type: "button", id: "requests-newest", onclick: () => { state.before = []; attempt(load); } },
      "Newest"),
    h("button", { type: "button", id: "requests-older", onclick: () => {
      if (state.page && state.page.next_before) { state.before.push(state.page.next_before); attempt(load); }
    } }, "Older"));
}

function render() {
  const page = state.page;
  const position = state.before.length ? `older page ${state.before.length + 1}` : "newest first";
  replace(document.getElementById("requests-summary"),
    `${page.matching} matching of ${page.held} held (${position}; ${page.last_id} recorded since start)`);
  const rows = page.requests.map((entry) => h("tr", {
    class: [entry.violations.length ? "violating" : "", entry.id === state.selected ? "selected" : ""].join(" "),
    dataset: { id: entry.id }, onclick: () => attempt(() => open(entry.id)) },
  h("td", { class: "num" }, entry.id), h("td", {}, entry.time.replace("T", " ").replace("Z", "")),
  h("td", {}, h("span", { class: `method ${entry.method}` }, entry.method)), h("td", { class: "path" }, entry.path),
  h("td", {}, h("span", { class: `status s${String(entry.status)[0]}` }, entry.status)),
  h("td", {}, entry.operation || "—"), h("td", {}, entry.company_id ?? "—"),
  h("td", {}, entry.violations.length ? h("span", { class: "badge bad" }, `${entry.violations.length} violation${entry.violations.length > 1 ? "s" : ""}`) : "")));
  replace(document.getElementById("requests-table"),
    h("thead", {}, h("tr", {}, ["#", "time (mock clock)", "method", "path", "status", "operation", "company", "contract"]
      .map((t) => h("th", {}, t)))),
    h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No requests."))));
  document.getElementById("requests-older").disabled = !page.next_before;
}

async function open(id) {
  state.selected = id;
  for (const row of document.querySelectorAll("#requests-table tr[data-id]")) {
    row.classList.toggle("selected", Number(row.dataset.id) === id);
  }
  const entry = await get(`/_mock/journal/${id}`);
  const query = Object.keys(entry.query).length ? h("pre", {}, json(entry.query)) : h("p", { class: "muted" }, "none");
  const body = entry.body === null ? h("p", { class: "muted" }, "none")
    : h("pre", {}, typeof entry.body === "string" ? entry.body : json(entry.body));
  replace(document.getElementById("request-detail"),
    h("h2", {}, `${entry.method} ${entry.path}`),
    h("dl", {},
      h("dt", {}, "Answered"), h("dd", {}, h("span", { class: `status s${String(entry.status)[0]}` }, entry.status)),
      h("dt", {}, "Operation"), h("dd", {}, entry.operation || "none of the contract"),
      h("dt", {}, "Time"), h("dd", {}, entry.time),
      h("dt", {}, "Token"), h("dd", { class: "token" }, entry.token || "none"),
      h("dt", {}, "Company"), h("dd", {}, entry.company_id ?? "—")),
    h("h3", {}, "Query"), query, h("h3", {}, "Body"), body,
    h("h3", {}, entry.explanations.length ? "What the contract says is wrong" : "Contract"),
    entry.explanations.length ? entry.explanations.map(explanation)
      : h("p", { class: "ok-text" }, "No violations: openapi.yaml allows this request."));
}

function explanation(item) {
  const lines = item.first_line ? `openapi.yaml, lines ${item.first_line}–${item.last_line}` : "openapi.yaml";
  const numbered = item.excerpt.split("\n").map((line, i) =>
    h("span", { class: "line" }, h("span", { class: "ln" }, item.first_line + i), line)).slice(0, 24);
  return h("div", { class: "violation", dataset: { testid: "violation" } },
    h("p", { class: "message" }, item.message),
    h("p", { class: "explanation" }, item.explanation),
    h("p", { class: "where" }, `${lines}: `, h("code", {}, item.spec_path)),
    item.excerpt ? h("pre", { class: "spec" }, numbered) : null);
}
