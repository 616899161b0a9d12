// Survey form (registry:child_create / child_edit). No inline script (CSP script-src 'self').
(function () {
  "use strict";

  // A section that says "同监护人" / "同父亲" names the same person: its own fields are hidden.
  function toggleSameAs(select) {
    var section = select.closest(".adult-section");
    var fields = section && section.querySelector(".adult-fields");
    if (fields) {
      fields.hidden = select.value !== "";
    }
  }

  function initSameAs(root) {
    root.querySelectorAll("select[name$='-same_as']").forEach(toggleSameAs);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name$='-same_as']")) {
      toggleSameAs(event.target);
    }
  });

  // registry:adult_lookup answered "已有档案": fill the section with that adult's details.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var notice = event.detail.target.querySelector("[data-fill]");
    if (!notice) {
      return;
    }
    var role = notice.getAttribute("data-fill-role");
    var values = JSON.parse(notice.getAttribute("data-fill"));
    Object.keys(values).forEach(function (name) {
      var input = document.getElementById("id_" + role + "-" + name);
      if (input && values[name] !== null) {
        input.value = values[name];
        input.classList.remove("is-invalid");
      }
    });
  });

  initSameAs(document);
})();
