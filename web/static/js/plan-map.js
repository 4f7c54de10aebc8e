// Draws the plan's routes on a Leaflet map. Without a configured tile server the routes
// are drawn on a blank background; without data or without Leaflet the map is hidden,
// and the page stays usable as the list of timelines.
(function () {
  "use strict";
  var el = document.getElementById("plan-map");
  var source = document.getElementById("plan-map-data");
  if (!el) {
    return;
  }
  if (!source || typeof window.L === "undefined") {
    el.hidden = true;
    return;
  }
  var data = JSON.parse(source.textContent);
  // Labels hold what people typed (streets, names): always text, never HTML.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = String(value);
    return span;
  }

  // Same order as the .route-colour-N swatches in coordinator.css.
  var colours = ["#0b5cad", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d"];
  var L = window.L;
  var map = L.map(el, { scrollWheelZoom: false, attributionControl: true });
  var tileUrl = el.getAttribute("data-tile-url");
  if (tileUrl) {
    L.tileLayer(tileUrl, {
      attribution: el.getAttribute("data-tile-attribution") || "",
      maxZoom: 18
    }).addTo(map);
  } else {
    el.classList.add("no-tiles");
  }
  var bounds = [];
  data.routes.forEach(function (route) {
    var colour = colours[route.colour % colours.length];
    if (route.points.length > 1) {
      L.polyline(route.points, { color: colour, weight: 4, opacity: 0.85 })
        .bindTooltip(text(route.driver), { sticky: true })
        .addTo(map);
    }
    route.stops.forEach(function (stop) {
      L.circleMarker([stop.lat, stop.lon], {
        radius: 6, color: colour, weight: 3, fillColor: "#ffffff", fillOpacity: 1
      }).bindTooltip(text(stop.label)).addTo(map);
      bounds.push([stop.lat, stop.lon]);
    });
  });
  if (bounds.length === 0) {
    el.hidden = true;
    return;
  }
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
})();
