// Behaviour shared by every page. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // GOV.UK error pattern: move focus to the error summary so it is read out first.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  // Buttons that ask before doing something that can't be undone.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
});

// Steps only a browser without JavaScript needs (a "Show the fields for this role" button):
// htmx takes them as soon as the choice changes, so they go, on the page and in whatever
// htmx swaps in. Gone, not hidden, so Enter in a field sends the form, not a step.
if (window.htmx) {
  window.htmx.onLoad((element) => {
    const steps = [...element.querySelectorAll("[data-without-js]")];
    if (element.matches("[data-without-js]")) {
      steps.push(element);
    }
    steps.forEach((step) => step.remove());
  });
}
