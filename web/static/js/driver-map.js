// The driver's route maps: numbered stops in order, joined by a line. Without a tile server
// the stops are drawn on a plain background; without Leaflet or data the map is hidden and
// the list of stops above stays the schedule. Labels are set as text, never as HTML. Also wires the print button of the print view.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // Labels hold what people typed (streets, names): always text, never HTML.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = String(value);
    return span;
  }
  var maps = document.querySelectorAll(".route-map");
  maps.forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source || typeof window.L === "undefined") {
      el.hidden = true;
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data.stops || data.stops.length === 0) {
      el.hidden = true;
      return;
    }
    var L = window.L;
    var map = L.map(el, { scrollWheelZoom: false, tap: true });
    var tileUrl = el.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        attribution: el.getAttribute("data-tile-attribution") || "",
        maxZoom: 18
      }).addTo(map);
    } else {
      el.classList.add("no-tiles");
    }
    var points = data.stops.map(function (s) { return [s.lat, s.lon]; });
    if (data.line && data.line.length > 1) {
      // Straight lines between stops in driving order (not the roads).
      L.polyline(data.line, { color: "#0b5cad", weight: 4, opacity: 0.7, dashArray: "8 6" }).addTo(map);
    }
    data.stops.forEach(function (stop) {
      var icon = L.divIcon({
        className: "stop-marker stop-marker-" + stop.kind,
        html: text(stop.n),
        iconSize: [18 + 10 * stop.n.length, 28],
        iconAnchor: [9 + 5 * stop.n.length, 14]
      });
      L.marker([stop.lat, stop.lon], { icon: icon, title: stop.label, alt: stop.label })
        .bindPopup(text(stop.label)).addTo(map);
    });
    map.fitBounds(points, { padding: [28, 28], maxZoom: 15 });
  });
})();
