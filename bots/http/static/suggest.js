/* Enroller Assist help-request suggestion widget.
 *
 * Include on any page that has a description textarea:
 *   <script src="https://ASSIST-HOST/static/suggest.js" data-for="description"></script>
 * Attributes: data-for (name or id of the textarea, required), data-topic (name or id of the topic field to
 * fill when the suggestion is accepted), data-target (id of an element to render into; default: right after
 * the textarea), data-token (an API token, when the server requires one), data-endpoint (the server's base
 * URL; default: where this script came from). No dependencies; all text is set with textContent.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var DEBOUNCE_MS = 300;
  var base = script.getAttribute("data-endpoint") || new URL(script.src, document.baseURI).origin;
  var token = script.getAttribute("data-token");

  function byNameOrId(key) {
    if (!key) { return null; }
    return document.getElementById(key) || document.querySelector('[name="' + key.replace(/"/g, "") + '"]');
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function addStyle() {
    if (document.getElementById("ea-suggest-style")) { return; }
    var style = el("style", { id: "ea-suggest-style" });
    style.textContent =
      ".ea-suggest{border:1px solid #c4c4c4;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0;color:#1a1a1a;" +
      "background:#fff;font:inherit}.ea-suggest h3{font-size:1rem;margin:.75rem 0 .25rem}" +
      ".ea-suggest .ea-why,.ea-suggest .ea-muted{color:#4a4a4a}.ea-suggest a{color:#0b4f8a}" +
      ".ea-suggest button{font:inherit;font-weight:600;color:#fff;background:#0b4f8a;border:2px solid #0b4f8a;" +
      "border-radius:4px;padding:.3rem .8rem;cursor:pointer}.ea-suggest button:focus-visible{outline:3px solid #0b4f8a;" +
      "outline-offset:2px}.ea-pii{background:#fff4d6;color:#6b4400;border-left:4px solid #6b4400;padding:.5rem .75rem}";
    document.head.appendChild(style);
  }

  function start() {
    var field = byNameOrId(script.getAttribute("data-for"));
    if (!field) { return; }
    var topic = byNameOrId(script.getAttribute("data-topic"));
    var panel = byNameOrId(script.getAttribute("data-target"));
    if (!panel) {
      panel = el("div");
      field.insertAdjacentElement("afterend", panel);
    }
    addStyle();
    panel.classList.add("ea-suggest");
    panel.setAttribute("aria-live", "polite");
    var suggested = el("p", { id: "suggested-category" }, "Start describing the problem to see which topic fits.");
    var why = el("p", { "class": "ea-why" });
    var accept = el("button", { type: "button", id: "accept-suggestion", hidden: "" }, "Use this topic");
    var status = el("p", { "class": "ea-muted", id: "suggestion-status" });
    var pii = el("p", { "class": "ea-pii", id: "pii-warning", role: "alert", hidden: "" });
    var practice = el("p", { id: "best-practice", hidden: "" });
    var answer = el("section", { id: "may-answer", hidden: "", "aria-labelledby": "may-answer-title" });
    [suggested, why, accept, status, pii, practice, answer].forEach(function (n) { panel.appendChild(n); });
    var current = null;
    var timer = null;
    var controller = null;
    var sequence = 0;

    accept.addEventListener("click", function () {
      if (!current || !topic) { return; }
      topic.value = current.category;
      topic.dispatchEvent(new Event("change", { bubbles: true }));
      status.textContent = "Topic set to " + current.category + ".";
      // The button has done its job; the focus goes to the field it filled rather than to nowhere.
      accept.hidden = true;
      topic.focus();
    });

    function render(data) {
      var best = data.categories && data.categories[0];
      current = best || null;
      if (!best) {
        suggested.textContent = "Start describing the problem to see which topic fits.";
        why.textContent = "";
        accept.hidden = true;
      } else {
        suggested.textContent = "Suggested topic: " + best.category + " (goes to the " + best.team + "; " +
          Math.round(best.confidence * 100) + "% confidence)";
        why.textContent = best.matched.length ? "Why: you mentioned " + best.matched.map(function (m) {
          return "\u201c" + m + "\u201d"; }).join(", ") + "." : "Why: no telling words yet, so the most common topic.";
        var chosen = topic && topic.value;
        accept.hidden = !topic || chosen === best.category;
        status.textContent = topic && chosen && chosen !== best.category ?
          "The topic you chose may send this to the wrong team." : "";
      }
      pii.hidden = !data.pii;
      pii.textContent = data.pii ? data.pii.message : "";
      practice.hidden = !data.best_practice;
      practice.textContent = data.best_practice ? "Best practice for this kind of escalation: " + data.best_practice : "";
      answer.hidden = !data.may_answer;
      answer.textContent = "";
      if (data.may_answer) {
        answer.appendChild(el("h3", { id: "may-answer-title" }, "This may answer it before you submit"));
        answer.appendChild(el("p", {}, data.may_answer.text));
        var list = el("ul", { "class": "ea-citations" });
        data.may_answer.citations.forEach(function (c) {
          var item = el("li");
          item.appendChild(el("a", { href: new URL(c.url, base).href, target: "_blank", rel: "noopener" },
            c.title + ", page " + c.page));
          list.appendChild(item);
        });
        answer.appendChild(list);
      }
    }

    function ask() {
      var text = field.value;
      if (controller) { controller.abort(); }
      if (!text.trim()) { render({ categories: [] }); return; }
      controller = new AbortController();
      var mine = ++sequence;
      var headers = { "Content-Type": "application/json" };
      if (token) { headers.Authorization = "Bearer " + token; }
      var body = { description: text.slice(0, 4000) };
      if (topic && topic.value) { body.topic = topic.value; }
      fetch(base + "/api/help-requests/suggest", {
        method: "POST", headers: headers, body: JSON.stringify(body), signal: controller.signal,
        credentials: "same-origin"
      }).then(function (r) {
        if (!r.ok) { throw new Error(r.status === 401 ? "sign in to get suggestions" : "no suggestion (" + r.status + ")"); }
        return r.json();
      }).then(function (data) {
        if (mine === sequence) { render(data); }
      }).catch(function (err) {
        if (err.name !== "AbortError" && mine === sequence) { status.textContent = "Suggestion unavailable: " + err.message; }
      });
    }

    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DEBOUNCE_MS);
    });
    if (topic) {
      topic.addEventListener("change", function () { if (field.value.trim()) { ask(); } });
    }
    if (field.value.trim()) { ask(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
