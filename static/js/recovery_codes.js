/* IREN Portal: the recovery codes page. "Download as a text file" saves the codes shown on
   the page (built here, nothing is asked of the server again); "Print" prints the page, whose
   print stylesheet leaves only the codes and their heading. */
(function () {
  "use strict";
  var actions = document.querySelector("[data-testid=recovery-actions]");
  if (!actions) return;
  actions.hidden = false;

  var download = actions.querySelector("[data-recovery-download]");
  download.addEventListener("click", function () {
    var codes = Array.prototype.map.call(
      document.querySelectorAll("#recovery-codes code"),
      function (code) { return code.textContent.trim(); }
    );
    var text = download.getAttribute("data-heading") + "\r\n" +
      new Date().toISOString().slice(0, 10) + "\r\n\r\n" + codes.join("\r\n") + "\r\n";
    var url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    var link = document.createElement("a");
    link.href = url;
    link.download = download.getAttribute("data-filename") || "recovery-codes.txt";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });

  actions.querySelector("[data-print]").addEventListener("click", function () {
    window.print();
  });
})();
