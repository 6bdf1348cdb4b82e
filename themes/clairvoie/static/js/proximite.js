// Clairvoie — « Près de chez moi » (partials/nearby.html): the open reports within about
// 100 m of a street chosen in the list, or of the resident's position.
//
// The position is asked only when the button is pressed, and never leaves the browser:
// the script loads the small files the build wrote per grid cell (outputs/nearby.py),
// the cell of each point it looks around and the eight cells around it, and measures the
// distances itself (haversine). No request goes anywhere but this site.

const block = document.getElementById("pres-de-chez-moi");
const form = document.getElementById("proximite");
const streetSelect = document.getElementById("proximite-rue");
const positionButton = document.getElementById("proximite-position");
const statusLine = document.getElementById("proximite-statut");
const list = document.getElementById("proximite-liste");
const RADIUS_M = Number(block.dataset.radius);
const EARTH_RADIUS_M = 6371000;
const TONE_ICON = { late: "▲", info: "●" }; // labels.TONE_ICON, for the badges of labels.REPORT_BADGE

let cellIndex = null;
const cellFiles = new Map();
let latest = 0;

document.getElementById("proximite-sans-js").hidden = true;
form.hidden = false;
if (!("geolocation" in navigator)) positionButton.parentElement.hidden = true;

// --- where ---------------------------------------------------------------------------------
// The key of a point's cell, as nearby.cell_of() writes it: rounded to 0.001° first.
function cellOf(lat, lon, perDegree) {
  const step = 1000 / perDegree;
  return `${Math.floor(Math.round(lat * 1000) / step)}_${Math.floor(Math.round(lon * 1000) / step)}`;
}

function around(lat, lon, perDegree) {
  const keys = [];
  for (const dLat of [-1, 0, 1]) {
    for (const dLon of [-1, 0, 1]) keys.push(cellOf(lat + dLat / perDegree, lon + dLon / perDegree, perDegree));
  }
  return keys;
}

function haversine(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

// --- the cells -------------------------------------------------------------------------------
function loadIndex() {
  cellIndex = cellIndex || fetch(`${block.dataset.folder}index.json`)
    .then((response) => {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .catch((error) => {
      cellIndex = null; // try again next time
      throw error;
    });
  return cellIndex;
}

function loadCell(key) {
  if (!cellFiles.has(key)) {
    cellFiles.set(key, fetch(`${block.dataset.folder}${key}.json`).then((response) => {
      // Gone since the index was cached (its last report closed): nothing there any more.
      if (response.status === 404) return { reports: [] };
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).catch((error) => {
      cellFiles.delete(key);
      throw error;
    }));
  }
  return cellFiles.get(key);
}

// The open reports within the radius of any of the points, each with its shortest distance.
async function reportsNear(points) {
  const index = await loadIndex();
  const known = new Set(index.cells);
  const keys = new Set(points.flatMap((p) => around(p.lat, p.lon, index.cells_per_degree)));
  const files = await Promise.all([...keys].filter((key) => known.has(key)).map(loadCell));
  const found = [];
  for (const report of files.flatMap((file) => file.reports)) {
    const distance = Math.min(...points.map((p) => haversine(p, report)));
    if (distance <= RADIUS_M) found.push({ ...report, distance });
  }
  // Overdue first (negative news is not hidden at the bottom), then the nearest.
  return found.sort((a, b) => (b.overdue - a.overdue) || (a.distance - b.distance)
    || a.number.localeCompare(b.number));
}

// --- showing them -----------------------------------------------------------------------------
function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

function roughly(metres) {
  return metres < 10 ? "à quelques mètres" : `à environ ${Math.round(metres / 10) * 10} m`;
}

function item(report) {
  const li = document.createElement("li");
  li.className = `nearby-item nearby-${report.overdue ? "overdue" : "open"}`;
  const badge = document.createElement("span");
  badge.className = `badge tone-${report.tone}`;
  const icon = document.createElement("span");
  icon.className = "badge-icon";
  icon.setAttribute("aria-hidden", "true");
  icon.textContent = TONE_ICON[report.tone] || "●";
  badge.append(icon, ` ${report.badge}`);
  const link = document.createElement("a");
  link.href = `${block.dataset.site}${report.url}`;
  link.textContent = `Signalement n° ${report.number}`;
  const place = report.section ? `${report.street}, ${report.section}` : report.street;
  li.append(badge, " ", link, ` — ${report.service}, ${place} : ${report.stage.toLowerCase()}`);
  if (report.overdue) {
    const late = document.createElement("strong");
    late.className = "text-late";
    late.textContent = report.overdue_text;
    li.append(", ", late);
  }
  li.append(`. ${roughly(report.distance).replace(/^à/, "À")}.`);
  return li;
}

function show(reports, where, query) {
  if (query !== latest) return; // a later search has begun
  list.replaceChildren(...reports.map(item));
  list.hidden = reports.length === 0;
  const overdue = reports.filter((r) => r.overdue).length;
  statusLine.textContent = reports.length === 0
    ? `Aucun signalement en cours à moins de ${RADIUS_M} m ${where}.`
    : `${plural(reports.length, "signalement en cours", "signalements en cours")} à moins de ${RADIUS_M} m ${where}`
      + (overdue ? `, dont ${overdue} en retard.` : ".");
}

function failed(query, message) {
  if (query !== latest) return;
  list.replaceChildren();
  list.hidden = true;
  statusLine.textContent = message;
}

function search(points, where) {
  const query = ++latest;
  statusLine.textContent = "Recherche des signalements…";
  reportsNear(points)
    .then((reports) => show(reports, where, query))
    .catch(() => failed(query, "Les signalements n'ont pas pu être chargés. Réessayez, ou consultez l'index des rues."));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const option = streetSelect.selectedOptions[0];
  if (!option || !option.value) {
    statusLine.textContent = "Choisissez d'abord une rue dans la liste.";
    streetSelect.focus();
    return;
  }
  // The street's points are in a small file beside its page (outputs/pages.py, street_points):
  // /rues/ stays light however many streets the city has.
  const query = ++latest;
  statusLine.textContent = "Recherche des signalements…";
  fetch(option.dataset.points)
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.status))))
    .then((data) => {
      if (query !== latest) return;
      search(data.points.map(([lat, lon]) => ({ lat, lon })), `de « ${option.textContent} »`);
    })
    .catch(() => failed(query, "Les signalements n'ont pas pu être chargés. Réessayez, ou consultez la page de la rue."));
});

positionButton.addEventListener("click", () => {
  const query = ++latest;
  statusLine.textContent = "Recherche de votre position…";
  navigator.geolocation.getCurrentPosition(
    (position) => search([{ lat: position.coords.latitude, lon: position.coords.longitude }],
      "de l'endroit où vous êtes"),
    () => failed(query, "Votre position n'est pas connue (permission refusée ou pas de signal) : choisissez votre rue dans la liste."),
    { enableHighAccuracy: false, timeout: 20000, maximumAge: 60000 },
  );
});
