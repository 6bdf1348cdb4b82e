// Clairvoie — « Carte interactive » (partials/interactive_map.html, outputs/tiles/): on request,
// a zoomable map of the sector in place of the static plan, with the same markers.
//
// Before the button is pressed, only a HEAD request for the sector's file. Then everything
// comes from this site: the sector's file (carte-interactive/secteurs/<id>.json), MapLibre GL JS and the PMTiles protocol
// (carte-interactive/lib/), the city's tiles (carte-interactive/ville.pmtiles, read by HTTP Range requests).
// Street names are drawn with the browser's own fonts: the style names no font server.
// The static plan stays in the page (shown again by the same button), and so does the list
// under it; each marker is a link, reached with the Tab key, named as on the static plan.

const block = document.getElementById("carte-interactive");
const button = block.querySelector("button");
const statusLine = block.querySelector(".interactive-map-status");
const view = document.getElementById("carte-interactive-vue");
const frame = document.querySelector(".sector-map .map-frame");
const root = new URL(block.dataset.racine, window.location.href);

const FRENCH = {
  "AttributionControl.ToggleAttribution": "Afficher ou masquer les sources",
  "AttributionControl.MapFeedback": "Signaler une erreur de la carte",
  "CooperativeGesturesHandler.WindowsHelpText": "Ctrl + molette pour zoomer",
  "CooperativeGesturesHandler.MacHelpText": "⌘ + molette pour zoomer",
  "CooperativeGesturesHandler.MobileHelpText": "Deux doigts pour déplacer la carte",
  "Map.Title": "Carte interactive du secteur",
  "Marker.Title": "Repère",
  "NavigationControl.ResetBearing": "Remettre le nord en haut",
  "NavigationControl.ZoomIn": "Zoomer",
  "NavigationControl.ZoomOut": "Dézoomer",
  "ScaleControl.Meters": "m",
  "ScaleControl.Kilometers": "km",
};

let map = null;
let loading = null;

// The button shows only when the build made the sector's map (a HEAD request: no body),
// just above the plan, where the interactive map goes.
if (frame) {
  fetch(block.dataset.secteur, { method: "HEAD" })
    .then((response) => {
      if (!response.ok) return;
      frame.before(block);
      block.hidden = false;
    })
    .catch(() => {});
}
button.addEventListener("click", () => {
  if (button.getAttribute("aria-pressed") === "true") {
    show(false);
    statusLine.textContent = "Plan fixe affiché.";
  } else {
    open();
  }
});

function show(interactive) {
  view.hidden = !interactive;
  frame.hidden = interactive;
  button.setAttribute("aria-pressed", String(interactive));
}

async function open() {
  statusLine.textContent = "Chargement de la carte interactive…";
  button.disabled = true;
  try {
    loading = loading || draw();
    await loading;
    show(true); // again, when the map drawn earlier was put aside
    map.resize();
    statusLine.textContent = "Carte interactive affichée : glissez pour la déplacer, boutons + et − pour zoomer. La liste sous la carte donne les mêmes informations.";
  } catch (error) {
    loading = null;
    show(false);
    statusLine.textContent = "La carte interactive n'a pas pu être chargée : le plan ci-dessous et la liste donnent les mêmes informations.";
  } finally {
    button.disabled = false;
  }
}

function here(path) {
  return new URL(path, root).href;
}

function loadScript(path) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = here(path);
    script.onload = resolve;
    script.onerror = () => reject(new Error(path));
    document.head.append(script);
  });
}

function loadStyle(href) {
  return new Promise((resolve, reject) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.onload = resolve;
    link.onerror = () => reject(new Error(href));
    document.head.append(link);
  });
}

async function draw() {
  const response = await fetch(block.dataset.secteur);
  if (!response.ok) throw new Error(response.status);
  const sector = await response.json();
  const [maplibre] = await Promise.all([
    import(here("carte-interactive/lib/maplibre-gl.mjs")),
    loadScript("carte-interactive/lib/pmtiles.js"),
    loadStyle(here("carte-interactive/lib/maplibre-gl.css")),
    loadStyle(block.dataset.style),
  ]);
  const protocol = new window.pmtiles.Protocol();
  maplibre.addProtocol("pmtiles", protocol.tile);

  show(true);
  const colours = getComputedStyle(frame.closest(".sector-map"));
  const [west, south, east, north] = sector.bounds;
  map = new maplibre.Map({
    container: view,
    style: style(sector, colours),
    bounds: [[west, south], [east, north]],
    fitBoundsOptions: { padding: 24 },
    minZoom: 10,
    maxZoom: 18,
    attributionControl: { compact: false },
    cooperativeGestures: true,
    locale: FRENCH,
  });
  map.addControl(new maplibre.NavigationControl({ showCompass: false }));
  for (const marker of sector.markers) {
    new maplibre.Marker({ element: markerLink(marker) }).setLngLat(marker.lngLat).addTo(map);
  }
  await new Promise((resolve, reject) => {
    map.once("idle", resolve);
    map.once("error", (event) => reject(event.error));
  });
}

// A marker: a link to its record's page, drawn with the legend's own symbol for its tone.
function markerLink(marker) {
  const link = document.createElement("a");
  link.className = "interactive-marker";
  link.href = here(marker.url);
  link.setAttribute("aria-label", marker.name);
  link.title = marker.name;
  const key = document.querySelector(`.sector-map svg.map-key .map-marker.tone-${marker.tone}`);
  const symbol = key ? key.closest("svg").cloneNode(true) : null;
  if (symbol) {
    symbol.removeAttribute("class");
    symbol.removeAttribute("id");
    symbol.setAttribute("width", "26");
    symbol.setAttribute("height", "26");
    symbol.setAttribute("viewBox", "-13 -13 26 26");
    for (const title of symbol.querySelectorAll("title")) title.remove();
    link.append(symbol);
  } else {
    link.textContent = "●";
  }
  return link;
}

function style(sector, colours) {
  const css = (name, fallback) => colours.getPropertyValue(name).trim() || fallback;
  const works = css("--works", "#5b2a86");
  const stopped = css("--stopped-line", "#b3262e");
  const brand = css("--brand", "#17324f");
  // Widths by zoom (the interpolation outermost, as MapLibre requires), then by street class.
  const byClass = (major, medium, minor, other) => ["match", ["get", "class"], "major", major, "medium", medium, "minor", minor, other];
  const widths = (low, high) => ["interpolate", ["exponential", 1.6], ["zoom"], 12, byClass(...low), 18, byClass(...high)];
  const layers = [
    { id: "fond", type: "background", paint: { "background-color": "#eef0eb" } },
    { id: "parcs", type: "fill", source: "ville", "source-layer": "park", paint: { "fill-color": "#cfe3c1" } },
    { id: "eau", type: "fill", source: "ville", "source-layer": "water", paint: { "fill-color": "#a8cde6" } },
    { id: "cours-d-eau", type: "line", source: "ville", "source-layer": "waterway",
      paint: { "line-color": "#a8cde6", "line-width": ["interpolate", ["exponential", 1.6], ["zoom"], 12, 1.5, 18, 8] } },
    { id: "rues-bord", type: "line", source: "ville", "source-layer": "street",
      filter: ["!=", ["get", "class"], "path"], layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": "#b9b4a8", "line-width": widths([4, 3, 2, 1], [26, 20, 16, 1]) } },
    { id: "rues", type: "line", source: "ville", "source-layer": "street",
      layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": byClass("#f6d28a", "#fbeec4", "#ffffff", "#ffffff"),
               "line-width": widths([2.5, 2, 1.2, 0.6], [22, 17, 13, 3]) } },
    { id: "secteur", type: "line", source: "secteur",
      paint: { "line-color": brand, "line-width": 3, "line-opacity": 0.85 } },
    { id: "travaux-bord", type: "line", source: "travaux", layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": "#ffffff", "line-width": 9 } },
    { id: "travaux", type: "line", source: "travaux", layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": ["match", ["get", "tone"], "works-cancelled", stopped, works], "line-width": 5 } },
    { id: "noms-des-rues", type: "symbol", source: "ville", "source-layer": "street",
      filter: ["has", "name"], minzoom: 13,
      layout: { "symbol-placement": "line", "text-field": ["get", "name"], "text-font": ["sans-serif"],
                "text-size": 13, "text-max-angle": 30 },
      paint: { "text-color": "#1b1f24", "text-halo-color": "#ffffff", "text-halo-width": 1.5 } },
  ];
  const empty = { type: "FeatureCollection", features: [] };
  return {
    version: 8,
    // No "glyphs": MapLibre GL JS draws the labels with the browser's fonts, no font server.
    sources: {
      ville: { type: "vector", url: `pmtiles://${here(sector.tiles)}`, attribution: sector.attribution },
      secteur: { type: "geojson", data: sector.outline || empty },
      travaux: { type: "geojson", data: sector.lines },
    },
    layers,
  };
}
