// Roster import pages (templates/registry/roster/). No inline script (CSP script-src 'self').
(function () {
  "use strict";

  // The progress bar's width comes from data-percent (inline styles are not used either).
  function paintProgress(root) {
    root.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) {
      bar.style.width = bar.getAttribute("data-percent") + "%";
    });
  }
  paintProgress(document);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    paintProgress(event.target.parentNode || document);
  });

  // The upload form: say at once when the file is not .xlsx or too large, and block double submits.
  var form = document.getElementById("roster-upload");
  if (!form) {
    return;
  }
  var input = form.querySelector("input[type=file]");
  var feedback = document.getElementById("roster-upload-error");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
  function problem(file) {
    if (!file) {
      return "请选择花名册文件。";
    }
    if (!/\.xlsx$/i.test(file.name)) {
      return "请上传 Excel 工作簿（.xlsx）。旧版 .xls、CSV 文件请先在 Excel 中另存为 .xlsx。";
    }
    if (maxBytes && file.size > maxBytes) {
      return "文件超过 " + Math.floor(maxBytes / 1048576) + " MB 上限，请拆分后分批导入。";
    }
    return "";
  }
  function show(message) {
    input.classList.toggle("is-invalid", Boolean(message));
    feedback.textContent = message;
  }
  input.addEventListener("change", function () {
    show(problem(input.files[0]));
  });
  form.addEventListener("submit", function (event) {
    var message = problem(input.files[0]);
    if (message) {
      event.preventDefault();
      show(message);
      return;
    }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "正在上传……";
  });
})();
