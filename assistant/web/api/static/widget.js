/* 招商政策助手 website widget. Paste into a page:
 *   <script src="https://ASSISTANT-HOST/widget.js" data-lang="zh" async></script>
 * Options: data-lang="zh|en", data-title="button text", data-open="true" (start open).
 * The chat runs in an iframe served by the assistant; the page's own styles and scripts never touch it. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.__zhaoshangWidget) return;
  window.__zhaoshangWidget = true;
  var lang = me.getAttribute("data-lang") === "en" ? "en" : "zh";
  var title = me.getAttribute("data-title") || (lang === "en" ? "Ask about investment policy" : "招商政策咨询");
  var src = new URL("widget/?lang=" + lang, me.src).href;
  var css =
    ":host{all:initial}" +
    ".zs-launch{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:24px;" +
    "padding:12px 18px;background:#b4232a;color:#fff;font:15px/1.2 system-ui,sans-serif;cursor:pointer;" +
    "box-shadow:0 4px 14px rgba(0,0,0,.25)}" +
    ".zs-panel{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:min(400px,calc(100vw - 40px));" +
    "height:min(600px,calc(100vh - 110px));border-radius:12px;overflow:hidden;background:#fff;" +
    "box-shadow:0 8px 30px rgba(0,0,0,.3)}" +
    ".zs-panel[hidden]{display:none}iframe{border:0;width:100%;height:100%}";

  function mount() {
    var host = document.createElement("div");
    host.id = "zhaoshang-widget";
    var root = host.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = css;
    var button = document.createElement("button");
    button.className = "zs-launch";
    button.type = "button";
    button.textContent = title;
    button.setAttribute("aria-expanded", "false");
    var panel = document.createElement("div");
    panel.className = "zs-panel";
    panel.hidden = true;
    var frame = document.createElement("iframe");
    frame.title = title;
    panel.appendChild(frame);
    root.appendChild(style);
    root.appendChild(panel);
    root.appendChild(button);
    function toggle() {
      if (!frame.src) frame.src = src; // loaded on first open: visitors who never ask cost nothing
      panel.hidden = !panel.hidden;
      button.setAttribute("aria-expanded", String(!panel.hidden));
    }
    button.addEventListener("click", toggle);
    document.body.appendChild(host);
    if (me.getAttribute("data-open") === "true") toggle();
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
