// Clairvoie — the search page (/recherche/), the only script of the site.
//
// Pagefind (the index written at build time, outputs/search.py) finds the pages;
// this script shows them, keeps the query in the address (?q=…) so that a search
// can be shared or bookmarked, and, when a word of the query is nowhere on the site
// (a typo), proposes « Vouliez-vous dire … » with the site's closest word and shows
// what that finds first. No third-party request: everything comes from the site.

const form = document.getElementById("recherche");
const input = document.getElementById("recherche-mots");
const statusLine = document.getElementById("resultats-statut");
const suggestionLine = document.getElementById("resultats-suggestion");
const list = document.getElementById("resultats-liste");
const moreButton = document.getElementById("resultats-suite");
const PAGE_SIZE = 10;
const FEW = 5; // fewer pages than this have every word: add those with some of the words
const FILTERS = ["type", "secteur", "statut"];
// Pagefind's ranking (https://pagefind.app/docs/ranking/), measured on tests/search_queries.yaml.
// Project pages are long and the best answers: their length is not held against them.
const RANKING = { pageLength: 0, termFrequency: 0.5 };
const TONE_ICON = { "on-time": "●", late: "▲", stopped: "■", done: "✓", info: "●" };
const STOP_WORDS = new Set(("a au aux avec ce ces cet cette d dans de des du en est et il ils " +
  "l la le les leur leurs ma mes mon nos notre ou par pour qu que qui sa sans ses son sur ta tes " +
  "ton un une vos votre y").split(" "));

let pagefind = null;
let vocabulary = null;
let results = [];
let shown = 0;
let latest = 0;

document.getElementById("recherche-sans-js").hidden = true;
form.querySelector(".search-filters").hidden = false;

// --- words -------------------------------------------------------------------------------
function fold(text) {
  return text.replace(/œ/g, "oe").replace(/æ/g, "ae").normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function wordsOf(text) {
  return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
}

// How a French word sounds, roughly: "lampadère" and "lampadaire" sound alike.
function sound(word) {
  return word.replace(/ph/g, "f").replace(/qu/g, "k").replace(/[ae]i/g, "e")
    .replace(/e?au/g, "o").replace(/y/g, "i").replace(/(.)\1+/g, "$1").replace(/[estx]+$/, "");
}

// Damerau-Levenshtein distance (adjacent swaps count one), or max + 1 once it exceeds max.
function distance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = null;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let lowest = i;
    for (let j = 1; j <= b.length; j++) {
      let value = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2] + 1);
      row.push(value);
      lowest = Math.min(lowest, value);
    }
    if (lowest > max) return max + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

// Every word the index knows, most frequent first (outputs/search.py writes it at build time).
function parseWords(text) {
  const words = text.split("\n").filter(Boolean).map((word) => ({ word, key: fold(word), sound: sound(fold(word)) }));
  words.known = new Set(words.map((entry) => entry.key));
  return words;
}

function fetchWords(address) {
  return fetch(address).then((response) => (response.ok ? response.text() : "")).then(parseWords);
}

// The whole vocabulary: loaded only to correct a word none of the lists below has.
function loadVocabulary() {
  vocabulary = vocabulary || fetchWords(form.dataset.vocabulary);
  return vocabulary;
}

// The same words by the first letter of their folded form (recherche/vocabulaire/a.txt …):
// whether the site has a word is asked to its letter's list, a few kB.
const letterLists = new Map();

function wordsStartingLike(key) {
  const letter = /^[a-z]/.test(key) ? key[0] : "autres";
  if (!letterLists.has(letter)) {
    letterLists.set(letter, fetchWords(form.dataset.vocabulary.replace(/\.txt$/, `/${letter}.txt`)));
  }
  return letterLists.get(letter);
}

// Whether a word needs no correction: too short, a number, a little word, or the site's.
function trivial(key) {
  return key.length < 4 || /\d/.test(key) || STOP_WORDS.has(key);
}

// Whether the site has this word, or words it starts (still being typed), or its singular:
// all of them begin with its first letter.
function knownKey(key, words) {
  return trivial(key) || words.known.has(key) || words.known.has(key.replace(/[sx]$/, ""))
    || words.some((entry) => entry.key.startsWith(key));
}

function known(typed, words) {
  return wordsOf(typed).every((key) => knownKey(key, words));
}

// known(), asked to the letters' lists only.
async function knownByLetter(typed) {
  const keys = wordsOf(typed).filter((key) => !trivial(key));
  const lists = await Promise.all(keys.map(wordsStartingLike));
  return keys.every((key, index) => knownKey(key, lists[index]));
}

// The site's word closest to a typed word, or null when nothing is close enough.
function closest(typed, words) {
  const key = fold(typed);
  if (trivial(key) || words.known.has(key)) return null;
  const max = key.length >= 8 ? 2 : 1;
  const typedSound = sound(key);
  let best = null;
  let bestScore = Infinity;
  for (const entry of words) { // most frequent first: ties keep the common word
    const spelled = distance(key, entry.key, max);
    const heard = distance(typedSound, entry.sound, max);
    const score = Math.min(spelled, heard) * 10 + spelled;
    if (Math.min(spelled, heard) <= max && score < bestScore) {
      best = entry.word;
      bestScore = score;
    }
  }
  return best;
}

// The query with each word the site does not have replaced by the closest site word, or null.
// (Pagefind matches word stems by their beginning: "médiatèque" finds pages with "m…",
// "lampadère" pages with "lampes"; whether a word is the site's is asked to the vocabulary.)
async function suggestionFor(query) {
  const parts = query.split(" ");
  const found = await Promise.all(parts.map(knownByLetter));
  if (found.every(Boolean)) return null;
  const words = await loadVocabulary();
  let changed = false;
  const corrected = parts.map((part, index) => {
    if (found[index] || known(part, words)) return part;
    const better = closest(part, words);
    if (better) changed = true;
    return better || part;
  }).join(" ");
  return changed ? corrected : null;
}

// The words Pagefind is asked for: those of the query but the little words every page has.
function termsOf(query) {
  const kept = query.split(" ").filter((word) => !wordsOf(word).every((w) => STOP_WORDS.has(w)));
  return kept.length ? kept : query.split(" ");
}

// Among pages as relevant, a project first: its page explains the works orders, meetings
// and news about it, and links to them.
const PROJECT_PRIOR = 1.5;

async function projectsFirst(finder, terms, options, ranked) {
  if (ranked.length < 2 || options.filters.type) return ranked;
  const projects = await finder.search(terms, { filters: { ...options.filters, type: "Projet" } });
  const ids = new Set(projects.results.map((result) => result.id));
  const weight = (result) => result.score * (ids.has(result.id) ? PROJECT_PRIOR : 1);
  return [...ranked].sort((a, b) => weight(b) - weight(a));
}

// The sector a query names ("les hauts", "secteur de la gare"), or null: its page
// comes first, as the page of everything happening there. Names come from the sector filters.
function sectorNamed(query) {
  const wanted = wordsOf(query).filter((word) => !STOP_WORDS.has(word) && word !== "secteur" && word !== "quartier");
  if (!wanted.length) return null;
  for (const box of form.querySelectorAll('input[name="secteur"]')) {
    const names = wordsOf(box.value + " " + (box.dataset.names || ""));
    if (wanted.every((word) => names.includes(word))) return box.value;
  }
  return null;
}

// Pages with every word first; when they are few, then pages with at least half of the
// words, most words first, a rare word counting more than a common one (Pagefind
// already holds what it needs to look up each word alone).
async function lookUp(finder, query, options) {
  const terms = termsOf(query);
  const all = await finder.search(terms.join(" "), options);
  let ranked = await projectsFirst(finder, terms.join(" "), options, all.results);
  let partial = false;
  if (terms.length > 1 && ranked.length < FEW) {
    const alone = await Promise.all(terms.map((term) => finder.search(term, options)));
    const seen = new Set(ranked.map((result) => result.id));
    const merged = new Map();
    for (const answer of alone) {
      const rarity = Math.log(1 + 100 / Math.max(1, answer.results.length));
      for (const result of answer.results) {
        if (seen.has(result.id)) continue;
        const entry = merged.get(result.id) || { result, words: 0, score: 0 };
        entry.words += 1;
        entry.score += result.score * rarity;
        merged.set(result.id, entry);
      }
    }
    const enough = Math.ceil(terms.length / 2); // at least half of the words
    const more = [...merged.values()].filter((entry) => entry.words >= enough)
      .sort((a, b) => b.words - a.words || b.score - a.score);
    partial = more.length > 0;
    ranked = ranked.concat(more.map((entry) => entry.result));
  }
  const sector = sectorNamed(query);
  if (sector && (!options.filters.type || options.filters.type.any.includes("Secteur"))) {
    const page = await finder.search(null, { filters: { ...options.filters, type: "Secteur", secteur: sector } });
    const ids = new Set(page.results.map((result) => result.id));
    ranked = page.results.concat(ranked.filter((result) => !ids.has(result.id)));
  }
  return { results: ranked, partial };
}

// --- the address (?q=…&type=…) ---------------------------------------------------------------
function chosenFilters() {
  const chosen = {};
  for (const name of FILTERS) {
    const values = [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);
    if (values.length) chosen[name] = values;
  }
  return chosen;
}

function addressFor(query, chosen) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, values] of Object.entries(chosen)) values.forEach((value) => params.append(name, value));
  const text = params.toString();
  return location.pathname + (text ? "?" + text : "");
}

function readAddress() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const box of form.querySelectorAll("input[type=checkbox]")) {
    box.checked = params.getAll(box.name).includes(box.value);
  }
}

// --- results -------------------------------------------------------------------------------
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function card(data) {
  const meta = data.meta || {};
  const item = element("li", "card search-result" + (meta.ton ? " tone-" + meta.ton : ""));
  const kind = element("p", "card-kind");
  if (meta.type) kind.append(element("span", "tag", meta.type));
  if (meta.statut) {
    const badge = element("span", "badge tone-" + (meta.ton || "info"));
    badge.append(element("span", "badge-icon", TONE_ICON[meta.ton] || "●"), " " + meta.statut);
    badge.firstChild.setAttribute("aria-hidden", "true");
    kind.append(" ", badge);
  }
  const title = element("h3", "card-title");
  const link = element("a", null, meta.title || data.url);
  link.href = data.url;
  title.append(link);
  item.append(kind, title);
  if (meta.resume) item.append(element("p", null, meta.resume));
  const facts = [meta.secteurs, meta.rue, meta.dates].filter(Boolean);
  if (facts.length) item.append(element("p", "muted", facts.join(" · ")));
  return item;
}

async function showMore(run, focusFirst) {
  const slice = results.slice(shown, shown + PAGE_SIZE);
  const data = await Promise.all(slice.map((result) => result.data()));
  if (run !== latest) return;
  const cards = data.map(card);
  list.append(...cards);
  if (shown === 0 && cards.length) performance.mark("recherche:premier-resultat");
  shown += cards.length;
  moreButton.hidden = shown >= results.length;
  if (focusFirst && cards.length) cards[0].querySelector("a").focus();
}

function plural(count) {
  return count === 1 ? "1 résultat" : `${count} résultats`;
}

function showSuggestion(suggestion, chosen) {
  suggestionLine.replaceChildren();
  suggestionLine.hidden = !suggestion;
  if (!suggestion) return;
  const link = element("a", null, suggestion);
  link.href = addressFor(suggestion, chosen);
  link.addEventListener("click", (event) => {
    event.preventDefault();
    input.value = suggestion;
    history.pushState(null, "", link.href);
    search();
  });
  suggestionLine.append("Vouliez-vous dire « ", link, " » ?");
}

// The local preview (clairvoie serve) publishes a small index of the pages edited since the
// full index was made (data-apercu, outputs/search.py): it is merged in, and the full index's
// results for the pages it replaces are set aside, so that an edit is found at once.
async function previewOf(address) {
  if (!address) return null;
  const response = await fetch(address + "remplacees.json");
  return response.ok ? response.json() : null;
}

function engine() {
  pagefind = pagefind || (async () => {
    const [loaded, preview] = await Promise.all([import(form.dataset.bundle + "pagefind.js"),
                                                 previewOf(form.dataset.apercu)]);
    const baseUrl = new URL(form.dataset.baseUrl, location.href).pathname;
    // No web worker: one script less to download (41 kB), and a city's index is searched
    // in a few milliseconds on the page itself.
    await loaded.options({ baseUrl, ranking: RANKING, noWorker: true });
    if (preview && preview.pages) {
      await loaded.mergeIndex(new URL(form.dataset.apercu, location.href).pathname, { baseUrl, ranking: RANKING });
    }
    await loaded.init();
    const setAside = new Set(preview ? preview.ecartees : []);
    if (!setAside.size) return loaded;
    return {
      search: async (term, options) => {
        const answer = await loaded.search(term, options);
        answer.results = answer.results.filter((result) => !setAside.has(result.id));
        return answer;
      },
    };
  })();
  return pagefind;
}

async function search() {
  try {
    await searchNow();
  } catch (error) {
    statusLine.textContent = "La recherche ne répond pas pour le moment. L'index des rues, lui, liste ce qui se passe dans chaque rue.";
    statusLine.removeAttribute("aria-busy");
    console.error(error);
  }
}

async function searchNow() {
  const run = ++latest;
  const query = input.value.trim().replace(/\s+/g, " ");
  const chosen = chosenFilters();
  history.replaceState(null, "", addressFor(query, chosen));
  document.title = (query ? `« ${query} » — ` : "") + document.title.replace(/^« .* » — /, "");
  if (!query && !Object.keys(chosen).length) {
    results = [];
    list.replaceChildren();
    statusLine.textContent = "";
    statusLine.removeAttribute("aria-busy");
    showSuggestion(null, chosen);
    moreButton.hidden = true;
    return;
  }
  performance.clearMarks();
  performance.mark("recherche:debut");
  statusLine.setAttribute("aria-busy", "true");
  const finder = await engine();
  const options = { filters: Object.fromEntries(Object.entries(chosen).map(([name, values]) => [name, { any: values }])) };
  let answer = query ? await lookUp(finder, query, options) : { results: (await finder.search(null, options)).results };
  if (run !== latest) return;
  let suggestion = null;
  let corrected = null;
  if (query) {
    suggestion = await suggestionFor(query);
    if (run !== latest) return;
    if (suggestion) {
      // Words the site does not have find nothing (Pagefind leaves them out): the
      // closest spelling comes first, what the query found comes after.
      const again = await lookUp(finder, suggestion, options);
      if (run !== latest) return;
      if (again.results.length) {
        const seen = new Set(again.results.map((result) => result.id));
        again.results = again.results.concat(answer.results.filter((result) => !seen.has(result.id)));
        answer = again;
        corrected = suggestion;
      }
    }
  }
  results = answer.results;
  shown = 0;
  list.replaceChildren();
  showSuggestion(suggestion, chosen);
  await showMore(run, false);
  if (run !== latest) return;
  const filtered = Object.values(chosen).flat();
  const scope = filtered.length ? ` (filtres : ${filtered.join(", ")})` : "";
  const asked = query ? ` pour « ${query} »` : "";
  const some = answer.partial ? ", certains avec une partie des mots seulement" : "";
  if (corrected) {
    statusLine.textContent = `${plural(results.length)}${asked}${scope}, en lisant « ${corrected} »${some}.`;
  } else if (results.length) {
    statusLine.textContent = `${plural(results.length)}${asked}${scope}${some}.`;
  } else {
    statusLine.textContent = `Aucun résultat${asked}${scope}. Essayez un autre mot, moins de mots, ou l'index des rues.`;
  }
  statusLine.removeAttribute("aria-busy");
}

// --- events ------------------------------------------------------------------------------
let typing = null;
input.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(search, 300);
});
input.addEventListener("focus", () => { engine().catch(() => {}); }, { once: true }); // load while typing
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  search();
});
form.addEventListener("change", (event) => {
  if (event.target.type === "checkbox") search();
});
moreButton.addEventListener("click", () => showMore(latest, true));
window.addEventListener("popstate", () => {
  readAddress();
  search();
});

readAddress();
if (location.search) search();
