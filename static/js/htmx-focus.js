// After an htmx swap, keyboard focus must not fall back to the page: it returns to the
// control that was used (the element with the same id in the new content, or the button that
// posts the same name and value to the same address) or, when that is gone, moves to the
// result the new content marks with data-focus-result. What changed is announced by the
// page's polite live region, which the response fills out of band.
let pending = false;
let returnFocusTo = null;

function selectorFor(control) {
  if (control.id) {
    return `#${CSS.escape(control.id)}`;
  }
  const action = control.getAttribute("formaction");
  if (action && control.name) {
    const [name, value] = [control.name, control.value].map((text) => CSS.escape(text));
    return `[formaction="${CSS.escape(action)}"][name="${name}"][value="${value}"]`;
  }
  return null;
}

document.addEventListener("htmx:beforeRequest", (event) => {
  const config = event.detail.requestConfig;
  const submitter = config && config.triggeringEvent ? config.triggeringEvent.submitter : null;
  const used = submitter || document.activeElement;
  pending = true;
  returnFocusTo = used && used !== document.body ? selectorFor(used) : null;
});

document.addEventListener("htmx:afterSettle", () => {
  if (!pending) {
    return;
  }
  pending = false;
  const selector = returnFocusTo;
  const active = document.activeElement;
  if (active && active !== document.body && document.contains(active)) {
    return;
  }
  const target =
    (selector && document.querySelector(selector)) || document.querySelector("[data-focus-result]");
  if (target) {
    target.focus();
  }
});
