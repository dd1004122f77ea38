/* The help-request page: keep Step 3's review in step with the fields; focus the error summary if any. */
(function () {
  "use strict";
  var form = document.getElementById("help-request-form");
  if (!form) { return; }
  var topic = document.getElementById("topic");
  var caseNumber = document.getElementById("case_number");
  var files = document.getElementById("files");
  function update() {
    document.getElementById("review-topic").textContent = topic.value || "Not chosen yet";
    document.getElementById("review-case").textContent = caseNumber.value.trim() || "None";
    var names = Array.prototype.map.call(files.files || [], function (f) { return f.name; });
    document.getElementById("review-files").textContent = names.length ? names.join(", ") : "None";
  }
  [topic, caseNumber, files].forEach(function (n) {
    n.addEventListener("change", update);
    n.addEventListener("input", update);
  });
  update();
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
