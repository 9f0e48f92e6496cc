// A few DOM helpers: the page is tables and forms, and needs no framework.

/** An element: h("td", {class: "x", onclick: fn}, "text", child, [more children]). */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export function json(value) {
  return JSON.stringify(value, null, 2);
}

/** A <select> of [value, label] pairs, with `selected` chosen. */
export function select(attrs, options, selected) {
  return h("select", attrs, options.map(([value, label]) =>
    h("option", { value, selected: String(value) === String(selected ?? "") }, label)));
}

/** A labelled form field. */
export function field(label, control) {
  return h("label", { class: "field" }, h("span", {}, label), control);
}

let noticeTimer = null;

/** A short message at the top of the page; errors stay until the next one. */
export function notice(message, isError = false) {
  const box = document.getElementById("notice");
  box.textContent = message;
  box.className = isError ? "error" : "ok";
  box.hidden = false;
  clearTimeout(noticeTimer);
  if (!isError) noticeTimer = setTimeout(() => { box.hidden = true; }, 2500);
}

/** Runs an action, reporting its error on the page instead of losing it. */
export async function attempt(action, done) {
  try {
    const result = await action();
    if (done) notice(done);
    return result;
  } catch (error) {
    notice(error.message, true);
    return undefined;
  }
}

/** A gauge: remaining of limit, as a bar (an unlimited one shows as such). */
export function gauge(label, remaining, limit, testid) {
  const unlimited = limit === null || limit === undefined;
  const ratio = unlimited ? 1 : limit === 0 ? 0 : remaining / limit;
  const level = ratio > 0.5 ? "high" : ratio > 0.2 ? "mid" : "low";
  return h("div", { class: "gauge", dataset: { testid } },
    h("div", { class: "gauge-label" }, h("span", {}, label),
      h("span", { class: "gauge-value" }, unlimited ? "unlimited" : `${remaining} / ${limit} left`)),
    h("div", { class: "gauge-track" },
      h("div", { class: `gauge-fill ${unlimited ? "unlimited" : level}`, style: `width: ${Math.round(ratio * 100)}%` })));
}
