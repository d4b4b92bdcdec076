/* IREN Portal: drafts of the forms that create or answer something, kept in this browser.

   A form opts in with data-draft="<key>". What is typed is saved in localStorage under
   "iren-draft:<user id>:<key>" as the person types, and put back when the form is opened
   again unfilled (e.g. after an expired session sent them to the login page). Nothing is sent
   anywhere. The page after a successful save names the keys to forget (body
   data-drafts-done); logging out forgets all of the user's drafts. Files, passwords and
   hidden fields are never kept. */
(function () {
  "use strict";
  var PREFIX = "iren-draft:";
  var body = document.body;
  var user = body && body.getAttribute("data-user");
  var storage;
  try {
    storage = window.localStorage;
    storage.getItem(PREFIX);
  } catch (error) {
    return; // No storage (private mode, disabled): forms work as before.
  }

  function keys() {
    var found = [];
    for (var i = 0; i < storage.length; i++) {
      var key = storage.key(i);
      if (key && key.indexOf(PREFIX) === 0) found.push(key);
    }
    return found;
  }

  function forget(prefix, exact) {
    keys().forEach(function (key) {
      if (key === exact || key.indexOf(prefix) === 0) storage.removeItem(key);
    });
  }

  // Logging out forgets the person's drafts (on this and every page with the logout form).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.hasAttribute && form.hasAttribute("data-drafts-logout") && user) {
      forget(PREFIX + user + ":");
    }
  }, true);

  if (!user) return;
  var mine = PREFIX + user + ":";

  // The page after a successful save: forget those drafts (a key also covers its variants,
  // "query-file" covers "query-file-hit-7").
  (body.getAttribute("data-drafts-done") || "").split(/\s+/).forEach(function (done) {
    if (done) forget(mine + done + "-", mine + done);
  });

  function keptFields(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      if (!element.name || element.disabled) return false;
      if (element.name === "csrfmiddlewaretoken") return false;
      var type = (element.type || "").toLowerCase();
      return ["file", "password", "hidden", "submit", "button", "reset", "image"].indexOf(type) < 0;
    });
  }

  function read(form) {
    var values = {};
    // A form sent back filled holds what the person typed, changed since or not.
    var filled = form.hasAttribute("data-draft-bound");
    keptFields(form).forEach(function (element) {
      var type = (element.type || "").toLowerCase();
      var list = values[element.name] || (values[element.name] = []);
      if (type === "checkbox" || type === "radio") {
        if (element.checked) list.push(element.value);
      } else if (element.tagName === "SELECT" && element.multiple) {
        Array.prototype.forEach.call(element.selectedOptions, function (option) {
          list.push(option.value);
        });
      } else {
        list.push(element.value);
      }
    });
    // Only a field changed from what the page gave makes it a draft worth keeping.
    keptFields(form).forEach(function (element) {
      var type = (element.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        if (element.checked !== element.defaultChecked) filled = true;
      } else if (element.tagName === "SELECT") {
        Array.prototype.forEach.call(element.options, function (option) {
          if (option.selected !== option.defaultSelected) filled = true;
        });
      } else if (element.value !== element.defaultValue) {
        filled = true;
      }
    });
    return filled ? values : null;
  }

  function write(form, values) {
    keptFields(form).forEach(function (element) {
      if (!Object.prototype.hasOwnProperty.call(values, element.name)) return;
      var wanted = values[element.name];
      var type = (element.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        element.checked = wanted.indexOf(element.value) >= 0;
      } else if (element.tagName === "SELECT") {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = wanted.indexOf(option.value) >= 0;
        });
      } else {
        var same = keptFields(form).filter(function (other) { return other.name === element.name; });
        var index = same.indexOf(element);
        if (index < wanted.length) element.value = wanted[index];
      }
    });
  }

  function note(form, key) {
    var text = body.getAttribute("data-draft-restored-text");
    if (!text) return;
    var box = document.createElement("p");
    box.className = "draft-restored";
    box.setAttribute("role", "status");
    box.setAttribute("data-testid", "draft-restored");
    box.appendChild(document.createTextNode(text + " "));
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary outline draft-discard";
    discard.textContent = body.getAttribute("data-draft-discard-text") || "×";
    discard.addEventListener("click", function () {
      storage.removeItem(key);
      form.reset();
      box.parentNode.removeChild(box);
    });
    box.appendChild(discard);
    form.insertBefore(box, form.firstChild);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), function (form) {
    var key = mine + form.getAttribute("data-draft");
    // A form the server sent back filled (an error to correct) already holds what was typed.
    if (!form.hasAttribute("data-draft-bound")) {
      var saved = null;
      try {
        saved = JSON.parse(storage.getItem(key) || "null");
      } catch (error) {
        storage.removeItem(key);
      }
      if (saved && saved.values) {
        write(form, saved.values);
        note(form, key);
      }
    }
    var save = function () {
      var values = read(form);
      try {
        if (values) storage.setItem(key, JSON.stringify({ saved: Date.now(), values: values }));
        else storage.removeItem(key);
      } catch (error) {
        // Storage full: the form still works, only the draft is not kept.
      }
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
  });
})();
