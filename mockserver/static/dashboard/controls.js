// Controls: the clock, faults, rate limits with gauges of what is left, reset and reseed, who consents to
// OAuth apps, and webhooks (the OAuth and webhook panels appear when the server has their endpoints).
import { del, get, post, probe } from "./api.js";
import { attempt, field, gauge, h, replace, select } from "./dom.js";

const UNITS = [[1, "seconds"], [60, "minutes"], [3600, "hours"], [86400, "days"]];
const PLANS = ["", "lite", "growth", "premium", "power", "ultimate"];
const state = { root: null };

export async function show(root) {
  state.root = root;
  replace(root, h("div", { class: "cards" },
    h("div", { class: "card", id: "clock-card" }, h("h2", {}, "Clock"), h("div", { id: "clock-now", class: "big" }),
      clockForms()),
    h("div", { class: "card", id: "faults-card" }, h("h2", {}, "Faults"), h("div", { id: "faults-list" }), faultForm()),
    h("div", { class: "card", id: "limits-card" }, h("h2", {}, "Rate limits"), h("div", { id: "limits-form" }),
      h("div", { id: "limits-gauges" })),
    h("div", { class: "card", id: "state-card" }, h("h2", {}, "Reset and reseed"), stateForms()),
    h("div", { class: "card", id: "consent-card", hidden: true }, h("h2", {}, "OAuth consent"),
      h("div", { id: "consent-body" })),
    h("div", { class: "card wide", id: "webhooks-card", hidden: true }, h("h2", {}, "Webhooks"),
      h("div", { id: "webhooks-body" }))));
  await Promise.all([refresh(), limitsForm(), renderConsent()]);
}

export async function poll() {
  await refresh();
}

async function refresh() {
  await Promise.all([renderClock(), renderFaults(), renderGauges(), renderWebhooks()]);
}

async function renderClock() {
  const clock = await get("/_mock/clock");
  replace(document.getElementById("clock-now"), h("span", { id: "clock-value" }, clock.now),
    h("span", { class: `badge ${clock.frozen ? "frozen" : ""}` }, clock.frozen ? "frozen" : "flowing"));
}

function clockForms() {
  const set = h("input", { id: "clock-set", type: "text", placeholder: "2030-01-01T00:00:00Z", size: 22 });
  const amount = h("input", { id: "clock-amount", type: "number", value: 1, step: "any" });
  const unit = select({ id: "clock-unit" }, UNITS, 3600);
  const change = (body, message) => attempt(async () => { await post("/_mock/clock", body); await renderClock(); },
    message);
  return h("div", { class: "stack" },
    h("div", { class: "row" },
      h("button", { type: "button", id: "clock-freeze", onclick: () => change({ frozen: true }, "Clock frozen") }, "Freeze"),
      h("button", { type: "button", id: "clock-flow", onclick: () => change({ frozen: false }, "Clock flowing") }, "Let flow")),
    h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); change({ now: set.value.trim() }, "Clock set and frozen"); } },
      field("Set to (RFC 3339)", set), h("button", { type: "submit", id: "clock-set-button" }, "Set")),
    h("form", { class: "row", onsubmit: (e) => {
      e.preventDefault();
      change({ advance: Number(amount.value) * Number(unit.value) }, "Clock moved");
    } }, field("Advance by", amount), unit, h("button", { type: "submit", id: "clock-advance" }, "Advance")),
    h("div", { class: "row" }, [["+1 hour", 3600], ["+1 day", 86400], ["+30 days", 2592000]].map(([label, seconds]) =>
      h("button", { type: "button", class: "small", onclick: () => change({ advance: seconds }, "Clock moved") }, label))));
}

async function renderFaults() {
  const { faults } = await get("/_mock/faults");
  const rows = faults.map((f) => h("tr", { dataset: { id: f.id } },
    h("td", { class: "num" }, f.id), h("td", {}, f.method || "any"), h("td", { class: "path" }, f.path || "any"),
    h("td", {}, f.status ?? "—"), h("td", {}, f.latency_ms ? `${f.latency_ms} ms` : "—"),
    h("td", {}, f.times ?? "until cleared"), h("td", {}, f.probability),
    h("td", {}, h("button", { type: "button", class: "small", onclick: () => attempt(async () => {
      await del(`/_mock/faults/${f.id}`); await renderFaults();
    }, `Fault ${f.id} cleared`) }, "clear"))));
  replace(document.getElementById("faults-list"), h("table", { id: "faults-table", class: "rows compact" },
    h("thead", {}, h("tr", {}, ["id", "method", "path", "status", "delay", "times left", "probability", ""]
      .map((t) => h("th", {}, t)))),
    h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No faults: every call is answered normally.")))),
  faults.length ? h("button", { type: "button", class: "danger small", id: "faults-clear", onclick: () => attempt(async () => {
    await del("/_mock/faults"); await renderFaults();
  }, "Faults cleared") }, "Clear all") : null);
}

function faultForm() {
  const method = select({ id: "fault-method" }, [["", "any method"], ...["GET", "POST", "PATCH", "DELETE"].map((m) => [m, m])]);
  const path = h("input", { id: "fault-path", placeholder: "/api/v2/activities*" });
  const status = h("input", { id: "fault-status", type: "number", min: 400, max: 599, placeholder: "503" });
  const latency = h("input", { id: "fault-latency", type: "number", min: 0, max: 60000, placeholder: "0" });
  const times = h("input", { id: "fault-times", type: "number", min: 1, placeholder: "until cleared" });
  const probability = h("input", { id: "fault-probability", type: "number", min: 0.01, max: 1, step: 0.01, value: 1 });
  const number = (input) => (input.value === "" ? undefined : Number(input.value));
  return h("form", { class: "grid", id: "fault-form", onsubmit: (e) => {
    e.preventDefault();
    const body = { method: method.value || null, path: path.value || null, status: number(status) ?? null,
      times: number(times) ?? null, probability: number(probability) ?? 1 };
    if (number(latency)) body.latency_ms = number(latency);
    attempt(async () => { await post("/_mock/faults", body); await renderFaults(); }, "Fault added");
  } }, field("Method", method), field("Path (glob)", path), field("Status", status), field("Delay (ms)", latency),
  field("Times", times), field("Probability", probability), h("button", { type: "submit", id: "fault-add" }, "Add fault"));
}

async function limitsForm() {
  const settings = await get("/_mock/rate-limit");
  const input = (id, value, attrs = {}) => h("input", { id, type: "number", value: value ?? "", ...attrs });
  const budget = input("limit-budget", settings.daily_budget, { min: 0, placeholder: "unlimited" });
  const burst = input("limit-burst", settings.burst, { min: 1, placeholder: "unlimited" });
  const windowSeconds = input("limit-window", settings.window_seconds, { min: 0.1, step: "any" });
  const plan = select({ id: "limit-plan" }, PLANS.map((p) => [p, p || "no plan"]), settings.plan || "");
  const seats = input("limit-seats", settings.seats, { min: 1 });
  const number = (el) => (el.value === "" ? null : Number(el.value));
  const apply = (body) => attempt(async () => { await post("/_mock/rate-limit", body); await limitsForm(); await renderGauges(); },
    "Limits set: a fresh day and window");
  replace(document.getElementById("limits-form"), h("form", { class: "grid", onsubmit: (e) => {
    e.preventDefault();
    apply({ daily_budget: number(budget), burst: number(burst), window_seconds: number(windowSeconds) ?? 2,
      plan: plan.value || null, seats: number(seats) ?? 1 });
  } }, field("Daily budget (tokens)", budget), field("Burst (calls)", burst), field("Window (s)", windowSeconds),
  field("Plan", plan), field("Seats", seats), h("button", { type: "submit", id: "limits-apply" }, "Apply"),
  h("button", { type: "button", id: "limits-off", onclick: () => apply({}) }, "Unlimited")));
}

async function renderGauges() {
  const usage = await get("/_mock/rate-limit/usage");
  const active = usage.tokens.filter((t) => t.used > 0 || usage.burst !== null).slice(0, 20);
  replace(document.getElementById("limits-gauges"),
    h("h3", {}, "Daily budget per company (tokens)"),
    usage.companies.slice(0, 20).map((c) => gauge(`company ${c.company_id}: ${c.spent} spent`, c.remaining, c.limit,
      `budget-${c.company_id}`)),
    h("h3", {}, `Burst per token (calls per ${usage.window_seconds} s)`),
    active.length ? active.map((t) => gauge(`${t.name} (${t.token})${t.used ? `, resets in ${t.reset_seconds}s` : ""}`,
      t.remaining, t.limit, `burst-${t.user_id}`))
      : h("p", { class: "muted" }, "No burst limit, and no calls in the current window."));
}

function stateForms() {
  const company = h("input", { id: "state-company", type: "number", min: 1, value: 1 });
  const seed = h("input", { id: "state-seed", type: "number", min: 0, placeholder: "its seed" });
  const activities = h("input", { id: "state-activities", type: "number", min: 0, max: 5000, value: 200 });
  return h("div", { class: "stack" },
    h("p", { class: "muted" }, "Reset puts companies back to their seeded state (the clock, journal, faults and limits are left alone); a fresh start also drops companies added since, clears the journal, faults, limits and the delivery log, and puts the clock back to wall time."),
    h("div", { class: "row" },
      h("button", { type: "button", id: "reset-all", class: "danger", onclick: () => attempt(() => post("/_mock/reset", {}),
        "Every company reset") }, "Reset every company"),
      h("button", { type: "button", id: "reset-one", onclick: () => attempt(() =>
        post("/_mock/reset", { company_id: Number(company.value) }), `Company ${company.value} reset`) }, "Reset company"),
      h("button", { type: "button", id: "reset-everything", class: "danger", onclick: () => attempt(async () => {
        await post("/_mock/reset", { everything: true }); await refresh(); await limitsForm(); await renderConsent();
      }, "Fresh start: everything reset") }, "Fresh start")),
    h("form", { class: "row", onsubmit: (e) => {
      e.preventDefault();
      const body = { company_id: Number(company.value), activities: Number(activities.value) };
      if (seed.value !== "") body.seed = Number(seed.value);
      attempt(() => post("/_mock/seed", body), `Company ${company.value} reseeded`);
    } }, field("Company", company), field("Seed", seed), field("Activities", activities),
    h("button", { type: "submit", id: "reseed" }, "Reseed")));
}

/** The card of an optional feature, shown only when the server answers `path`; its answer, or null. */
async function optionalCard(path, id) {
  const data = await probe(path);
  document.getElementById(id).hidden = data === null;
  return data;
}

// Not polled: a list that redraws itself would close a menu the developer has open.
async function renderConsent() {
  const consent = await optionalCard("/_mock/oauth/consent", "consent-card");
  if (consent === null) return; // a server without OAuth
  const { users } = await get("/_mock/users");
  const rows = consent.consent.slice(0, 20).map((c) => {
    const options = users.filter((u) => u.company_id === c.company_id)
      .map((u) => [u.id, `${u.name} (#${u.id}${u.is_admin ? ", admin" : ""})`]);
    const choice = select({ id: `consent-${c.company_id}`, onchange: (e) => attempt(async () => {
      const chosen = await post("/_mock/oauth/consent", { company_id: c.company_id, user_id: Number(e.target.value) });
      await renderConsent();
      return chosen;
    }, `Company ${c.company_id}: apps are now authorized as user ${e.target.value}`) }, options, c.user_id);
    return h("tr", {}, h("td", { class: "num" }, c.company_id), h("td", {}, choice),
      h("td", {}, c.chosen ? h("button", { type: "button", class: "small", onclick: () => attempt(async () => {
        await post("/_mock/oauth/consent", { company_id: c.company_id, user_id: null }); await renderConsent();
      }, `Company ${c.company_id}: apps are authorized as its admin again`) }, "admin again")
        : h("span", { class: "muted" }, "the admin (default)")));
  });
  replace(document.getElementById("consent-body"),
    h("p", { class: "muted" }, "GET /oauth/authorize has no login page: it consents at once, as the user chosen here ",
      "(or its user_id parameter's user)."),
    h("table", { id: "consent-table", class: "rows compact" },
      h("thead", {}, h("tr", {}, ["company", "consents as", ""].map((t) => h("th", {}, t)))), h("tbody", {}, rows)));
}

async function renderWebhooks() {
  const log = await optionalCard("/_mock/webhooks/deliveries", "webhooks-card");
  if (log === null) return; // a server without webhooks
  const { companies } = await get("/_mock/companies");
  const lists = await Promise.all(companies.slice(0, 20).map((c) => get(`/_mock/companies/${c.id}/webhooks`)));
  const hooks = lists.flatMap((list) => list.webhooks);
  replace(document.getElementById("webhooks-body"),
    h("div", { class: "row" },
      h("button", { type: "button", id: "webhooks-flush", onclick: () => attempt(async () => {
        const { flushed } = await post("/_mock/webhooks/flush", {}); return flushed;
      }, "Waiting deliveries sent now") }, "Deliver waiting now"),
      h("button", { type: "button", class: "danger", onclick: () => attempt(() => del("/_mock/webhooks/deliveries"),
        "Delivery log cleared") }, "Clear log")),
    h("h3", {}, "Subscriptions"), subscriptionsTable(hooks),
    h("h3", {}, "Delivery timeline (newest first: every attempt, retry, drop and deletion)"),
    timeline(log.deliveries || []));
}

function subscriptionsTable(hooks) {
  if (!hooks.length) return h("p", { class: "muted" }, "No webhooks: POST /v1/webhooks subscribes one.");
  return h("table", { id: "webhooks-table", class: "rows compact" },
    h("thead", {}, h("tr", {}, ["id", "company", "event", "url", "version", "state", "last status"].map((t) => h("th", {}, t)))),
    h("tbody", {}, hooks.map((w) => {
      const health = w.health;
      const state = health.banned_until ? h("span", { class: "badge bad" }, `banned until ${health.banned_until}`)
        : health.first_failures_in_row ? h("span", { class: "badge bad" },
          `${health.first_failures_in_row} of ${health.ban_after_failures} failures before a ban`)
          : h("span", { class: "badge" }, "healthy");
      return h("tr", { dataset: { id: w.id } }, h("td", { class: "num" }, w.id), h("td", {}, w.company_id),
        h("td", {}, `${w.event_action}.${w.event_object}`), h("td", { class: "path" }, w.subscription_url),
        h("td", {}, w.version), h("td", {}, state), h("td", {}, w.last_http_status ?? "—"));
    })));
}

const OUTCOMES = { delivered: "ok", failed: "bad", dropped: "bad", deleted: "bad" };

function timeline(entries) {
  if (!entries.length) return h("p", { class: "muted" }, "No deliveries yet.");
  return h("table", { id: "deliveries-table", class: "rows compact" },
    h("thead", {}, h("tr", {}, ["#", "time (mock clock)", "webhook", "event", "attempt", "outcome", "answer", "took", "next attempt"]
      .map((t) => h("th", {}, t)))),
    h("tbody", {}, entries.slice(-100).reverse().map((d) => h("tr", { class: d.outcome === "delivered" ? "" : "violating" },
      h("td", { class: "num" }, d.id), h("td", { class: "time" }, d.time), h("td", {}, `#${d.webhook_id}`),
      h("td", {}, d.action ? `${d.action} activity ${d.entity_id ?? ""}` : "—"), h("td", {}, d.attempt ?? "—"),
      h("td", {}, h("span", { class: `badge ${OUTCOMES[d.outcome] || ""}` }, d.outcome)),
      h("td", {}, d.status ?? d.error ?? "—"), h("td", {}, d.duration_ms === null ? "—" : `${Math.round(d.duration_ms)} ms`),
      h("td", { class: "time" }, d.next_attempt_at || "")))));
}
