// Optional map on the rider form: tapping the map puts the home pin there and fills the hidden
// home_lat / home_lon fields. Shown only where a tile server is configured and scripts run;
// without it the village list and the street are enough, and nothing is lost.
(function () {
  "use strict";
  var el = document.getElementById("home-map");
  var lat = document.getElementById("home_lat");
  var lon = document.getElementById("home_lon");
  if (!el || !lat || !lon || typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  el.hidden = false;
  var hint = document.getElementById("home-map-hint");
  if (hint) { hint.hidden = false; }
  var map = L.map(el, { scrollWheelZoom: false, tap: true }).setView(
    [parseFloat(el.getAttribute("data-lat")), parseFloat(el.getAttribute("data-lon"))], 11
  );
  L.tileLayer(el.getAttribute("data-tile-url"), {
    attribution: el.getAttribute("data-tile-attribution") || "",
    maxZoom: 19
  }).addTo(map);
  var marker = null;
  function place(point) {
    if (marker) { marker.setLatLng(point); } else { marker = L.marker(point).addTo(map); }
    lat.value = point.lat.toFixed(6);
    lon.value = point.lng.toFixed(6);
  }
  if (lat.value && lon.value) {
    place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)));
    map.setView(marker.getLatLng(), 16);
  }
  map.on("click", function (event) { place(event.latlng); });
})();
