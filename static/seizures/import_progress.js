/* The progress bar of a running seizure import: polls the job's status URL (given in the
   page as data-status-url) and reloads the page when the job has finished. */
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !box.dataset.statusUrl) {
    return;
  }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var bar = document.getElementById("import-bar");
        if (s.finished) { window.location.reload(); return; }
        // A job whose worker died waits to be resumed: an indeterminate bar, never a frozen one.
        if (s.waiting) { bar.removeAttribute("value"); } else { bar.value = s.percent; }
        document.getElementById("import-state").textContent =
          s.message || (s.processed_rows + " / " + s.total_rows);
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
