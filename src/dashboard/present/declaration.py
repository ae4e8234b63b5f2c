"""The accessibility declaration (déclaration d'accessibilité, RGAA 4.1 model): conformity status, what
was measured and how, non-conformities, exemptions, contact and recourse.

The list of what comes from Streamlit and cannot be changed by this application (`LIMITES_STREAMLIT`)
is the one the browser test (tests/browser/test_accessibilite.py) accepts from axe-core, node by node:
the declaration and the test can never disagree. Pure: no streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

DATE = "7 décembre 2026"
CONTACT_ENV = "DASHBOARD_ACCESSIBILITE_CONTACT"  # adresse e-mail ou page de contact de l'office


@dataclass(frozen=True)
class Limite:
    """A non-conformity that comes from Streamlit as shipped (its markup or its words)."""

    quoi: str        # what a person meets
    critere: str     # RGAA criterion
    pourquoi: str    # why this application cannot change it
    regle: str = ""  # the axe-core rule that reports it ("" when axe does not see it)
    noeuds: str = ""  # CSS selector of Streamlit's nodes it is accepted on (with `regle`)


LIMITES_STREAMLIT: tuple[Limite, ...] = (
    Limite("La navigation par rubriques (Pilotage, Actions, Données…) est une liste dont les rubriques "
           "sont des blocs placés directement dans la liste : un lecteur d'écran n'annonce pas le nombre "
           "de pages de chaque rubrique.", "9.3",
           "Balisage du menu de Streamlit (st.navigation avec rubriques) ; une liste sans rubriques serait "
           "valide mais perdrait les rubriques. Référence amont : la demande ouverte streamlit/streamlit#8399 "
           "(« Basic accessibility web features » : langue, structure) ; aucune demande propre à ce balisage.",
           "list", "[data-testid='stSidebarNavItems']"),
    Limite("Les liens du menu sont des éléments de liste placés hors d'une liste (même cause).", "9.3",
           "Balisage du menu de Streamlit (voir ci-dessus).", "listitem", "[data-testid='stSidebarNav']"),
    Limite("Le menu porte le nom anglais « App pages ».", "8.7",
           "Texte fixé par Streamlit, sans paramètre."),
    Limite("Le dépôt de fichier affiche « Upload », « Drag and drop file here » et « 10MB per file • XLSX ».",
           "8.7", "Textes fixés par Streamlit (st.file_uploader n'a pas de paramètre pour eux) ; l'étiquette "
                  "et l'aide du champ, en français, disent quoi déposer et la taille permise."),
    Limite("Les listes à choix multiples proposent « Select all » ; certains champs de saisie affichent "
           "« Press Enter to apply ».", "8.7", "Textes fixés par Streamlit, sans paramètre."),
    Limite("La barre d'outils des tableaux (télécharger, chercher, plein écran) a des infobulles en anglais ; "
           "le tableau interactif est dessiné dans un canevas, moins bien restitué par les lecteurs d'écran.",
           "8.7, 5.1", "Composant st.dataframe de Streamlit. Chaque tableau se télécharge aussi en Excel et "
                       "les données de chaque graphique sont dans un vrai tableau (« Voir les données »)."),
    Limite("La page « Comptes », ouverte par son adresse sans les droits d'administrateur, affiche « Page not "
           "found » (une adresse inconnue, elle, affiche « Page introuvable » en français).", "8.7",
           "Message fixé par Streamlit pour une page qu'il ne montre pas à cette personne."),
    Limite("Des libellés destinés aux lecteurs d'écran sont en anglais : « Skip to main content » (lien "
           "d'évitement), « Help for … » (bouton d'aide d'un champ), « Collapse sidebar » (bouton qui replie "
           "le menu), « Increment » et « Decrement » (boutons d'un champ numérique). Les titres, eux, n'ont plus "
           "l'ancre « Link to heading » : ils sont dessinés sans.",
           "8.7", "Textes fixés par Streamlit, sans paramètre."),
)

MESURES = (
    "axe-core 4.12 (règles WCAG 2.0 et 2.1, niveaux A et AA), dans Chromium piloté par les tests "
    "automatiques du projet, sur chaque page (Vue d'ensemble, Budget, Effectifs, Calendrier & retards, "
    "Indicateurs, Fiches actions et une fiche, Import du suivi annuel, Plan, Présentation au comité, "
    "cette déclaration) et sur chaque diapositive du mode projecteur : aucune violation sur les éléments de "
    "l'application ; celles qui restent viennent de Streamlit et sont listées ci-dessous.",
    "Contrastes : texte courant et légendes au moins 4,5:1 (légendes 5,1:1 sur fond blanc, 5,0:1 sur "
    "le fond gris de la barre latérale) ; textes des graphiques (axes, valeurs) en noir, 16:1 ; chiffres "
    "écrits dans une barre et textes colorés des tableaux au moins 4,5:1 ; bord des champs de saisie, des "
    "listes, du dépôt de fichier et des boutons 3,8:1 sur le blanc, 3,4:1 sur le gris de la barre latérale.",
    "Couleurs des graphiques (barres, bandes, lignes, sur les pages, les diapositives et dans les fichiers) : "
    "au moins 3:1 avec le fond blanc, ou un contour qui l'atteint pour un segment plus clair (le haut d'une "
    "fourchette, une action récurrente, « sans suivi ») ; une seule palette, choisie pour rester "
    "distincte pour les personnes qui ne perçoivent pas le rouge, le vert ou le bleu (simulation de chaque "
    "daltonisme). Vérifié par des tests automatiques sur les graphiques des pages et des diapositives tracés à "
    "partir du plan et du suivi de démonstration.",
    "Statuts, retards et tendances : toujours dits par un mot ou une forme en plus de la couleur "
    "(« en retard », « surallocation », « ▲ +18 (favorable) », motifs des actions récurrentes).",
    "Graphiques : chacun porte un nom accessible qui dit son message et ses chiffres clés, lus dans "
    "la figure même ; ses données sont à un clic (« Voir les données », tableau avec en-têtes). Les "
    "diapositives PowerPoint et la présentation HTML autonome portent un texte alternatif sur leurs "
    "graphiques.",
    "Clavier : un test automatique importe un classeur de suivi au clavier seul (modèle, dépôt, "
    "vérification, confirmation, puis annulation), règle un filtre de la barre latérale et parcourt le "
    "mode projecteur (Page suivante, Page précédente, Échap) ; chaque bouton atteint montre le focus.",
    "Langue du document : français (lang=\"fr\") ; titre du document en français.",
)

RESTE = (
    "Aucun audit complet des 106 critères du RGAA 4.1 n'a encore été mené : les mesures ci-dessus sont "
    "des tests automatiques et des vérifications ciblées, qui ne couvrent pas tout (par exemple la "
    "restitution par un lecteur d'écran n'a pas été vérifiée avec NVDA ou JAWS).",
    "Le document PDF de la présentation au comité et les fiches imprimables sont balisés par Chromium "
    "(titres, paragraphes, ordre de lecture, signets des fiches) ; leurs graphiques n'y ont pas de texte "
    "alternatif propre : les chiffres sont écrits à côté.",
)

DEROGATIONS = (
    "Aucune dérogation pour charge disproportionnée n'est invoquée.",
    "Contenus non soumis : les classeurs Excel téléchargés et déposés sont des documents de travail ; "
    "leurs feuilles « Lisez-moi » décrivent chaque colonne.",
)


def statut() -> str:
    """The conformity status as RGAA defines it: without a valid audit, « non conforme »."""
    return "non conforme"


def markdown(contact: str | None) -> str:
    """The whole declaration as Markdown (headings, lists), for the page « Déclaration d'accessibilité ».

    contact: the office's accessibility contact (e-mail or page), from CONTACT_ENV; None when not set.
    """
    def items(lines) -> str:
        return "\n".join(f"- {line}" for line in lines)

    limites = "\n".join(f"- {lim.quoi} (critère {lim.critere}) — {lim.pourquoi}" for lim in LIMITES_STREAMLIT)
    if contact:
        joindre = f"Écrivez à : {contact}"
    else:
        joindre = (f"Adresse non renseignée : la personne qui administre ce tableau de bord la définit par la "
                   f"variable d'environnement `{CONTACT_ENV}`. En attendant, adressez-vous à l'office de tourisme.")
    return f"""
Le Grand Auch Cœur de Gascogne s'engage à rendre ses services numériques accessibles, conformément à
l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration d'accessibilité s'applique au
**tableau de bord du schéma de développement touristique**.

## État de conformité

Ce tableau de bord est **{statut()}** avec le référentiel général d'amélioration de l'accessibilité
(RGAA), version 4.1 : aucun audit complet n'a encore été réalisé. Les résultats mesurés sont les suivants.

## Ce qui a été mesuré, et comment

{items(MESURES)}

## Contenus non accessibles

### Non-conformités venant de Streamlit (le logiciel qui affiche le tableau de bord)

{limites}

### Ce qui reste à vérifier ou à faire

{items(RESTE)}

### Dérogations et contenus non soumis

{items(DEROGATIONS)}

## Établissement de cette déclaration

Déclaration établie le {DATE}. Technologies utilisées : HTML5, CSS, JavaScript (Streamlit, Plotly).
Environnement de test : Chromium (Debian), axe-core, Playwright, clavier seul.

## Retour d'information et contact

Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez le signaler pour être
orienté vers une alternative accessible ou obtenir le contenu sous une autre forme (les tableaux
se téléchargent aussi en Excel). {joindre}

## Voies de recours

Si vous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou à un
service et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez :

- écrire un message au Défenseur des droits (formulaire en ligne sur le site du Défenseur des droits) ;
- contacter le délégué du Défenseur des droits dans votre région ;
- envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits,
  Libre réponse 71120, 75342 Paris CEDEX 07.
""".strip()
