/* The webinar pages: check uploads' type and size before sending; say which answers were edited (they are marked
   reviewed by a person on export); say the run is being answered. Everything works without it. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var form = document.getElementById("webinar-form");
  if (form) {
    var files = document.getElementById("files");
    var error = document.getElementById("files-error");
    var allowed = (files.getAttribute("accept") || "").split(",");
    var maxBytes = parseInt(files.getAttribute("data-max-bytes"), 10);
    var check = function () {
      var problems = [];
      Array.prototype.forEach.call(files.files || [], function (f) {
        var dot = f.name.lastIndexOf(".");
        var ext = dot >= 0 ? f.name.slice(dot).toLowerCase() : "";
        if (allowed.indexOf(ext) < 0) { problems.push(f.name + ": not a file we read; upload " + allowed.join(", ") + "."); }
        else if (f.size > maxBytes) { problems.push(f.name + ": larger than " + Math.round(maxBytes / 1048576) + " MB; split the export."); }
      });
      error.textContent = problems.join(" ");
      error.hidden = problems.length === 0;
      if (problems.length) { files.setAttribute("aria-invalid", "true"); } else { files.removeAttribute("aria-invalid"); }
      return problems.length === 0;
    };
    files.addEventListener("change", check);
    form.addEventListener("submit", function (event) {
      if (!check()) { event.preventDefault(); files.focus(); return; }
      document.getElementById("webinar-busy").textContent = "Grouping and answering the questions: this can take a minute.";
    });
  }
  var exportForm = document.getElementById("webinar-export");
  if (exportForm) {
    Array.prototype.forEach.call(exportForm.querySelectorAll("textarea[data-original]"), function (box) {
      var status = document.getElementById(box.id + "-status");
      var original = box.getAttribute("data-original").trim();
      box.addEventListener("input", function () {
        var edited = box.value.trim() !== original && box.value.trim() !== "";
        status.textContent = edited ? "Edited: will be marked as reviewed by a person." : "";
      });
    });
  }
})();
