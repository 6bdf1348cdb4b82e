// Clairvoie — the tracking form of /signalements/: straight to the report's page.
//
// The list of tracking numbers (signalements/numeros.json, written by outputs/pages.py)
// says which numbers have a page; a number found opens /signalements/<number>/, any
// other gets a French sentence in the form's live region. Without this script, the form
// leads to the page listing every number (its action). No third-party request.

const form = document.getElementById("suivi");
const input = document.getElementById("suivi-numero");
const statusLine = document.getElementById("suivi-statut");
let numbers = null;

// What a resident may type around the number: "n° 2026-004512", " 2026 004512 ", upper case.
function normalised(text) {
  return text.trim().toLowerCase().replace(/^(n[°o]\.?|num[ée]ro)\s*/, "").replace(/\s+/g, "-");
}

async function knownNumbers() {
  if (numbers === null) {
    const answer = await fetch(form.dataset.numbers);
    if (!answer.ok) throw new Error(answer.status);
    numbers = new Set((await answer.json()).numeros);
  }
  return numbers;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const typed = input.value.trim();
  const number = normalised(typed);
  if (!number) {
    statusLine.textContent = "Tapez votre numéro de suivi, puis « Suivre ».";
    input.focus();
    return;
  }
  let known;
  try {
    known = await knownNumbers();
  } catch {
    form.submit(); // the list of every number, as without JavaScript
    return;
  }
  if (known.has(number)) {
    statusLine.textContent = "Ouverture du signalement n° " + typed + "…";
    window.location.assign(form.dataset.baseUrl + "signalements/" + encodeURIComponent(number) + "/");
    return;
  }
  statusLine.textContent = "Le numéro « " + typed + " » est inconnu. Vérifiez-le (il figure sur le reçu ou le message de confirmation) : un signalement tout récent peut n'apparaître qu'après la prochaine mise à jour du site. Tous les numéros sont aussi dans la liste ci-dessous.";
  input.setAttribute("aria-invalid", "true");
  input.focus();
});

input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
