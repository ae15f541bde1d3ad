// detente workbench: live job progress over server-sent events. Without this script the job
// page shows the state and a reload link; with it, the bar moves and the page reloads when
// the job ends (to show its results).
(function () {
  "use strict";
  function start() {
    var job = document.getElementById("job");
    if (!job || !window.EventSource) return;
    var st = job.getAttribute("data-state");
    if (st === "done" || st === "failed" || st === "cancelled") return;
    var bar = document.getElementById("job-progress");
    var label = document.getElementById("job-progress-text");
    var state = document.getElementById("job-state");
    var reload = document.getElementById("reload");
    if (reload) reload.hidden = true;
    var es = new EventSource(job.getAttribute("data-events"));
    function show(d) {
      if (bar && d.total > 0) {
        bar.max = d.total;
        bar.value = d.state === "done" ? d.total : d.done;
      }
      if (label) label.textContent = d.done + " / " + d.total;
      if (state) {
        state.textContent = d.state;
        state.className = "state state-" + d.state;
      }
      job.setAttribute("data-state", d.state);
    }
    es.addEventListener("progress", function (e) { show(JSON.parse(e.data)); });
    es.addEventListener("state", function (e) {
      show(JSON.parse(e.data));
      es.close();
      window.location.reload();
    });
    es.onerror = function () {
      es.close();
      if (reload) reload.hidden = false;
    };
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
