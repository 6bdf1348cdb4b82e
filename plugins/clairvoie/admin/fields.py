"""French names of the fields and collections in the editor's forms.

The schemas name fields in English (the files' keys) and describe them in French; these are
the short French labels beside each input. A field missing here shows its key: the test of
the configuration (tests/admin/) fails until it has a label.
"""

FIELD_LABELS = {
    # shared
    "title": "Titre", "name": "Nom", "sectors": "Secteurs", "description": "Description",
    "summary": "Résumé", "date": "Date", "body": "Texte", "geometry": "Tracé ou contour",
    "contact": "Contact", "participation": "Participation des habitants",
    "start": "Début", "end": "Fin", "file": "Fichier", "url": "Adresse web",
    # contact
    "service": "Service", "email": "Courriel", "phone": "Téléphone", "address": "Adresse",
    # sector
    "short_name": "Nom court", "communes": "Communes", "panels": "Panneaux d'affichage",
    "id": "Identifiant", "lines": "Lignes", "columns": "Colonnes", "charset": "Jeu de caractères",
    # project
    "category": "Catégorie", "status": "État", "progress": "Avancement (%)",
    "location": "Emplacement", "lat": "Latitude", "lon": "Longitude",
    "budget": "Budget", "planned": "Budget prévu (€)", "spent": "Dépensé (€)",
    "schedule": "Calendrier", "planned_start": "Début prévu", "planned_end": "Fin prévue",
    "actual_start": "Début réel", "actual_end": "Fin réelle",
    "milestones": "Étapes", "done": "Faite",
    "updates": "Nouvelles du projet", "kind": "Type", "reason": "Raison",
    "new_planned_end": "Nouvelle fin prévue", "new_budget": "Nouveau budget (€)",
    "photos": "Photos", "alt": "Description de la photo", "caption": "Légende", "stage": "Moment",
    "documents": "Documents",
    # works order
    "reference": "Numéro de l'arrêté", "street": "Rue", "section": "Tronçon", "hours": "Horaires",
    "direction": "Sens de circulation", "detour": "Déviation", "project": "Projet lié",
    "issued_by": "Signé par", "signed": "Date de signature", "document": "Arrêté signé",
    "cancelled": "Arrêté retiré (raison)",
    # meeting
    "place": "Lieu", "registration_url": "Inscription (adresse web)",
    # residents' reports' services
    "services": "Types de signalement", "code": "Code", "group": "Famille",
    "commitment_days": "Délai de traitement (jours)", "keywords": "Mots des habitants",
    # the city's glossary (content/lexique.yaml)
    "termes": "Mots du lexique", "terme": "Mot", "definition": "Ce qu'il veut dire (une phrase simple)",
    "remplacer_par": "Mot simple à employer à la place (pour le jargon seulement)",
    # news
    "slug": "Adresse de la page", "audio": "Son (podcast)", "episode": "Épisode", "season": "Saison",
}

# Collection name: (plural, singular).
COLLECTION_WORDS = {
    "secteurs": ("Secteurs", "Secteur"),
    "projets": ("Projets", "Projet"),
    "travaux": ("Arrêtés de travaux", "Arrêté de travaux"),
    "reunions": ("Réunions publiques", "Réunion publique"),
    "actualites": ("Actualités", "Actualité"),
    "signalements": ("Types de signalement", "Types de signalement"),
    "lexique": ("Lexique de la ville", "Lexique de la ville"),
}
