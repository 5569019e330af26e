/* The widget's chat: asks /api/v1/ask/stream, shows the streamed text, then the cited answer with source cards.
 * Every string from the server is set as textContent, never as HTML. */
(function () {
  "use strict";
  var L = JSON.parse(document.getElementById("zs-labels").textContent);
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var api = new URL("../api/v1/ask/stream", location.href).href;
  var logEl = document.getElementById("zs-log");
  var form = document.getElementById("zs-form");
  var box = document.getElementById("zs-q");
  var send = document.getElementById("zs-send");
  var history = [];
  var turn = 0;

  document.getElementById("zs-title").textContent = L.app_title;
  document.getElementById("zs-foot").textContent = L.disclaimer;
  box.placeholder = L.placeholder;
  send.textContent = L.send;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function fill(label, values) {
    return label.replace(/\{(\w+)\}/g, function (_, k) { return values[k] == null ? "" : String(values[k]); });
  }

  function markedText(text, known, uid) {
    var out = el("div", "zs-text");
    var re = /\[(\d{1,3})\]/g, at = 0, m;
    while ((m = re.exec(text))) {
      out.appendChild(document.createTextNode(text.slice(at, m.index)));
      var n = Number(m[1]);
      if (known[n]) {
        var a = el("a", "zs-cite", "[" + n + "]");
        a.href = "#" + uid + "-" + n;
        a.addEventListener("click", function (ev) {
          ev.preventDefault();
          var card = document.getElementById(this.hash.slice(1));
          card.classList.add("zs-active");
          card.scrollIntoView({ block: "nearest" });
        });
        out.appendChild(a);
      } else {
        out.appendChild(document.createTextNode(m[0]));
      }
      at = re.lastIndex;
    }
    out.appendChild(document.createTextNode(text.slice(at)));
    return out;
  }

  function card(c, uid) {
    var node = el("div", "zs-card");
    node.id = uid + "-" + c.n;
    var head = el("div", "zs-card-head");
    head.appendChild(el("span", "zs-n", String(c.n)));
    head.appendChild(el("span", "zs-card-title", c.title || c.source));
    ["expired", "repealed", "not_yet_effective"].forEach(function (v) {
      if (c.validity === v) head.appendChild(el("span", "zs-badge zs-warn", L["badge_" + v]));
    });
    if (c.superseded_by) head.appendChild(el("span", "zs-badge", L.badge_superseded));
    if (c.scope && c.scope.name && L["badge_scope_" + c.scope.match])
      head.appendChild(el("span", "zs-badge", fill(L["badge_scope_" + c.scope.match], { name: c.scope.name })));
    node.appendChild(head);
    var meta = [c.source];
    if (c.page) meta.push(fill(L.page, { page: c.page }));
    if (c.article) meta.push(c.article);
    if (c.date) meta.push(L.published + " " + c.date);
    node.appendChild(el("div", "zs-meta", meta.join(" · ")));
    node.appendChild(el("div", "zs-quote", "“" + c.quote + "”"));
    return node;
  }

  function render(bubble, answer, uid) {
    bubble.className = "zs-answer" + (answer.grounded ? "" : " zs-refusal");
    bubble.textContent = "";
    var known = {};
    answer.citations.forEach(function (c) { known[c.n] = true; });
    bubble.appendChild(markedText(answer.answer, known, uid));
    answer.warnings.forEach(function (w) { bubble.appendChild(el("div", "zs-warning", "⚠ " + w)); });
    if (answer.citations.length) {
      var sources = el("div", "zs-sources");
      sources.appendChild(el("div", "zs-sources-title", L.sources));
      answer.citations.forEach(function (c) { sources.appendChild(card(c, uid)); });
      bubble.appendChild(sources);
    }
  }

  function fail(bubble, message) {
    bubble.className = "zs-answer zs-error";
    bubble.textContent = message || L.error_public;
  }

  async function ask(question) {
    turn += 1;
    var uid = "a" + turn;
    logEl.appendChild(el("div", "zs-question", question));
    var bubble = el("div", "zs-answer zs-streaming", L.thinking);
    logEl.appendChild(bubble);
    bubble.scrollIntoView({ block: "end" });
    var response;
    try {
      response = await fetch(api, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: question, history: history.slice(-10), language: lang }),
      });
    } catch (e) {
      return fail(bubble);
    }
    if (!response.ok) {
      var body = await response.json().catch(function () { return null; });
      return fail(bubble, body && body.error ? body.error.message : "");
    }
    var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "", streamed = "";
    for (;;) {
      var part = await reader.read();
      if (part.done) break;
      buffer += decoder.decode(part.value, { stream: true });
      var events = buffer.split("\n\n");
      buffer = events.pop();
      events.forEach(function (raw) {
        var name = "", data = "";
        raw.split("\n").forEach(function (line) {
          if (line.indexOf("event: ") === 0) name = line.slice(7);
          else if (line.indexOf("data: ") === 0) data += line.slice(6);
        });
        if (!data) return;
        var value = JSON.parse(data);
        if (name === "delta") {
          streamed += value.text;
          bubble.textContent = streamed;
        } else if (name === "answer") {
          render(bubble, value, uid);
          history.push([question, value.answer]);
        } else if (name === "error") {
          fail(bubble, value.error && value.error.message);
        }
      });
    }
    bubble.scrollIntoView({ block: "end" });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var question = box.value.trim();
    if (!question || send.disabled) return;
    box.value = "";
    send.disabled = true;
    ask(question).finally(function () { send.disabled = false; box.focus(); });
  });
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
})();
