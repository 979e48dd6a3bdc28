// On paper a link is its address: mark each link in the page's content with its full address
// (a relative href is no use printed), which static/css/print.css writes after the text.
// Links that already show their address, in-page links and buttons are left alone.
function markLinksForPrint(root) {
  root.querySelectorAll("a[href]").forEach((link) => {
    const href = link.getAttribute("href");
    if (!link.closest("main") || href.startsWith("#") || link.classList.contains("btn")) {
      return;
    }
    const address = link.href.startsWith("mailto:") ? link.href.slice(7) : link.href;
    const text = link.textContent.trim();
    if (text !== address && text !== href) {
      link.dataset.printHref = address;
    }
  });
}

if (window.htmx) {
  window.htmx.onLoad(markLinksForPrint);
} else {
  document.addEventListener("DOMContentLoaded", () => markLinksForPrint(document));
}
