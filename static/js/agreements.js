// Agreement pages. No inline script (CSP script-src 'self').
(function () {
  "use strict";

  // Changing the town clears the village (it belongs to the old town) before the filters submit.
  // Capture phase: runs before app.js submits the form on change.
  document.addEventListener(
    "change",
    function (event) {
      var form = event.target.closest("#agreement-filters");
      if (form && event.target.name === "town" && form.elements.village) {
        form.elements.village.value = "";
      }
    },
    true
  );

  // The validity runs the usual months from its start (data-validity-months, 一年一签 by default)
  // unless the user typed another end date.
  var validFrom = document.getElementById("id_valid_from");
  var validUntil = document.getElementById("id_valid_until");
  if (validFrom && validUntil) {
    var touched = false;
    validUntil.addEventListener("input", function () {
      touched = true;
    });
    validFrom.addEventListener("change", function () {
      if (touched || !validFrom.value) {
        return;
      }
      var months = Number(validFrom.getAttribute("data-validity-months") || 12);
      var parts = validFrom.value.split("-").map(Number);
      var end = new Date(Date.UTC(parts[0], parts[1] - 1 + months, parts[2]));
      end.setUTCDate(end.getUTCDate() - 1);
      validUntil.value = end.toISOString().slice(0, 10);
    });
  }
})();
