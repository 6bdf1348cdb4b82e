"""Every French sentence the report import says to communications staff."""

from __future__ import annotations

from collections.abc import Iterable

from ..messages import did_you_mean


def problem_line(file: str, entry: int | None, entry_id: str, field: str, message: str) -> str:
    where = file
    if entry is not None:
        where += f", entrée {entry}"
    if entry_id:
        where += f" (n° {entry_id})"
    return f"{where} — {field} : {message}" if field else f"{where} — {message}"


def import_stopped(count: int) -> str:
    plural = "s" if count > 1 else ""
    return (f"{count} erreur{plural} dans l'export : aucune fiche n'a été écrite ni modifiée. "
            "Corrigez l'export (ou la correspondance, --mapping) et relancez la commande.")


def imported(new: int, updated: int, stages: int, unchanged: int, services: int) -> str:
    return (f"Import terminé : {new} nouveau{'x' if new > 1 else ''} signalement{'s' if new > 1 else ''}, "
            f"{updated} mis à jour ({stages} étape{'s' if stages > 1 else ''} ajoutée{'s' if stages > 1 else ''}), "
            f"{unchanged} inchangé{'s' if unchanged > 1 else ''} ; {services} type{'s' if services > 1 else ''} "
            "de signalement. Relisez les changements (git diff) avant de les enregistrer.")


def write_failed(error: OSError) -> str:
    return (f"écriture impossible dans content/signalements/ ({error.strerror or error} : {error.filename}) : "
            "aucune fiche n'a été modifiée ; libérez de la place ou corrigez les droits, puis relancez la commande")


# --- reading a file ----------------------------------------------------------------
def unreadable_file(error: OSError) -> str:
    return f"fichier illisible ({error.strerror or error})"


NOT_UTF8 = "le fichier n'est pas en UTF-8 : exportez-le en UTF-8"


def not_json(line: int, column: int, detail: str) -> str:
    return f"ce n'est pas du JSON valide (ligne {line}, colonne {column} : {detail})"


def not_a_list(what: str) -> str:
    return f"le fichier doit contenir une liste JSON « [ … ] » de {what}"


def not_csv(detail: str) -> str:
    return f"ligne CSV illisible ({detail}) : vérifiez les guillemets et le séparateur"


NOT_AN_OBJECT = "chaque entrée doit être un objet JSON « { … } »"
EMPTY_CSV = "le fichier CSV est vide : la première ligne doit donner le nom des colonnes"


def missing_field(name: str) -> str:
    return f"champ « {name} » manquant ou vide"


def missing_column(column: str, header: Iterable[str]) -> str:
    return (f"colonne « {column} » absente de l'export (colonnes trouvées : {', '.join(header) or 'aucune'})"
            + did_you_mean(column, header) + " ; changez la correspondance des colonnes avec --mapping")


def not_text(value: object) -> str:
    return f"doit être un texte, pas « {str(value)[:40]} »"


NUMBER_MISSING = "numéro de suivi manquant : ni « service_request_id » ni « token »"


def bad_number(value: str) -> str:
    return (f"numéro de suivi « {value[:40]} » inutilisable comme nom de fichier : "
            "lettres et chiffres, groupes séparés par un seul tiret, 64 caractères au plus (par exemple 2026-004512)")


def bad_service_code(value: str) -> str:
    return (f"code « {value[:40]} » non accepté : lettres sans accents, chiffres, et tirets, points ou soulignés entre eux, 64 caractères au plus, par exemple eclairage ou StreetLight ; "
            "changez le code du service dans l'outil de gestion des demandes")


def duplicate_number(first_entry: int) -> str:
    return f"ce numéro de suivi est déjà celui de l'entrée {first_entry} : une entrée par signalement"


def bad_datetime(value: object) -> str:
    return (f"date non valide « {str(value)[:40]} » : attendu 2026-09-03T08:15:00+02:00 "
            "(ou 03/09/2026 08:15 dans un CSV)")


def bad_coordinate(value: object, low: float, high: float) -> str:
    return f"coordonnée non valide « {str(value)[:40]} » : un nombre entre {low:g} et {high:g} attendu"


LAT_WITHOUT_LONG = "latitude et longitude vont ensemble : donnez les deux ou aucune"
NO_STREET = ("adresse sans nom de voie reconnu (rue, avenue, place, chemin…) : "
             "seule la voie est publiée, corrigez l'adresse dans l'outil de gestion des demandes")


def unknown_service(code: str, known: Iterable[str]) -> str:
    known = sorted(known)
    listed = ", ".join(known) if known else "aucun : donnez services.json avec --services"
    return f"type de signalement « {code} » inconnu (types connus : {listed})" + did_you_mean(code, known)


def unknown_status(value: str, known: Iterable[str]) -> str:
    return (f"état « {value} » inconnu : ajoutez-le à la correspondance des états (--mapping, "
            "section « stages ») avec l'étape Clairvoie qui lui correspond" + did_you_mean(value, known))


def scheduled_without_date(status: str) -> str:
    return (f"l'état « {status} » correspond à l'étape « scheduled » (intervention prévue), "
            "qui demande une date prévue : « expected_datetime » est vide")


def duplicate_without_original(status: str) -> str:
    return (f"l'état « {status} » correspond à l'étape « duplicate » : le numéro du signalement d'origine "
            "est introuvable (champ « duplicate_of », ou un numéro de suivi connu cité dans la note)")


def unknown_original(number: str) -> str:
    return f"signalement d'origine « {number[:40]} » inconnu : ni dans l'export ni dans content/signalements/"


def update_of_unknown_report(number: str) -> str:
    return f"mise à jour d'un signalement inconnu « {number[:40]} » : ni dans l'export ni dans content/signalements/"


# --- the mapping file (--mapping) ------------------------------------------------------
MAPPING_NOT_A_MAPPING = "la correspondance doit être une liste de champs « nom: valeur »"


def mapping_unknown_section(name: str, known: Iterable[str]) -> str:
    return f"section « {name} » inconnue" + did_you_mean(name, known) + f" ; sections possibles : {', '.join(known)}"


def mapping_unknown_stage(stage: object, known: Iterable[str]) -> str:
    return f"étape « {stage} » inconnue ; étapes possibles : {', '.join(known)}" + did_you_mean(str(stage), known)


def mapping_unknown_column_field(name: str, known: Iterable[str]) -> str:
    return f"champ « {name} » inconnu ; champs possibles : {', '.join(known)}" + did_you_mean(name, known)


MAPPING_BAD_ENTRY = "attendu une étape (par exemple « resolved ») ou « {stage: closed, reason: … } »"
MAPPING_BAD_DELIMITER = "le séparateur doit être un seul caractère, par exemple « ; »"


# --- the records already in content/signalements/ -------------------------------------------
def existing_record_unreadable(detail: str) -> str:
    return f"fiche existante illisible, corrigez-la d'abord : {detail}"


EXISTING_HISTORY_NOT_A_LIST = "« history » doit être une liste d'étapes : corrigez la fiche d'abord"
EXISTING_SERVICES_NOT_A_LIST = "« services » doit être une liste : corrigez le fichier d'abord"
