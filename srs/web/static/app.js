// srs in a browser: the terminal's keys, the exam clock, formulas. Every form works without it.
(function () {
  "use strict";

  function visible(el) { return el.offsetParent !== null || el.tagName === "SUMMARY"; }

  // a key names the element(s) to click through data-keys ("a", "1", "Enter", "space", "!");
  // when several match, the last one on screen wins (the rating over "Show answer")
  function target(name) {
    var found = null;
    document.querySelectorAll("[data-keys]").forEach(function (el) {
      var keys = el.getAttribute("data-keys").split(" ");
      if (keys.indexOf(name) >= 0 && visible(el) && !(el.closest("details:not([open])") && el.tagName !== "SUMMARY")) {
        found = el;
      }
    });
    return found;
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    var tag = (ev.target && ev.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    var name = ev.key === " " ? "space" : (ev.key.length === 1 ? ev.key.toLowerCase() : ev.key);
    var el = target(name);
    if (el === null) {
      var closed = document.querySelector("details.reveal:not([open])");
      if (name === "q") window.location.href = "/";  // q leaves, as in the terminal
      else if (closed && (name.length === 1 || name === "space")) { ev.preventDefault(); closed.open = true; }
      return;  // any other key shows a basic card's answer, as in the terminal
    }
    ev.preventDefault();
    if (el.tagName === "SUMMARY") { el.parentElement.open = true; return; }
    el.click();
  });

  // no double answer from a double tap: a form is sent once
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.getAttribute("data-sent")) { ev.preventDefault(); return; }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { ev.preventDefault(); return; }
    form.setAttribute("data-sent", "1");
  });

  // the exam clock: the server's remaining seconds, counted down; at zero the page reloads
  // and the server hands the exam in
  var timer = document.getElementById("timer");
  if (timer) {
    var end = Date.now() + 1000 * parseInt(timer.getAttribute("data-remaining"), 10);
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var s = left % 60;
      timer.textContent = Math.floor(left / 60) + ":" + (s < 10 ? "0" : "") + s + " left";
      if (left <= 60) timer.classList.add("low");
      if (left <= 0) { window.location.reload(); return; }
      setTimeout(tick, 250);
    };
    tick();
  }

  // formulas: the card's source typeset by the vendored KaTeX (no \href, no HTML from a card:
  // trust stays false); what it cannot typeset stays as source
  window.addEventListener("load", function () {
    if (!window.katex) return;
    document.querySelectorAll("code.tex").forEach(function (el) {
      var source = el.textContent;
      var out = document.createElement("span");
      try {
        window.katex.render(source, out, { displayMode: el.getAttribute("data-display") === "true",
          throwOnError: true, trust: false, maxSize: 20, maxExpand: 200 });
        out.title = source;
        el.replaceWith(out);
      } catch (e) {
        el.classList.add("tex-failed");
      }
    });
  });
})();
