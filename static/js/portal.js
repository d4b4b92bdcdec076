/* IREN Portal: the little script the pages need, served as a file so that the
   Content-Security-Policy can forbid inline script. */
(function () {
  "use strict";
  // Selects marked data-autosubmit (the language switcher) submit their form on change.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
})();
