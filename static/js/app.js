// Site behaviour. No inline script anywhere (Content-Security-Policy: script-src 'self').
(function () {
  "use strict";

  // <button data-confirm="…"> asks before submitting.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // <select data-autosubmit> submits its form on change (filters).
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) {
      event.target.form.requestSubmit();
    }
  });
})();
