// Progressive enhancement for Docflow pages: every form also works without this file.
(function () {
  "use strict";

  // Ask before an action happens; the server-side "I confirm" checkbox covers browsers without script.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

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
    var refresh = function () {
      var params = new URLSearchParams(new FormData(searchForm));
      var url = searchForm.getAttribute("data-instant") + "?" + params.toString();
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          target.innerHTML = html;
          window.history.replaceState(null, "", "?" + params.toString());
        });
    };
    searchForm.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    });
  }
})();
