/* IREN Portal: the notification bell keeps itself up to date.

   Every data-poll-seconds the page asks data-poll-url for {"count": N} (a background request,
   marked so that it does not keep an idle session alive). A changed count updates the badge,
   the bell's aria-label (in the page's language and plural form) and the page title
   ("(4) …"); when it grew, the newest unread notifications are fetched and an urgent query
   among them shows a banner at the top of the page. */
(function () {
  "use strict";
  var bell = document.querySelector("[data-testid=bell][data-poll-url]");
  if (!bell || !window.fetch) return;
  var seconds = Math.max(1, parseInt(bell.getAttribute("data-poll-seconds"), 10) || 20);
  var count = parseInt(bell.getAttribute("data-count"), 10) || 0;
  var baseTitle = document.title;
  var language = document.documentElement.lang || "en";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(language) : null;
  var labels = (bell.getAttribute("data-labels") || "").split("|").map(function (entry) {
    var at = entry.indexOf(":");
    return { n: parseInt(entry.slice(0, at), 10), text: entry.slice(at + 1) };
  });
  var shown = {};

  function label(n) {
    // The count itself if it is a sample, else a sample of the same plural category: its
    // form of the words is the count's.
    var pick = labels.filter(function (sample) { return sample.n === n; })[0];
    if (!pick && plural) {
      pick = labels.filter(function (sample) {
        return plural.select(sample.n) === plural.select(n);
      })[0];
    }
    return pick ? pick.text.replace("#", String(n)) : String(n);
  }

  function show(n) {
    bell.setAttribute("data-count", String(n));
    bell.setAttribute("aria-label", label(n));
    var badge = bell.querySelector("[data-testid=bell-count]");
    if (n > 0) {
      if (!badge) {
        bell.appendChild(document.createTextNode(" "));
        badge = document.createElement("span");
        badge.className = "badge badge-alert";
        badge.setAttribute("data-testid", "bell-count");
        bell.appendChild(badge);
      }
      badge.textContent = String(n);
      document.title = "(" + n + ") " + baseTitle;
    } else {
      if (badge) badge.parentNode.removeChild(badge);
      document.title = baseTitle;
    }
  }

  function banner(item) {
    if (shown[item.id]) return;
    shown[item.id] = true;
    var main = document.querySelector("main");
    if (!main) return;
    var box = document.createElement("article");
    box.className = "message message-error urgent-banner";
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "urgent-banner");
    var link = document.createElement("a");
    link.href = bell.getAttribute("data-open-url").replace(/\/0\/$/, "/" + item.id + "/");
    link.textContent = (bell.getAttribute("data-urgent-text") || "%(reference)s")
      .replace("%(reference)s", item.reference || "")
      .replace("%(subject)s", item.subject || "");
    box.appendChild(link);
    main.insertBefore(box, main.firstChild);
  }

  function request(url) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Portal-Poll": "1" },
    }).then(function (response) {
      if (!response.ok) throw response.status;
      return response.json();
    });
  }

  function newest(howMany) {
    var url = bell.getAttribute("data-list-url") + "?unread=true&page_size=" + Math.min(howMany, 50);
    request(url).then(function (page) {
      (page.results || []).forEach(function (item) {
        if (item.priority === "urgent" && item.unread) banner(item);
      });
    }).catch(function () {});
  }

  var timer = null;
  function poll() {
    request(bell.getAttribute("data-poll-url")).then(function (data) {
      var n = parseInt(data.count, 10) || 0;
      if (n !== count) {
        if (n > count) newest(n - count);
        count = n;
        show(n);
      }
    }).catch(function (status) {
      // Signed out (session ended) or refused: stop asking; the next page will tell why.
      if (status === 401 || status === 403) window.clearInterval(timer);
    });
  }

  if (count > 0) document.title = "(" + count + ") " + baseTitle;
  timer = window.setInterval(poll, seconds * 1000);
})();
