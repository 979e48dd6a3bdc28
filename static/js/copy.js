// "Copy link" buttons: <button data-copy="input-id" hidden>. Without JavaScript the button
// stays hidden and the read-only field is there to select and copy by hand.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const field = document.getElementById(button.dataset.copy);
    const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        status.textContent = button.dataset.copied;
      } catch {
        // No clipboard (plain HTTP, an older browser, a refused permission): select the
        // text so the person's own copy command takes it.
        field.focus();
        field.select();
        status.textContent = button.dataset.copyFailed;
      }
    });
  });
});
