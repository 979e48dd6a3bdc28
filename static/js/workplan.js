// The workplan's "Print" button: shown only when scripts run (without them, the browser's own
// Print command does the same), it opens the print dialog; static/css/print.css lays it out.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print-page]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});
