"""Every French sentence Clairvoie says to the people who edit records."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# --- YAML reading -----------------------------------------------------------
EMPTY_FILE = "le fichier est vide"
NOT_A_MAPPING = "la fiche doit être une liste de champs « nom: valeur »"
NOT_UTF8 = "le fichier n'est pas enregistré en UTF-8 (réenregistrez-le en UTF-8)"
YAML_TAB = "tabulation interdite dans l'indentation : utilisez des espaces"
YAML_DUPLICATE_KEY = "ce champ apparaît deux fois dans la fiche"
YAML_COMPLEX_KEY = "un nom de champ doit être un simple mot"
YAML_ALIAS = "les alias YAML (« *nom ») ne sont pas acceptés : recopiez la valeur"
YAML_MERGE_KEY = "les clés de fusion YAML (« << ») ne sont pas acceptées : écrivez chaque champ"
YAML_CONTROL_CHARACTER = "caractère invisible interdit (souvent collé depuis un traitement de texte) : retapez la ligne"
YAML_BINARY = "les données binaires ne sont pas acceptées"
YAML_NOT_A_NUMBER = "nombre non valide"
YAML_TOO_DEEP = "la fiche est imbriquée trop profondément"

_YAML_PROBLEMS = {
    "mapping values are not allowed here": ("« : » inattendu : cette ligne est peut-être trop indentée, "
                                            "ou une valeur contenant « : » doit être entre guillemets"),
    "could not find expected ':'": "« : » manquant après le nom du champ",
    "found character '\\t' that cannot start any token": "tabulation interdite : utilisez des espaces",
    "found undefined alias": "alias YAML inconnu",
    "found unknown escape character": "caractère d'échappement inconnu dans un texte entre guillemets",
    "expected <block end>, but found '-'": "élément de liste mal indenté",
    "expected <block end>, but found '<block mapping start>'": "indentation incohérente",
    "expected <block end>, but found '<scalar>'": "indentation incohérente",
    "did not find expected key": "indentation incohérente ou champ mal aligné",
    "found duplicate anchor": "ancre YAML déclarée deux fois",
    "but found another document": "un seul document par fichier (retirez les « --- » en trop)",
    "expected ',' or ']'": "crochet « [ » non fermé ou virgule manquante",
    "expected ',' or '}'": "accolade « { » non fermée ou virgule manquante",
    "expected <block end>, but found '<block sequence start>'": "élément de liste mal indenté",
    "found unexpected end of stream": "fin de fichier inattendue : guillemet, crochet ou accolade non fermé",
    "special characters are not allowed": YAML_CONTROL_CHARACTER,
    "unacceptable character": YAML_CONTROL_CHARACTER,
    "did not find expected '-' indicator": "élément de liste mal indenté",
    "found unexpected ':'": "« : » inattendu (mettez la valeur entre guillemets)",
}


def yaml_syntax_error(error: Exception) -> str:
    problem = getattr(error, "problem", None) or getattr(error, "reason", None) or str(error)
    for english, french in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return f"erreur de syntaxe YAML : {french}"
    return "erreur de syntaxe YAML : vérifiez l'indentation, les « : » et les guillemets de cette ligne"


YAML_BAD_VALUE = "valeur illisible : retirez l'étiquette « !! » ou corrigez la valeur"


def unreadable_file(error: OSError) -> str:
    return f"fichier illisible ({error.strerror})"


# --- schema -------------------------------------------------------------------
TYPE_NAMES = {
    "string": "un texte",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "true ou false",
    "array": "une liste (lignes commençant par « - »)",
    "object": "un groupe de champs",
    "null": "vide",
}


def missing_field(name: str) -> str:
    return f"champ obligatoire « {name} » manquant"


def wrong_type(expected: str | list[str]) -> str:
    kinds = [expected] if isinstance(expected, str) else expected
    return "doit être " + " ou ".join(TYPE_NAMES.get(k, k) for k in kinds)


def not_in_choices(value: object, choices: Iterable[object]) -> str:
    choices = [str(c) for c in choices]
    text = f"valeur « {value} » inconnue ; valeurs possibles : {', '.join(choices)}"
    return text + did_you_mean(str(value), choices)


def unknown_field(name: str, known: Iterable[str]) -> str:
    return f"champ inconnu « {name} »" + did_you_mean(name, known)


def too_long(length: int, maximum: int) -> str:
    return f"trop long : {length} caractères, {maximum} au plus"


EMPTY_TEXT = "ne doit pas être vide"
EMPTY_LIST = "la liste ne doit pas être vide"
INVALID_VALUE = "valeur non valide"


def out_of_range(minimum: object, maximum: object) -> str:
    if minimum is not None and maximum is not None:
        return f"doit être compris entre {minimum} et {maximum}"
    if minimum is not None:
        return f"doit être au moins {minimum}"
    return f"doit être au plus {maximum}"


def invalid_date(value: object) -> str:
    return f"date non valide « {value} » : écrivez AAAA-MM-JJ, par exemple 2026-11-23"


def invalid_date_time(value: object) -> str:
    return (f"date non valide « {value} » : écrivez 2026-11-23 ou, avec l'heure, "
            "2026-11-23T07:30")


def unreadable_hours(value: object) -> str:
    return (f"horaires illisibles « {value} » : les applications de navigation lisent la syntaxe "
            "opening_hours d'OpenStreetMap, par exemple \"Mo-Fr 07:30-17:00\" (du lundi au vendredi, "
            "de 7 h 30 à 17 h) ou \"Mo-Fr 08:00-12:00,13:30-17:00; PH off\" (voir docs/travaux.md)")


def hours_not_worded(value: object) -> str:
    return (f"horaires « {value} » trop complexes pour être dits en français sur le site : écrivez des "
            "jours ou plages de jours et une ou plusieurs plages horaires, par exemple "
            "\"Mo-Fr 08:00-12:00,13:30-17:00; Sa 09:00-12:00; PH off\" ; une plage qui passe minuit "
            "s'écrit seule (\"Mo-Th 21:00-05:00\") ; pas de lever ou coucher du soleil, de semaines "
            "ni de mois (voir docs/travaux.md)")


def invalid_moment(value: object) -> str:
    return f"date et heure non valides « {value} » : écrivez par exemple 2026-11-23T07:30"


INVALID_EMAIL = "adresse électronique non valide"
INVALID_URL = "adresse web non valide : elle doit commencer par https://"
INVALID_IDENTIFIER = ("identifiant non valide : minuscules sans accents, chiffres et tirets, "
                      "par exemple secteur-4")


def requires_together(field_name: str, other: str) -> str:
    return f"« {field_name} » va avec « {other} »"


# --- references and consistency -------------------------------------------------
def unknown_sector(sector_id: str, known: Iterable[str]) -> str:
    return f"secteur « {sector_id} » inconnu" + did_you_mean(sector_id, known)


def unknown_project(project_id: str, known: Iterable[str]) -> str:
    return f"projet « {project_id} » inconnu" + did_you_mean(project_id, known)


def unknown_category(category: str, known: Iterable[str]) -> str:
    return not_in_choices(category, known).replace("valeur", "catégorie", 1)


def missing_file(path: str) -> str:
    return f"fichier « {path} » introuvable dans content/"


def missing_sector_file(path: str) -> str:
    return f"fichier « {path} » introuvable dans sectors/"


def not_an_image(path: str) -> str:
    return f"« {path} » n'est pas une image lisible (JPEG, PNG ou WebP)"


def not_an_mp3(path: str) -> str:
    return f"« {path} » n'est pas un fichier son MP3 lisible (réenregistrez-le au format MP3)"


NOT_AN_EPISODE_NUMBER = "doit être un nombre entier positif, par exemple 12"


def bad_geojson(path: str, detail: str) -> str:
    return f"« {path} » n'est pas une géométrie GeoJSON valide : {detail}"


BAD_COORDINATES = "coordonnées GeoJSON non valides : [longitude, latitude] attendus"
NOT_A_POSITION = "position non valide : deux nombres [longitude, latitude] attendus, par exemple [4.85, 45.74]"
NOT_A_POSITION_LIST = "liste de positions attendue, par exemple [[4.85, 45.74], [4.86, 45.75]]"
RING_NOT_CLOSED = "le contour n'est pas fermé : son dernier point doit répéter le premier"
OUTLINE_CROSSES_ITSELF = "le contour se recoupe lui-même"
HOLE_OUTSIDE = "un trou du contour est en dehors du contour"
POLYGONS_OVERLAP = "des contours se chevauchent ou se répètent"
INVALID_OUTLINE = "le contour n'est pas valide"
LONGITUDE_LATITUDE_SWAPPED = ("longitude et latitude semblent inversées : GeoJSON écrit [longitude, latitude], "
                              "par exemple [4.85, 45.74]")


def longitude_out_of_range(value: float) -> str:
    return f"longitude {value} hors des bornes (de -180 à 180)"


def latitude_out_of_range(value: float, longitude: float) -> str:
    hint = " ; longitude et latitude sont-elles inversées ?" if -90 <= longitude <= 90 else ""
    return f"latitude {value} hors des bornes (de -90 à 90){hint}"


def line_too_short(count: int) -> str:
    return f"un tracé doit relier au moins deux points différents ({count} donné{'s' if count > 1 else ''})"


def ring_too_short(count: int) -> str:
    return (f"un contour doit avoir au moins quatre positions, la dernière répétant la première "
            f"({count} donnée{'s' if count > 1 else ''})")


def geometry_type_not_here(kind: object, allowed: Iterable[str]) -> str:
    return f"type « {kind} » non accepté ici ; types acceptés : {', '.join(allowed)}"


def near_position(message: str, longitude: float, latitude: float) -> str:
    return f"{message}, près de [{longitude:g}, {latitude:g}]"


def far_from_city(kilometres: float) -> str:
    distance = f"{kilometres:.1f}".replace(".", ",")
    return f"cette géométrie est à {distance} km des secteurs de la ville : vérifiez les coordonnées ([longitude, latitude])"


HTML_COMMENT_REFUSED = ("les commentaires HTML (« <!-- … --> ») seraient publiés avec le texte : "
                        "retirez-les et gardez vos notes hors des fiches")
IMAGE_WITHOUT_DESCRIPTION = ("une image doit dire ce qu'elle montre, pour qui ne la voit pas : "
                             "![ce que montre l'image](images/fichier.jpg)")


def html_refused(tag: str) -> str:
    return (f"le HTML n'est pas accepté dans les textes (« {tag} ») : écrivez en Markdown, par exemple "
            "**important**, [un lien](https://…) ou ![description](images/fichier.jpg)")


def link_refused(href: str) -> str:
    return (f"lien non accepté « {href[:60]} » : un lien commence par https://, http://, mailto: ou tel:, "
            "ou est une adresse du site")


def image_from_elsewhere(src: str) -> str:
    return (f"image venant d'un autre site « {src[:60]} » : les pages ne chargent rien ailleurs ; "
            "ajoutez l'image au dossier content/images/ et donnez son chemin")


def ends_before_start(end_field: str, start_field: str) -> str:
    return f"la fin (« {end_field} ») est avant le début (« {start_field} »)"


def duplicate_id(record_id: str, other_path: str) -> str:
    return f"identifiant « {record_id} » déjà utilisé par {other_path}"


def duplicate_panel(panel_id: str, other_path: str) -> str:
    return f"panneau « {panel_id} » déjà déclaré dans {other_path}"


def duplicate_reference(reference: str, other_path: str) -> str:
    return f"numéro d'arrêté « {reference} » déjà utilisé par {other_path}"


def bad_file_name(name: str) -> str:
    return (f"nom de fichier « {name} » non valide : l'identifiant doit être en minuscules sans "
            "accents, avec chiffres et tirets (par exemple refection-rue-des-lilas.yaml)")


# What each reserved sector id (model/build.py, RESERVED_SECTOR_IDS) already names.
RESERVED_SECTOR_MEANING = {"all": "« tous les secteurs » dans les fiches", "listes": "le dossier des listes de chiffres"}


def reserved_sector_id(sector_id: str) -> str:
    meaning = RESERVED_SECTOR_MEANING[sector_id]
    return (f"nom de fichier « {sector_id}.yaml » réservé : « {sector_id} » désigne déjà {meaning} ; "
            f"renommez le fichier (par exemple secteur-{sector_id}.yaml)")


ALL_SECTORS_ALONE = "« all » (toute la ville) ne se combine pas avec d'autres secteurs"
ALL_SECTORS_NOT_HERE = "« all » n'est accepté que pour les projets : listez les secteurs"
NEW_END_BEFORE_START = "la nouvelle date de fin est avant le début prévu du chantier"
NO_SECTOR_FILES = "aucun secteur : ajoutez au moins un fichier dans sectors/"


# --- residents' reports (content/signalements/) ------------------------------------------
def unknown_service(code: str, known: Iterable[str]) -> str:
    return (f"type de signalement « {code} » inconnu : ajoutez-le à services.yaml"
            + did_you_mean(code, known))


def duplicate_service(code: str, line: int) -> str:
    return f"code « {code} » déjà utilisé ligne {line} : chaque type de signalement a son propre code"


def number_not_file_name(number: str, file_name: str) -> str:
    return (f"le numéro « {number} » ne correspond pas au nom du fichier « {file_name} » : "
            f"le fichier d'un signalement porte son numéro en minuscules ({number.lower()}.yaml)")


def duplicate_report_number(number: str, other_path: str) -> str:
    return f"numéro de suivi « {number} » déjà utilisé par {other_path}"


def unknown_report(number: str, known: Iterable[str]) -> str:
    return f"signalement « {number} » inconnu" + did_you_mean(number, known)


def unknown_works_order(reference: str, known: Iterable[str]) -> str:
    return f"arrêté « {reference} » inconnu" + did_you_mean(reference, known)


def stage_before(stage_date: object, other: str) -> str:
    return f"cette étape ({stage_date}) est datée avant {other} : les étapes vont de la plus ancienne à la plus récente"


def field_not_for_stage(field_name: str, stages: Iterable[str]) -> str:
    return f"« {field_name} » ne va qu'avec l'étape « {' » ou « '.join(stages)} »"


REPORT_DUPLICATE_OF_ITSELF = "un signalement ne peut pas être le doublon de lui-même"
REPORT_DUPLICATE_LOOP = "ces signalements sont donnés comme doublons l'un de l'autre : l'un d'eux doit rester l'original"
REPORT_NO_SERVICES_FILE = ("aucun type de signalement : écrivez content/signalements/services.yaml "
                           "(« services: » puis un type par « - », avec « code » et « name »)")
REPORT_SECTOR_UNKNOWN_WITHOUT_POINT = ("secteur introuvable : indiquez « sectors » (par exemple [secteur-1]), "
                                       "ou « lat » et « lon » dans « location »")
REPORT_SECTOR_UNKNOWN_AT_POINT = ("ce point n'est dans le contour d'aucun secteur : indiquez « sectors » "
                                  "(par exemple [secteur-1])")
POINT_LAT_LON_SWAPPED = ("lat et lon semblent inversées : lat est la latitude (par exemple 45.74), "
                         "lon la longitude (par exemple 4.85)")
PERSONAL_DATA_REFUSED = ("donnée personnelle refusée (adresse électronique ou numéro de téléphone) : "
                         "rien de personnel n'est publié")


def html_in_plain_text(typed: str) -> str:
    return f"texte simple attendu : le HTML (« {typed[:30]} ») n'est pas accepté ici"


def point_far_from_city(kilometres: float) -> str:
    distance = f"{kilometres:.1f}".replace(".", ",")
    return f"ce point est à {distance} km des secteurs de la ville : vérifiez « lat » et « lon »"


def bad_article_sectors(sector_id: str, known: Iterable[str]) -> str:
    return unknown_sector(sector_id, known)


# --- build ----------------------------------------------------------------------
def build_stopped(count: int) -> str:
    plural = "s" if count > 1 else ""
    return (f"{count} erreur{plural} dans les fiches : rien n'a été publié, "
            "le site précédent reste en ligne tel quel.")


def all_records_valid(counts: dict[str, int]) -> str:
    parts = ", ".join(f"{n} {label}" for label, n in counts.items())
    return f"Toutes les fiches sont valides ({parts})."


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""


# --- search (content/search/synonymes.yaml, the search index) ------------------------
SYNONYM_NO_LETTER = "un mot doit contenir au moins une lettre"
SYNONYM_SAME_AS_TERM = "le terme est le mot lui-même : retirez-le"


def duplicate_synonym(word: str, line: int) -> str:
    return (f"le mot « {word} » est déjà écrit ligne {line} (majuscules et accents ne comptent pas) : "
            "réunissez leurs termes sur une seule ligne")


def search_index_failed(detail: str) -> str:
    return (f"La recherche du site n'a pas pu être indexée ({detail}) : rien n'a été publié, "
            "le site précédent reste en ligne tel quel.")


def build_in_progress(output_path: str, holder: str) -> str:
    who = f"le processus {holder}" if holder.isdigit() else "un autre processus"
    return (f"Une autre construction est en cours dans le dossier « {output_path} » ({who}, "
            "par exemple « make serve » ou « pelican --autoreload » dans un autre terminal) : "
            "attendez qu'elle se termine ou arrêtez-la (Ctrl-C dans son terminal), puis relancez. "
            "Cette construction n'a rien écrit ; le site de ce dossier reste tel quel.")


def pagefind_missing() -> str:
    return "Pagefind est introuvable : réinstallez Clairvoie avec « pip install -e . »"


def pagefind_broken(detail: str) -> str:
    return f"Pagefind ne démarre pas : {detail}"


def pages_not_indexed(indexed: int, expected: int) -> str:
    return f"Pagefind a indexé {indexed} pages sur {expected}"


# --- images and sounds published without their metadata (image_privacy.py) ----------------
def image_not_strippable(path: str, detail: str) -> str:
    return (f"{path} : image non publiée, ses métadonnées (position GPS, appareil, date…) ne peuvent pas "
            f"être retirées ({detail}) ; enregistrez-la en JPEG, PNG, WebP ou GIF")


def image_with_metadata(path: str, found: Iterable[str]) -> str:
    return (f"{path} : ce fichier serait publié avec ses métadonnées ({', '.join(found)}) ; "
            "il ne vient pas du contenu, que Clairvoie nettoie (thème, autre extension Pelican…) : "
            "enregistrez-le sans métadonnées")


def images_with_metadata(count: int) -> str:
    images = ("une image ou un son garderait ses" if count == 1
              else f"{count} images ou sons garderaient leurs")
    return (f"Construction arrêtée : {images} métadonnées (position GPS, appareil, date…) : "
            "rien n'a été publié, le site précédent reste en ligne tel quel.")


# --- Settings: CLAIRVOIE_LISTMONK (docs/abonnements.md) ---------------------------------------
LISTMONK_SHAPE = ("doit être de la forme {\"url\": \"https://…\", \"lists\": {\"secteur-1\": \"<UUID de la "
                  "liste>\", …}}")
LISTMONK_URL = "« url » doit être l'adresse complète de listmonk, par exemple https://lettres.ville.fr"
LISTMONK_LISTS = "« lists » doit donner, pour chaque secteur, l'UUID de sa liste listmonk"


def listmonk_unknown_sector(sector_id: object, sector_ids: Iterable[str]) -> str:
    return f"« lists » : le secteur « {sector_id} » n'existe pas (secteurs : {', '.join(sector_ids)})"


def listmonk_bad_uuid(sector_id: object, value: object) -> str:
    return (f"« lists » : pour « {sector_id} », « {value} » n'est pas l'UUID d'une liste listmonk "
            "(32 chiffres et lettres en 5 groupes, page « Listes » de listmonk)")


# --- the commune's OpenStreetMap extract (model/basemap.py, docs/cartes.md) -------------------
_MAPS_FALLBACK = ("les cartes sont publiées sans les rues, avec le seul contour des secteurs "
                  "(voir docs/cartes.md)")


def osm_extract_missing(path: str) -> str:
    return (f"{path} : extrait OpenStreetMap introuvable ; {_MAPS_FALLBACK}. Déposez l'extrait de la "
            "commune à cet endroit, ou indiquez son chemin dans le réglage CLAIRVOIE_OSM_EXTRACT")


def osm_extract_unreadable(path: str, detail: str) -> str:
    return (f"{path} : extrait OpenStreetMap illisible ({detail}) ; {_MAPS_FALLBACK}. Refaites-le "
            "avec « osmium extract » et remplacez le fichier")


def osm_extract_empty(path: str) -> str:
    return (f"{path} : l'extrait OpenStreetMap ne contient ni rue, ni eau, ni parc ; {_MAPS_FALLBACK}. "
            "Vérifiez que l'extrait couvre bien la commune")
