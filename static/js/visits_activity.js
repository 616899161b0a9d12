// The activity form's children picker: the htmx search lists children; a tap adds one as a chip
// (with a hidden input named "children"); the × on a chip removes it.
(function () {
  "use strict";

  var form = document.getElementById("activity-form");
  if (!form) {
    return;
  }
  var chosen = document.getElementById("chosen-children");

  function has(id) {
    return !!chosen.querySelector('[data-chosen="' + id + '"]');
  }

  function chip(id, label) {
    var badge = document.createElement("span");
    badge.className = "badge text-bg-primary fs-6 fw-normal";
    badge.setAttribute("data-chosen", id);
    badge.appendChild(document.createTextNode(label + " "));
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "children";
    input.value = id;
    badge.appendChild(input);
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-close btn-close-white ms-1";
    remove.setAttribute("aria-label", "移除" + label);
    remove.setAttribute("data-remove-child", "");
    badge.appendChild(remove);
    return badge;
  }

  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-child]");
    if (add) {
      var id = add.getAttribute("data-add-child");
      if (!has(id)) {
        chosen.appendChild(chip(id, add.getAttribute("data-child-label")));
      }
      add.remove();
      return;
    }
    var remove = event.target.closest("[data-remove-child]");
    if (remove) {
      remove.closest("[data-chosen]").remove();
    }
  });

  // Enter in the search box searches; it must not submit the activity.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.name === "q") {
      event.preventDefault();
    }
  });
})();
