// Polls the running planner's progress once a second and shows it on the day page.
// On success it opens the new plan version; on failure or stop it reloads the day page,
// which then says what happened.
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  var dayUrl = box.getAttribute("data-day-url");

  function show(name, value) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (el) {
      el.textContent = value === null || value === undefined ? "–" : String(value);
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show("status_label", data.status_label);
        show("elapsed_seconds", Math.round(data.elapsed_seconds));
        show("served", data.served);
        show("requests", data.requests);
        show("best_cost", data.best_cost);
        show("first_plan_seconds", data.first_plan_seconds);
        if (!data.finished) {
          window.setTimeout(poll, 1000);
          return;
        }
        if (data.message) {
          var message = box.querySelector('[data-field="message"]');
          message.textContent = data.message;
          message.hidden = false;
        }
        var next = data.status === "succeeded" && data.plan_url ? data.plan_url : dayUrl;
        window.setTimeout(function () { window.location.assign(next); }, 600);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  poll();
})();
