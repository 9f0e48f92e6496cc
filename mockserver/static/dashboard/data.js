// Data: per company, its activities a keyset page at a time (sortable, filterable, deleted ones marked),
// its users with their tokens, and its activity types.
import { get } from "./api.js";
import { attempt, field, h, json, replace, select } from "./dom.js";

const SORTABLE = ["id", "add_time", "update_time", "due_date"];
const state = { root: null, companyId: 1, company: null, query: {}, cursors: [], page: null, selected: null };

export async function show(root, params) {
  state.root = root;
  state.companyId = Number(params.company_id || state.companyId || 1);
  state.query = { sort_by: "id", sort_direction: "asc", deleted: "include", limit: 50 };
  for (const key of ["sort_by", "sort_direction", "deleted", "owner_id", "type", "done", "subject", "limit"]) {
    if (params[key]) state.query[key] = params[key];
  }
  state.cursors = [];
  state.selected = null;
  await loadCompany();
}

export async function poll() {
  // The data changes only through the API: the summary is refreshed, the page on demand (it may be far in).
  const companies = await get("/_mock/companies");
  const summary = companies.companies.find((c) => c.id === state.companyId);
  if (summary && state.company) renderSummary(companies.companies, summary);
}

async function loadCompany() {
  const [companies, company] = await Promise.all([get("/_mock/companies"),
    get(`/_mock/companies/${state.companyId}`)]);
  state.company = company;
  replace(state.root,
    h("div", { class: "company-bar" }, h("div", { id: "company-summary" })),
    h("div", { class: "split wide-list" },
      h("div", { class: "list" }, activityFilters(), h("table", { id: "activities-table", class: "rows" }),
        h("div", { class: "pager" },
          h("button", { type: "button", id: "activities-first", onclick: () => { state.cursors = []; attempt(loadPage); } }, "First page"),
          h("button", { type: "button", id: "activities-previous", onclick: () => { state.cursors.pop(); attempt(loadPage); } }, "Previous"),
          h("button", { type: "button", id: "activities-next", onclick: () => {
            if (state.page.next_cursor) { state.cursors.push(state.page.next_cursor); attempt(loadPage); }
          } }, "Next"),
          h("span", { id: "activities-position", class: "muted" }))),
      h("aside", { class: "detail" }, h("div", { id: "activity-detail" },
        h("p", { class: "muted" }, "Choose an activity.")), usersTable(), typesTable())));
  renderSummary(companies.companies, companies.companies.find((c) => c.id === state.companyId));
  await loadPage();
}

function renderSummary(companies, summary) {
  const choose = select({ id: "company-select", onchange: (e) => {
    state.companyId = Number(e.target.value); state.cursors = []; attempt(loadCompany);
  } }, companies.map((c) => [c.id, `${c.id}: ${c.name}`]), state.companyId);
  replace(document.getElementById("company-summary"), field("Company", choose),
    h("span", { class: "counts" }, `${summary.activity_count} activities, ${summary.deleted_count} deleted (kept 30 days), `
      + `${summary.user_count} users, seed ${summary.seed ?? "none"}`));
}

function activityFilters() {
  const q = state.query;
  const change = (key) => (event) => {
    if (event.target.value) q[key] = event.target.value; else delete q[key];
    state.cursors = [];
    attempt(loadPage);
  };
  const users = state.company.users.map((u) => [u.id, `${u.id}: ${u.name}`]);
  const types = state.company.activity_types.map((t) => [t.key_string, t.name]);
  return h("form", { class: "filters", onsubmit: (e) => e.preventDefault() },
    field("Deleted", select({ name: "deleted", onchange: change("deleted") },
      [["include", "shown, marked"], ["exclude", "hidden"], ["only", "only deleted"]], q.deleted)),
    field("Owner", select({ name: "owner_id", onchange: change("owner_id") }, [["", "any"], ...users], q.owner_id)),
    field("Type", select({ name: "type", onchange: change("type") }, [["", "any"], ...types], q.type)),
    field("Done", select({ name: "done", onchange: change("done") },
      [["", "any"], ["true", "done"], ["false", "not done"]], q.done)),
    field("Subject contains", h("input", { name: "subject", value: q.subject || "", onchange: change("subject") })),
    field("Per page", select({ name: "limit", onchange: change("limit") },
      [[25, "25"], [50, "50"], [100, "100"], [500, "500"]], q.limit)));
}

async function loadPage() {
  const cursor = state.cursors[state.cursors.length - 1];
  state.page = await get(`/_mock/companies/${state.companyId}/activities`, { ...state.query, cursor });
  renderPage();
}

function sortHeader(name, label) {
  if (!SORTABLE.includes(name)) return h("th", {}, label);
  const q = state.query;
  const active = q.sort_by === name;
  const arrow = active ? (q.sort_direction === "asc" ? " ▲" : " ▼") : "";
  return h("th", { class: "sortable", dataset: { sort: name }, onclick: () => {
    q.sort_direction = active && q.sort_direction === "asc" ? "desc" : "asc";
    q.sort_by = name;
    state.cursors = [];
    attempt(loadPage);
  } }, label + arrow);
}

function renderPage() {
  const users = Object.fromEntries(state.company.users.map((u) => [u.id, u.name]));
  const rows = state.page.activities.map((a) => h("tr", {
    class: [a.deleted_time ? "deleted" : "", a.id === state.selected ? "selected" : ""].join(" "),
    dataset: { id: a.id }, onclick: () => openActivity(a) },
  h("td", { class: "num" }, a.id), h("td", { class: "subject" }, a.subject), h("td", {}, a.type),
  h("td", { class: "nowrap" }, users[a.owner_id] || a.owner_id),
  h("td", { class: "time" }, [a.due_date, a.due_time].filter(Boolean).join(" ") || "—"),
  h("td", {}, a.done ? "✓" : ""), h("td", { class: "time" }, minutes(a.add_time)),
  h("td", { class: "time" }, minutes(a.update_time)),
  h("td", { class: "nowrap" }, a.deleted_time ? h("span", { class: "badge bad" }, "deleted") : "")));
  replace(document.getElementById("activities-table"),
    h("thead", {}, h("tr", {}, sortHeader("id", "id"), sortHeader("subject", "subject"), sortHeader("type", "type"),
      sortHeader("owner", "owner"), sortHeader("due_date", "due"), sortHeader("done", "done"),
      sortHeader("add_time", "added"), sortHeader("update_time", "updated"), sortHeader("state", ""))),
    h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 9, class: "muted" }, "No activities."))));
  document.getElementById("activities-next").disabled = !state.page.next_cursor;
  document.getElementById("activities-previous").disabled = !state.cursors.length;
  document.getElementById("activities-first").disabled = !state.cursors.length;
  replace(document.getElementById("activities-position"), `page ${state.cursors.length + 1}`);
}

/** An RFC 3339 time to the minute, for a table cell (the detail has it whole). */
function minutes(time) {
  return time.slice(0, 16).replace("T", " ");
}

function openActivity(activity) {
  state.selected = activity.id;
  for (const row of document.querySelectorAll("#activities-table tr[data-id]")) {
    row.classList.toggle("selected", Number(row.dataset.id) === activity.id);
  }
  const link = `#requests?company_id=${state.companyId}&activity_id=${activity.id}`;
  replace(document.getElementById("activity-detail"),
    h("h2", {}, `Activity ${activity.id}`, activity.deleted_time ? h("span", { class: "badge bad" }, "deleted") : null),
    h("p", {}, h("a", { href: link, id: "activity-requests" }, "Requests naming this activity →")),
    h("pre", {}, json(activity)));
}

function usersTable() {
  return h("div", {}, h("h3", {}, "Users and tokens"), h("table", { id: "users-table", class: "rows compact" },
    h("thead", {}, h("tr", {}, ["id", "name and email", "token", "admin"].map((t) => h("th", {}, t)))),
    h("tbody", {}, state.company.users.map((u) => h("tr", {},
      h("td", { class: "num" }, u.id), h("td", {}, u.name, h("br"), h("small", { class: "muted" }, u.email)),
      h("td", {}, h("code", { class: "token" }, u.token)), h("td", {}, u.is_admin ? "admin" : ""))))));
}

function typesTable() {
  return h("div", {}, h("h3", {}, "Activity types"), h("table", { id: "types-table", class: "rows compact" },
    h("thead", {}, h("tr", {}, ["id", "key", "name", "active"].map((t) => h("th", {}, t)))),
    h("tbody", {}, state.company.activity_types.map((t) => h("tr", { class: t.active_flag ? "" : "deleted" },
      h("td", { class: "num" }, t.id), h("td", {}, h("code", {}, t.key_string)), h("td", {}, t.name),
      h("td", {}, t.active_flag ? "yes" : "no"))))));
}
