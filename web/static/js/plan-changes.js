// The plan page's change panel and filter (a script file: the CSP allows no inline script).
// Without this script every "Change" link opens "Where can this fit?" for its ride, and
// the filter form asks the server (?q=).
(function () {
  "use strict";
  var panel = document.getElementById("change-panel");
  var filter = document.getElementById("plan-q");

  var select = document.getElementById("change-driver");
  var allDrivers = select ? Array.prototype.slice.call(select.options) : [];
  var asked = null;

  function option(driver) {
    var item = document.createElement("option");
    item.value = driver.id;
    // Names and reasons are text; a reason that names the driver stands alone.
    item.textContent = driver.detail.indexOf(driver.name) === -1
      ? driver.name + " · " + driver.detail
      : driver.detail;
    item.disabled = !driver.fits;
    return item;
  }

  function group(label, drivers) {
    var item = document.createElement("optgroup");
    item.label = label;
    drivers.forEach(function (driver) { item.appendChild(option(driver)); });
    return item;
  }

  // Replace the page's list of drivers by the ranking for this ride, once it arrives.
  function rank(trip) {
    asked = trip;
    var move = panel.querySelector("#change-move button[type=submit]");
    fetch(panel.getAttribute("data-fit-prefix") + trip + "/drivers", {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data || asked !== trip) { return; }
      var fits = data.drivers.filter(function (d) { return d.fits; });
      var refused = data.drivers.filter(function (d) { return !d.fits; });
      select.textContent = "";
      if (fits.length) { select.appendChild(group(select.getAttribute("data-fits"), fits)); }
      if (refused.length) { select.appendChild(group(select.getAttribute("data-refused"), refused)); }
      // Nobody fits: the first refusal shows (a disabled choice, never sent).
      select.selectedIndex = 0;
      move.disabled = !fits.length;
      document.getElementById("change-ranking").hidden = false;
    }).catch(function () { /* the page's list stays */ });
  }

  function openPanel(link) {
    var trip = link.getAttribute("data-trip");
    var unserved = link.hasAttribute("data-unserved");
    var locked = link.hasAttribute("data-locked");
    var route = link.closest("details.route");
    var current = route ? route.getAttribute("data-driver") : null;
    var row = link.closest("tr, li");
    var what = row ? row.querySelector("td.time, strong") : null;
    var who = row ? row.querySelector("span.in") : null;
    var text = [];
    if (row && row.tagName === "TR") {
      text.push(what ? what.textContent.trim() : "");
      text.push(who ? who.textContent.replace("↑", "").trim() : "");
      text.push(row.querySelector("td.place").textContent.trim());
    } else if (row) {
      text.push(row.querySelector("p").textContent.replace(/\s+/g, " ").trim());
    }
    document.getElementById("change-what").textContent = text.filter(Boolean).join(" · ");
    panel.querySelectorAll("input[name=trip_id]").forEach(function (input) { input.value = trip; });
    // Until the ranking arrives: the page's drivers, the ride's own left out.
    select.textContent = "";
    var chosen = false;
    allDrivers.forEach(function (item) {
      item.hidden = item.disabled = item.value === current;
      if (!item.disabled && !chosen) { item.selected = chosen = true; }
      select.appendChild(item);
    });
    panel.querySelector("#change-move button[type=submit]").disabled = false;
    document.getElementById("change-ranking").hidden = true;
    var kind = unserved ? "data-unserved" : "data-planned";
    panel.querySelectorAll("#change-move [data-planned]").forEach(function (el) {
      el.textContent = el.getAttribute(kind);
    });
    document.getElementById("change-planned").hidden = unserved;
    var lockForm = document.getElementById("change-lock");
    lockForm.querySelector("input[name=locked]").disabled = locked;
    var lockButton = lockForm.querySelector("button");
    lockButton.textContent = lockButton.getAttribute(locked ? "data-locked" : "data-unlocked");
    document.getElementById("change-fit").href = panel.getAttribute("data-fit-prefix") + trip;
    panel.showModal();
    if (typeof window.fetch === "function") { rank(trip); }
  }

  if (panel && typeof panel.showModal === "function") {
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.change-open") : null;
      if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
        event.preventDefault();
        openPanel(link);
      } else if (event.target === panel) {
        panel.close(); // a click on the backdrop
      }
    });
  }

  // Filter: hide the routes and unserved rides whose names do not contain the text.
  function applyFilter() {
    var needle = filter.value.trim().toLowerCase();
    var shown = 0;
    document.querySelectorAll(".plan-main [data-names]").forEach(function (el) {
      var match = !needle || el.getAttribute("data-names").indexOf(needle) !== -1;
      el.hidden = !match;
      if (match) { shown += 1; }
      if (el.tagName === "DETAILS" && needle) { el.open = match; }
    });
    document.getElementById("plan-filter-empty").hidden = shown > 0 || !needle;
  }

  if (filter) {
    filter.addEventListener("input", applyFilter);
  }

  // A link to #route-N (the map, a bookmark) opens that route.
  function openTarget() {
    var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
