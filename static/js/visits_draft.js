// A visit form that survives a weak signal: what is typed is kept in localStorage (keyed by user and
// child), restored when the page is opened again, sent in the background, re-sent when the
// connection comes back, and cleared once the server has saved it. A token generated per form makes a
// re-sent visit count once. Photos cannot be kept in localStorage: they are sent only with the form.
(function () {
  "use strict";

  var PREFIX = "visit-draft:";
  var RETRY_MS = 30000;
  var SKIPPED = { csrfmiddlewaretoken: true, child_version: true };

  function store() {
    try {
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  // After a save the list page names the child: forget that draft (also when the form was posted
  // without this script, e.g. an old browser).
  var saved = document.getElementById("visit-saved");
  if (saved && saved.dataset.savedChild && store()) {
    store().removeItem(PREFIX + saved.dataset.user + ":" + saved.dataset.savedChild);
  }

  var form = document.getElementById("visit-form");
  if (!form || !store()) {
    return;
  }
  var key = form.dataset.draftKey;
  var statusBox = document.getElementById("draft-status");
  var statusText = statusBox.querySelector("[data-draft-message]");
  var discardButton = statusBox.querySelector("[data-draft-discard]");
  var sending = false;
  var retryTimer = null;

  function uuid4() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes); // available on plain http too, unlike randomUUID
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "submit" && !SKIPPED[el.name];
    });
  }

  function collect() {
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name] = values[el.name] || [];
        if (el.checked) {
          values[el.name].push(el.value);
        }
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function apply(values) {
    fields().forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(values, el.name)) {
        return;
      }
      var value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = value.indexOf(el.value) !== -1;
      } else {
        el.value = value;
      }
    });
    var details = form.querySelector("details");
    if (details && details.querySelector("input[type=checkbox]:checked")) {
      details.open = true;
    }
  }

  function load() {
    try {
      return JSON.parse(store().getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function save(pending) {
    var draft = { values: collect(), savedAt: new Date().toISOString(), pending: !!pending };
    try {
      store().setItem(key, JSON.stringify(draft));
    } catch (error) {
      // storage full or disabled: the form still works, only without a draft
    }
  }

  function clear() {
    store().removeItem(key);
  }

  function show(message, tone, canDiscard) {
    statusBox.hidden = false;
    statusBox.className = "alert py-2 small alert-" + (tone || "info");
    statusText.textContent = message;
    discardButton.hidden = !canDiscard;
  }

  function timeOf(iso) {
    var when = new Date(iso);
    return ("0" + when.getHours()).slice(-2) + ":" + ("0" + when.getMinutes()).slice(-2);
  }

  function tokenField() {
    return form.querySelector("input[name=client_token]");
  }

  function ensureToken() {
    if (!tokenField().value) {
      tokenField().value = uuid4();
    }
  }

  function scheduleRetry() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(function () {
      var draft = load();
      if (draft && draft.pending) {
        send();
      }
    }, RETRY_MS);
  }

  function showServerErrors(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var fresh = page.getElementById("visit-form");
    if (!fresh) {
      show("提交失败，草稿已保存在本机，请稍后重试。", "danger", false);
      return;
    }
    form.innerHTML = fresh.innerHTML;
    save(false);
    show("提交未成功：请修改标红的内容后重新保存（照片需要重新选择）。", "danger", false);
    var firstError = form.querySelector(".is-invalid, .alert-danger");
    if (firstError) {
      firstError.scrollIntoView({ block: "center" });
    }
  }

  function handle(response) {
    var type = response.headers.get("Content-Type") || "";
    if (response.ok && type.indexOf("application/json") !== -1) {
      return response.json().then(function (answer) {
        clear();
        window.location.assign(answer.redirect);
      });
    }
    if (response.redirected && response.url.indexOf("/accounts/login/") !== -1) {
      save(false);
      show("登录已超时：走访已保存在本机。请重新登录后再打开此页面提交。", "warning", false);
      return null;
    }
    if (response.status === 400 && type.indexOf("text/html") !== -1) {
      return response.text().then(showServerErrors);
    }
    save(false);
    show("提交失败（服务器返回 " + response.status + "），草稿已保存在本机，请稍后重试。", "danger", false);
    return null;
  }

  function send() {
    if (sending) {
      return;
    }
    if (navigator.onLine === false) {
      show("网络已断开：走访已保存在本机，恢复网络后将自动提交。", "warning", false);
      return;
    }
    sending = true;
    var button = form.querySelector("[data-save-button]");
    if (button) {
      button.disabled = true;
    }
    show("正在提交……", "info", false);
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Visit-Draft": "1" },
      credentials: "same-origin",
    })
      .then(handle)
      .catch(function () {
        show("网络不稳定：走访已保存在本机，恢复网络后将自动提交。", "warning", false);
        scheduleRetry();
      })
      .then(function () {
        sending = false;
        var again = form.querySelector("[data-save-button]");
        if (again) {
          again.disabled = false;
        }
      });
  }

  // Restore a draft unless the server has just sent the form back with its errors (its values win).
  var draft = load();
  if (draft && form.dataset.bound !== "1") {
    apply(draft.values);
    if (draft.pending) {
      show("有一份 " + timeOf(draft.savedAt) + " 未提交成功的走访，正在重新提交。", "warning", true);
    } else {
      show("已恢复 " + timeOf(draft.savedAt) + " 填写但未提交的内容。", "info", true);
    }
  }
  ensureToken();

  var typing = null;
  function remember() {
    window.clearTimeout(typing);
    typing = window.setTimeout(function () {
      var current = load();
      save(current && current.pending);
    }, 250);
  }
  form.addEventListener("input", remember);
  form.addEventListener("change", remember);

  form.addEventListener("submit", function (event) {
    if (!window.fetch || !window.FormData) {
      return; // an old browser posts the form as it is
    }
    event.preventDefault();
    ensureToken();
    save(true);
    send();
  });

  discardButton.addEventListener("click", function () {
    clear();
    window.location.reload();
  });

  window.addEventListener("online", function () {
    var current = load();
    if (current && current.pending) {
      send();
    }
  });
  window.addEventListener("offline", function () {
    show("网络已断开：填写的内容会保存在本机。", "warning", false);
  });

  if (draft && draft.pending && form.dataset.bound !== "1") {
    send();
  }
})();
