// scrutiny pages: highlight layer toggles and jumping to a finding's span, or to the span a
// link's "#span-START-END" names (document view), and redrawing a background upload's progress
// (job page). The entity graph has its own script, graph.js.
// Document text is never read into markup here: the script only toggles classes on the spans
// the server rendered (with escaped text) and reads their numeric data attributes; job results
// are built with textContent.
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

  function focusRange(text, start, end) {
    text.querySelectorAll(".focus").forEach(function (el) { el.classList.remove("focus"); });
    const hit = runs(text).filter(function (run) {
      return Number(run.dataset.o) < end && Number(run.dataset.e) > start;
    });
    hit.forEach(function (run) { run.classList.add("focus"); });
    if (hit.length) hit[0].scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function focusSpan(text, button) {
    document.querySelectorAll("button.finding[aria-current]").forEach(function (el) {
      el.removeAttribute("aria-current");
    });
    button.setAttribute("aria-current", "true");
    focusRange(text, Number(button.dataset.start), Number(button.dataset.end));
  }

  // Other pages (the timeline, an entity's mentions) link to "#span-START-END" of a document:
  // outline that span as a click on a finding would.
  function focusFromHash(text) {
    const m = /^#span-(\d+)-(\d+)$/.exec(window.location.hash);
    if (m) focusRange(text, Number(m[1]), Number(m[2]));
  }

  // Background upload: poll the job and redraw its progress. Results are built with
  // textContent and createElement only; a file name is never parsed as markup.
  function resultItem(r) {
    const li = document.createElement("li");
    li.className = "result " + r.status;
    const status = document.createElement("strong");
    status.textContent = r.status;
    li.append(status, " " + r.name);
    if (r.id) {
      const link = document.createElement("a");
      link.href = "/documents/" + encodeURI(r.id);  // keeps the ":" of "sha256:"
      link.textContent = r.title || r.id.slice(7, 19);
      li.append(" — ", link);
    }
    if (r.error) {
      const err = document.createElement("span");
      err.className = "error";
      err.textContent = r.error.message;
      li.append(" — ", err);
    }
    return li;
  }

  function showJob(box, job) {
    box.dataset.status = job.status;
    document.getElementById("job-progress").value = job.files_done;
    document.getElementById("job-count").textContent =
      job.files_done + " of " + job.files_total + " files";
    document.getElementById("job-status").textContent = job.status;
    document.getElementById("job-error").textContent = job.error || "";
    document.getElementById("job-results").replaceChildren(...job.results.map(resultItem));
  }

  function pollJob(box) {
    if (box.dataset.status === "done" || box.dataset.status === "failed") return;
    window.setTimeout(function () {
      fetch("/api/v1/jobs/" + encodeURIComponent(box.dataset.job), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (job) { showJob(box, job); pollJob(box); })
        .catch(function (status) {
          if (status === 404) return;  // the server restarted and forgot the job
          window.setTimeout(function () { pollJob(box); }, 3000);
        });
    }, 700);
  }

  document.addEventListener("DOMContentLoaded", function () {
    const job = document.getElementById("job");
    if (job) pollJob(job);
    const text = document.getElementById("doc-text");
    const layers = document.getElementById("layers");
    if (!text || !layers) return;
    layers.addEventListener("change", function () { recolour(text, layers); });
    document.querySelectorAll("button.finding").forEach(function (button) {
      button.addEventListener("click", function () { focusSpan(text, button); });
    });
    focusFromHash(text);
    window.addEventListener("hashchange", function () { focusFromHash(text); });
  });
})();
