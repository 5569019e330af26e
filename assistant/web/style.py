"""Look and behaviour shared by both pages: theme, CSS for the rendered answers, marker-click script."""

from __future__ import annotations

import gradio as gr

# Local system fonts only: a Google-hosted font would make every page view call out to the internet.
FONTS = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei", "system-ui", "sans-serif"]


def theme() -> gr.themes.Base:
    return gr.themes.Soft(primary_hue="blue", secondary_hue="sky", neutral_hue="slate", font=FONTS,
                          radius_size="md")


CSS = """
.zs-topbar { align-items: center; }
.zs-header { display: flex; gap: 14px; align-items: center; padding: 6px 2px; }
.zs-header h1 { margin: 0; font-size: 1.55rem; color: #0b3d91; }
.zs-header p { margin: 2px 0 0; color: #475569; }
.zs-logo { width: 46px; height: 46px; border-radius: 10px; background: linear-gradient(135deg,#0b3d91,#c8102e);
  color: #fff; font-size: 26px; font-weight: 700; display: flex; align-items: center; justify-content: center; }
.zs-footer { color: #64748b; font-size: .85rem; text-align: center; padding: 8px 0; }
.zs-footer a { color: #64748b; }
.zs-question { white-space: pre-wrap; }
.zs-text { line-height: 1.75; }
.zs-cite { color: #0b3d91; font-weight: 600; cursor: pointer; padding: 0 1px; }
.zs-cite:hover { text-decoration: underline; }
.zs-refusal .zs-text { border-left: 4px solid #f59e0b; padding-left: 10px; }
.zs-warning { margin-top: 6px; color: #9a3412; background: #fff7ed; border-radius: 6px; padding: 4px 8px;
  font-size: .9rem; }
.zs-sources { margin-top: 10px; border-top: 1px solid #e2e8f0; padding-top: 6px; }
.zs-sources-title { font-weight: 600; font-size: .9rem; color: #334155; margin-bottom: 4px; }
.zs-card { border: 1px solid #e2e8f0; border-radius: 8px; margin: 6px 0; background: #f8fafc; }
.zs-card summary { cursor: pointer; padding: 6px 10px; list-style: none; display: block; }
.zs-card summary::-webkit-details-marker { display: none; }
.zs-card[open] { background: #fff; box-shadow: 0 1px 4px rgba(15,23,42,.08); }
.zs-card.zs-flash { outline: 2px solid #0b3d91; }
.zs-n { display: inline-block; min-width: 1.5em; height: 1.5em; line-height: 1.5em; text-align: center;
  border-radius: 50%; background: #0b3d91; color: #fff; font-size: .75rem; margin-right: 6px; }
.zs-title { font-weight: 600; }
.zs-meta { display: block; color: #64748b; font-size: .82rem; margin-top: 2px; }
.zs-quote { display: block; color: #1e293b; font-size: .9rem; margin-top: 4px; }
.zs-context { padding: 6px 12px 10px; font-size: .9rem; color: #334155; border-top: 1px dashed #cbd5e1; }
.zs-context-label { display: block; font-size: .78rem; color: #94a3b8; margin-bottom: 2px; }
.zs-context mark { background: #fde68a; padding: 0 1px; }
.zs-badge { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 4px; font-size: .75rem; }
.zs-badge-warn { background: #fee2e2; color: #991b1b; }
.zs-badge-new { background: #e0f2fe; color: #075985; }
.zs-banner { padding: 8px 12px; border-radius: 6px; font-weight: 600; }
.zs-banner-warn { background: #fef3c7; color: #92400e; border: 1px solid #f59e0b; }
.zs-example { white-space: normal !important; text-align: left !important; }
.zs-plain { display: none; }
.zs-tools { margin-top: 6px; text-align: right; }
.zs-copy { cursor: pointer; color: #475569; font-size: .82rem; border: 1px solid #cbd5e1; border-radius: 4px;
  padding: 1px 8px; user-select: none; }
.zs-copy:hover { color: #0b3d91; border-color: #0b3d91; }
.zs-copy.zs-copied { color: #166534; border-color: #16a34a; }
"""

# Clicking [n] opens and scrolls to card n of the same answer (cards are <details>, so no script is needed
# to expand a card itself). Event delegation: the chat re-renders messages, so handlers are not bound to nodes.
HEAD = """
<script>
document.addEventListener('click', function (ev) {
  var marker = ev.target.closest && ev.target.closest('.zs-cite');
  if (!marker) return;
  var target = Array.prototype.find.call(marker.classList, function (c) { return c.indexOf('zs-to-') === 0; });
  if (!target) return;
  var card = document.querySelector('.zs-card-' + target.slice(6));
  if (!card) return;
  card.open = true;
  card.scrollIntoView({block: 'nearest', behavior: 'smooth'});
  card.classList.add('zs-flash');
  setTimeout(function () { card.classList.remove('zs-flash'); }, 1500);
});

// Copy: the answer's plain text with its sources (rendered by the server into .zs-plain), never its HTML.
// navigator.clipboard needs a secure context (https or localhost); a bureau LAN on http gets execCommand.
document.addEventListener('click', function (ev) {
  var button = ev.target.closest && ev.target.closest('.zs-copy');
  if (!button) return;
  var plain = button.closest('.zs-answer').querySelector('.zs-plain');
  if (!plain) return;
  var text = plain.textContent;
  var done = function () {
    button.classList.add('zs-copied');
    setTimeout(function () { button.classList.remove('zs-copied'); }, 1500);
  };
  var fallback = function () {
    var area = document.createElement('textarea');
    area.value = text; area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    try { document.execCommand('copy'); done(); } finally { document.body.removeChild(area); }
  };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
  else fallback();
});

// A new question, and then its answer, are scrolled to the top of the chat. The chat only follows new
// messages while it is scrolled to the bottom, and opening a source card ([n]) scrolls it away from there.
(function () {
  var seen = {q: 0, a: 0};
  function scroller(node) {
    for (var c = node.parentElement; c; c = c.parentElement) {
      var style = getComputedStyle(c).overflowY;
      if ((style === 'auto' || style === 'scroll') && c.scrollHeight > c.clientHeight) return c;
    }
    return null;
  }
  function follow() {
    var questions = document.querySelectorAll('#zs-chat .zs-question');
    var answers = document.querySelectorAll('#zs-chat .zs-answer:not(.zs-streaming)');
    var grew = questions.length > seen.q || answers.length > seen.a;
    seen = {q: questions.length, a: answers.length};
    if (!grew || !questions.length) return;
    var last = questions[questions.length - 1];
    var box = scroller(last);
    if (box) box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
  }
  new MutationObserver(function () { requestAnimationFrame(follow); })
    .observe(document.documentElement, {childList: true, subtree: true});
})();
</script>
"""
