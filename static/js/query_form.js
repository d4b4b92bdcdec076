/* The filing form: offer only the control units of the recipients chosen (every unit stays
   a valid choice on the server, which checks it belongs to a recipient). Served as a file:
   the Content-Security-Policy forbids inline script. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-testid=query-form]");
  var units = form && form.querySelector("select[name=recipient_units]");
  if (!units) {
    return;
  }
  var boxes = form.querySelectorAll("input[name=recipients]");
  var note = document.getElementById("recipient-units-note");

  function update() {
    var chosen = {};
    var any = false;
    boxes.forEach(function (box) {
      if (box.checked) {
        chosen[box.value] = true;
        any = true;
      }
    });
    var shown = 0;
    units.querySelectorAll("option").forEach(function (option) {
      var show = Boolean(chosen[option.getAttribute("data-member")]);
      option.hidden = !show;
      option.disabled = !show;
      if (!show) {
        option.selected = false;
      } else {
        shown += 1;
      }
    });
    units.disabled = !any || shown === 0;
    units.size = Math.max(2, Math.min(shown, 8));
    if (note) {
      note.hidden = any;
    }
  }

  boxes.forEach(function (box) {
    box.addEventListener("change", update);
  });
  update();
})();
