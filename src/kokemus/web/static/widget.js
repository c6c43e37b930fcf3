// Kokemus survey widget: one script tag on your own site opens a survey in a dialog.
//   <script src="https://kokemus.example.fi/static/widget.js" data-survey="PUBLIC_ID"
//           data-touchpoint="website" data-lang="fi" async></script>
// Optional: data-label (the button's text), data-unit (a unit key).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.survey) { return; }
  var origin = new URL(script.src).origin;
  var lang = script.dataset.lang || (document.documentElement.lang || "fi").slice(0, 2);
  var labels = { fi: "Anna palautetta", sv: "Ge feedback", en: "Give feedback" };
  var closeLabels = { fi: "Sulje", sv: "Stäng", en: "Close" };
  var params = new URLSearchParams({ via: "widget", embed: "1", lang: lang });
  if (script.dataset.touchpoint) { params.set("tp", script.dataset.touchpoint); }
  if (script.dataset.unit) { params.set("unit", script.dataset.unit); }
  var address = origin + "/s/" + encodeURIComponent(script.dataset.survey) + "?" + params;

  var button = document.createElement("button");
  button.type = "button";
  button.className = "kokemus-widget-button";
  button.textContent = script.dataset.label || labels[lang] || labels.en;
  button.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483000;" +
    "font:600 1rem system-ui,sans-serif;padding:.75rem 1.25rem;border:0;border-radius:6px;" +
    "background:#0b5cad;color:#fff;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.25)";

  var dialog = document.createElement("dialog");
  dialog.className = "kokemus-widget";
  dialog.setAttribute("aria-label", button.textContent);
  dialog.style.cssText = "width:min(34rem,96vw);height:min(42rem,90vh);padding:0;border:0;" +
    "border-radius:8px;box-shadow:0 4px 24px rgba(0,0,0,.35);flex-direction:column";
  var close = document.createElement("button");
  close.type = "button";
  close.textContent = "×";
  close.setAttribute("aria-label", closeLabels[lang] || closeLabels.en);
  // The close button sits in a bar of its own, so it never covers the survey's text.
  var bar = document.createElement("div");
  bar.style.cssText = "display:flex;justify-content:flex-end;flex:none;border-bottom:1px solid #d5d9dd";
  close.style.cssText = "font:1.5rem system-ui;width:2.75rem;height:2.75rem;border:0;" +
    "background:#fff;color:#1b1f24;cursor:pointer";
  dialog.addEventListener("close", function () { dialog.style.display = ""; button.focus(); });
  close.addEventListener("click", function () { dialog.style.display = ""; dialog.close(); });
  var frame = document.createElement("iframe");
  frame.title = button.textContent;
  frame.style.cssText = "width:100%;flex:1;border:0";
  bar.appendChild(close);
  dialog.appendChild(bar);
  dialog.appendChild(frame);

  button.addEventListener("click", function () {
    if (!frame.src) { frame.src = address; }
    dialog.showModal();
    dialog.style.display = "flex";
  });
  function mount() { document.body.appendChild(button); document.body.appendChild(dialog); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
