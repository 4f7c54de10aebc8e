// Maps where a coordinator clicks the spot of a flagged place: the click fills the latitude
// and longitude fields of the form beside it. Without a tile server the district's villages
// are drawn as labelled dots, so the map works offline; without scripts the fields are typed.
// Names are set as text (never as HTML): they may come from what people typed.
(function () {
  "use strict";
  if (typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var source = document.getElementById("reference-places");
  var villages = source ? JSON.parse(source.textContent) : [];

  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  document.querySelectorAll(".pick-map").forEach(function (el) {
    var lat = document.getElementById(el.getAttribute("data-lat-field"));
    var lon = document.getElementById(el.getAttribute("data-lon-field"));
    if (!lat || !lon) {
      return;
    }
    el.hidden = false;
    var map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.25 });  // fit the district closely
    var tileUrl = el.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        attribution: el.getAttribute("data-tile-attribution") || "",
        maxZoom: 19
      }).addTo(map);
    } else {
      el.classList.add("no-tiles");
    }
    var bounds = [];
    villages.forEach(function (village) {
      L.circleMarker([village.lat, village.lon], {
        radius: 3, color: "#6b7280", weight: 1, fillOpacity: 0.8
      }).bindTooltip(label(village.name), { permanent: !tileUrl, direction: "right", className: "village-label" })
        .addTo(map);
      bounds.push([village.lat, village.lon]);
    });
    var marker = null;
    function put(point) {
      if (marker) { marker.setLatLng(point); } else {
        marker = L.circleMarker(point, { radius: 8, color: "#b00020", weight: 3, fillOpacity: 0.4 }).addTo(map);
      }
    }
    var start = lat.value && lon.value ? L.latLng(parseFloat(lat.value), parseFloat(lon.value)) : null;
    if (start) {
      put(start);
      map.setView(start, 13);
    } else if (bounds.length) {
      map.fitBounds(bounds, { padding: [8, 8] });
    } else {
      map.setView([52.97, 11.15], 10);
    }
    map.on("click", function (event) {
      put(event.latlng);
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
    });
    function moved() {
      if (lat.value && lon.value) { put(L.latLng(parseFloat(lat.value), parseFloat(lon.value))); }
    }
    lat.addEventListener("change", moved);
    lon.addEventListener("change", moved);
  });
})();
