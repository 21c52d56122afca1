// Small progressive enhancements. Every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so screen reader and keyboard users hear what to fix.
  const summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();

  // Print buttons on printable pages.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});
