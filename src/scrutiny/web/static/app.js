// scrutiny document view: highlight layer toggles and jumping to a finding's span.
// Document text is never read into markup here: the script only toggles classes on the spans
// the server rendered (with escaped text) and reads their numeric data attributes.
"use strict";

(function () {
  const COLOURS = 12;

  function runs(root) {
    return Array.prototype.slice.call(root.querySelectorAll("span.m"));
  }

  function hiddenKeys(layers) {
    const hidden = new Set();
    layers.querySelectorAll("input[data-key]").forEach(function (box) {
      if (!box.checked) hidden.add(box.dataset.key);
    });
    return hidden;
  }

  // Colour each run by its innermost finding whose layer is switched on, or none.
  function recolour(text, layers) {
    const hidden = hiddenKeys(layers);
    runs(text).forEach(function (run) {
      for (let c = 0; c < COLOURS; c++) run.classList.remove("c" + c);
      const visible = run.dataset.k.split(" ").filter(function (k) { return !hidden.has(k); });
      run.classList.toggle("off", visible.length === 0);
      if (visible.length) run.classList.add("c" + (Number(visible[0]) % COLOURS));
    });
  }

  function focusSpan(text, button) {
    const start = Number(button.dataset.start);
    const end = Number(button.dataset.end);
    text.querySelectorAll(".focus").forEach(function (el) { el.classList.remove("focus"); });
    document.querySelectorAll("button.finding[aria-current]").forEach(function (el) {
      el.removeAttribute("aria-current");
    });
    button.setAttribute("aria-current", "true");
    const hit = runs(text).filter(function (run) {
      return Number(run.dataset.o) < end && Number(run.dataset.e) > start;
    });
    hit.forEach(function (run) { run.classList.add("focus"); });
    if (hit.length) hit[0].scrollIntoView({ block: "center", behavior: "smooth" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const text = document.getElementById("doc-text");
    const layers = document.getElementById("layers");
    if (!text || !layers) return;
    layers.addEventListener("change", function () { recolour(text, layers); });
    document.querySelectorAll("button.finding").forEach(function (button) {
      button.addEventListener("click", function () { focusSpan(text, button); });
    });
  });
})();
