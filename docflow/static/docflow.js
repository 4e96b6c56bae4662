// Progressive enhancement for Docflow pages: every form also works without this file.
(function () {
  "use strict";

  // Ask before an action happens, in a dialog of the page: its message is the button's question, its
  // buttons speak the page's language, and the one that goes ahead bears the action's own name. Without
  // script (or without <dialog>) the form's "I confirm" checkbox does this job; with them the dialog
  // replaces it, so that an action is one click and one answer. (Not window.confirm: a native dialog
  // blocks the page, cannot be styled or translated, and browsers may close it on their own.)
  var confirmDialog = document.getElementById("confirm-dialog");
  if (confirmDialog && typeof confirmDialog.showModal === "function") {
    var confirmMessage = confirmDialog.querySelector("[data-confirm-message]");
    var goButton = confirmDialog.querySelector("button[value=ok]");
    var asked = null;
    var answered = null;  // the button whose click goes through, once its question has had "go ahead"
    document.querySelectorAll("form label.confirm").forEach(function (label) {
      if (label.closest("form").querySelector("[data-confirm]")) {
        label.hidden = true;
        label.querySelector("input[name=confirm]").required = false;
      }
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-confirm]");
      if (!button || !button.form || confirmDialog.open) { return; }
      if (button === answered) { answered = null; return; }
      // A form that is not ready (a reason left empty) goes on to the browser's own message first.
      if (!button.form.checkValidity()) { return; }
      event.preventDefault();
      event.stopImmediatePropagation();
      asked = button;
      confirmMessage.textContent = button.getAttribute("data-confirm");
      goButton.textContent = button.textContent.trim();
      confirmDialog.returnValue = "";
      confirmDialog.showModal();
      goButton.focus();
    }, true);
    // Escape, "Cancel" and "go ahead" all close the dialog; only the last clicks the button again, and that
    // click goes through, so the form is sent as by a plain click (the button's name and value with it).
    confirmDialog.addEventListener("close", function () {
      var button = asked;
      asked = null;
      if (!button) { return; }
      if (confirmDialog.returnValue !== "ok") { button.focus(); return; }
      var box = button.form.querySelector("label.confirm[hidden] input[name=confirm]");
      if (box) { box.checked = true; }
      answered = button;
      button.click();
    });
  }

  // Dropping a file on the zone puts it in the file input.
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (input && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    if (input) {
      input.addEventListener("change", function () {
        var limit = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
        var file = input.files[0];
        input.setCustomValidity(limit && file && file.size > limit ? input.getAttribute("data-too-large") : "");
        input.reportValidity();
      });
    }
  });

  // Upload with a progress bar; the server's answer (a redirect or the form with its errors) replaces the page.
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var progress = form.querySelector("progress");
      if (!window.FormData || !progress) { return; }
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      progress.hidden = false;
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { progress.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status < 400 && xhr.responseURL) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open(); document.write(xhr.responseText); document.close();
        }
      });
      xhr.addEventListener("error", function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        progress.hidden = true;
        form.submit();
      });
      xhr.send(data);
    });
  });

  // Download an export package with its progress shown on the page: the server streams the ZIP and
  // announces an estimate of its size (the sum of its files). Without script the link downloads it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-package]");
    if (!link || !window.fetch || !window.ReadableStream || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var status = document.getElementById(link.getAttribute("data-package"));
    if (!status || link.getAttribute("aria-busy") === "true") { return; }
    event.preventDefault();
    var bar = status.querySelector("progress");
    var text = status.querySelector("[data-package-text]");
    status.hidden = false;
    bar.value = 0;
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || !response.body) { window.location.assign(link.href); return; }
      var total = parseInt(response.headers.get("X-Package-Estimated-Bytes") || "0", 10);
      var match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      var reader = response.body.getReader();
      var parts = [];
      var received = 0;
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) { return; }
          parts.push(chunk.value);
          received += chunk.value.length;
          if (total) { bar.value = Math.min(99, Math.round(100 * received / total)); }
          text.textContent = status.getAttribute("data-received").replace("{mb}", (received / 1048576).toFixed(1));
          return pump();
        });
      }
      return pump().then(function () {
        bar.value = 100;
        var save = document.createElement("a");
        save.href = URL.createObjectURL(new Blob(parts, { type: "application/zip" }));
        save.download = match ? match[1] : "paket-naskah.zip";
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(function () { URL.revokeObjectURL(save.href); }, 60000);
        text.textContent = status.getAttribute("data-done");
      });
    }).catch(function () {
      window.location.assign(link.href);
    }).then(function () {
      link.removeAttribute("aria-busy");
    });
  });

  // Show the chosen classification code's name under the picker.
  document.querySelectorAll("input[data-classification]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var output = document.getElementById("classification-name");
    function show() {
      var match = list && Array.prototype.find.call(list.options, function (o) { return o.value === input.value; });
      if (output) { output.textContent = match ? match.textContent : ""; }
    }
    input.addEventListener("input", show);
    show();
  });

  // Instant search: results refresh as the user types, the page stays usable without script.
  var searchForm = document.querySelector("form[data-instant]");
  if (searchForm) {
    var target = document.getElementById("search-results");
    var timer = null;
    var pending = null;
    var refresh = function () {
      var params = new URLSearchParams(new FormData(searchForm));
      var url = searchForm.getAttribute("data-instant") + "?" + params.toString();
      // Only the answer to the latest words may land: an older, slower answer is cancelled.
      if (pending) { pending.abort(); }
      pending = window.AbortController ? new AbortController() : null;
      target.setAttribute("aria-busy", "true");
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" },
                   signal: pending ? pending.signal : undefined })
        .then(function (r) {
          if (!r.ok) { throw new Error("search answered " + r.status); }
          return r.text();
        })
        .then(function (html) {
          target.innerHTML = html;  // our own template, escaped on the server
          target.removeAttribute("aria-busy");
          window.history.replaceState(null, "", "?" + params.toString());
        })
        .catch(function (error) {
          // A cancelled request is replaced by a newer one; any other failure leaves the form to work
          // the plain way (Enter submits it).
          if (error.name !== "AbortError") { target.removeAttribute("aria-busy"); }
        });
    };
    searchForm.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    });
  }

  // Recipients: the page brings a few blank rows; "add another" clones one more (focus moves to it).
  document.querySelectorAll("[data-recipient-kind]").forEach(function (group) {
    var button = group.querySelector("[data-add-recipient]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = group.querySelectorAll("[data-recipient-row]");
      var last = rows[rows.length - 1];
      var row = last.cloneNode(true);
      var input = row.querySelector("input");
      var label = row.querySelector("label");
      var id = input.id.replace(/_\d+$/, "_" + (rows.length + 1));
      input.id = id;
      input.value = "";
      label.htmlFor = id;
      label.textContent = button.getAttribute("data-label").replace("%(n)s", String(rows.length + 1));
      last.parentNode.insertBefore(row, last.nextSibling);
      input.focus();
    });
  });
})();
