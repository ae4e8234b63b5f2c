"""« Depuis le dernier comité »: the store read on two days (`suivi.temps`), compared by
`metrics.depuis`, told in French (terminal lines, the deck's slide).

`lire_depuis(engine, jour, au)` is what a page or a command calls; `lignes` and `slide_depuis` say it.
`deck_situation` puts the store's « situation au » on a deck's title and closing slides.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard import fmt
from dashboard.metrics.depuis import Depuis, depuis
from dashboard.plan import versions
from dashboard.suivi import store, temps

MAX_ITEMS = 6  # late actions named on the slide (all of them in its notes)


def lire_depuis(engine: Engine, jour: date, au: date | None = None, plan=None) -> Depuis:
    """What changed in the store from the end of `jour` to the end of `au` (today when None). `plan`: a
    workbook read from disk, used for both days (else the version in force on each day)."""
    au = au or temps.aujourdhui()
    plan_avant = plan if plan is not None and not plan.version else temps.plan_au(engine, jour)
    plan_apres = plan if plan is not None and not plan.version else temps.plan_au(engine, au)
    labels = {v.id: v.label for v in versions.history(engine)}
    journal = [(vid, labels.get(vid, ""), le) for vid, le in versions.journal(engine)]
    imports = temps.imports_en_vigueur(store.history(engine), au)
    return depuis(plan_avant, temps.suivi_au(engine, jour), plan_apres, temps.suivi_au(engine, au), imports,
                  journal, jour, au)


def deck_situation(engine: Engine, info, plan, as_of=None, au: date | None = None):
    """The deck's words (`deck_model.DeckInfo`) with the store's « situation au » (latest import in
    force, plan version; as of the day `au`); with `as_of` (the day lateness is counted at), that day
    is the situation's date."""
    situation = temps.lire_situation(engine, au, plan)
    if as_of is not None:
        situation = replace(situation, date=pd.Timestamp(as_of).date())
    return replace(info, situation=situation.texte)


def _mot(n: int, one: str, many: str) -> str:
    """The word for `n` things (French: singular up to one)."""
    return one if n <= 1 else many


def _n(n: int, one: str, many: str) -> str:
    """« 0 import », « 1 import », « 2 imports »."""
    return f"{fmt.nombre(n)} {_mot(n, one, many)}"


def _valeur(v) -> str:
    return fmt.nombre(v, 2)


def lignes(d: Depuis) -> list[str]:
    """The changes as French lines (the command line; the slide's notes)."""
    out = [f"Depuis le {fmt.jour(d.depuis)} (jusqu'au {fmt.jour(d.au)}) :"]
    if d.vide:
        return [*out, "  rien n'a changé : aucun import, aucune révision du plan, aucune action devenue en retard."]
    r = d.nouveaux_retards
    out.append(f"  {_n(len(r), 'action devenue en retard', 'actions devenues en retard')}"
               + (" :" if len(r) else ""))
    out += [f"    {int(x.action_id)} · {x.titre} ({x.porteur}) : {fmt.mois(x.retard_mois)} de retard"
            for x in r.itertuples()]
    i = d.imports
    out.append(f"  {_n(len(i), 'import', 'imports')}" + (" :" if len(i) else ""))
    out += [f"    n° {int(x.batch_id)} du {fmt.jour(x.date)} · {x.fichier}"
            + (f" · {x.porteur}" if x.porteur else "") + f" · {_n(int(x.valeurs), 'valeur', 'valeurs')}"
            for x in i.itertuples()]
    out.append(f"  {_n(len(d.revisions), 'révision du plan', 'révisions du plan')}" + (" :" if d.revisions else ""))
    out += [f"    version {vid} « {label} », en vigueur depuis le {fmt.jour(day)}" for vid, label, day in d.revisions]
    m = d.indicateurs
    out.append(f"  {_n(len(m), 'résultat d’indicateur a bougé', 'résultats d’indicateurs ont bougé')}"
               + (" :" if len(m) else ""))
    out += [f"    {x.indicateur_id} · {x.indicateur} ({int(x.annee)}) : {_valeur(x.avant)} → {_valeur(x.apres)}"
            for x in m.itertuples()]
    return out


def sections(d: Depuis) -> list[tuple[str, list[str]]]:
    """The changes as (heading, items) for a page, one per kind of change that happened (none when
    nothing changed): the same words as `lignes`, plain text (the page shows it literally)."""
    r, i, m = d.nouveaux_retards, d.imports, d.indicateurs
    out = [
        (_n(len(r), "action devenue en retard", "actions devenues en retard"),
         [f"{int(x.action_id)} · {x.titre} ({x.porteur}) : {fmt.mois(x.retard_mois)} de retard" for x in r.itertuples()]),
        (_n(len(i), "import du suivi", "imports du suivi"),
         [f"n° {int(x.batch_id)} du {fmt.jour(x.date)} · {x.fichier}" + (f" · {x.porteur}" if x.porteur else "")
          + f" · {_n(int(x.valeurs), 'valeur', 'valeurs')}" for x in i.itertuples()]),
        (_n(len(d.revisions), "révision du plan", "révisions du plan"),
         [f"version {vid} « {label} », en vigueur depuis le {fmt.jour(day)}" for vid, label, day in d.revisions]),
        (_n(len(m), "résultat d’indicateur a bougé", "résultats d’indicateurs ont bougé"),
         [f"{x.indicateur_id} · {x.indicateur} ({int(x.annee)}) : "
          + ("première valeur " if x.avant is None or pd.isna(x.avant) else f"{_valeur(x.avant)} → ")
          + _valeur(x.apres) for x in m.itertuples()]),
    ]
    return [(heading, items) for heading, items in out if items]


def slide_depuis(d: Depuis):
    """The deck's « depuis le dernier comité » slide: three big figures, the actions that became late
    (each opens its fiche), the indicators that moved counted in the caption, every change in the
    speaker notes."""
    from dashboard.present.comite import Chiffre, Item, Slide, action_name  # noqa: PLC0415

    r = d.nouveaux_retards
    chiffres = (Chiffre(fmt.nombre(len(r)), _mot(len(r), "action devenue en retard", "actions devenues en retard")),
                Chiffre(fmt.nombre(len(d.imports)), _mot(len(d.imports), "import du suivi", "imports du suivi")),
                Chiffre(fmt.nombre(len(d.revisions)), _mot(len(d.revisions), "révision du plan",
                                                           "révisions du plan")))
    bits = [b for n, b in ((len(r), _n(len(r), "action est devenue en retard", "actions sont devenues en retard")),
                           (len(d.imports), _n(len(d.imports), "import", "imports")),
                           (len(d.revisions), _n(len(d.revisions), "révision du plan", "révisions du plan")),
                           (len(d.indicateurs), _n(len(d.indicateurs), "résultat d’indicateur a bougé",
                                                   "résultats d’indicateurs ont bougé"))) if n]
    titre = f"Depuis le dernier comité, le {fmt.jour(d.depuis)} : " + (
        "rien n'a changé." if d.vide else ", ".join(bits) + ".")
    items = tuple(Item(int(x.action_id), action_name(int(x.action_id), x.titre), f"{fmt.mois(x.retard_mois)} de retard")
                  for x in r.head(MAX_ITEMS).itertuples())
    more = f" Et {_n(len(r) - MAX_ITEMS, 'autre', 'autres')} (notes)." if len(r) > MAX_ITEMS else ""
    moved = len(d.indicateurs)
    legende = (f"{_n(moved, 'résultat d’indicateur a bougé', 'résultats d’indicateurs ont bougé')} (notes). "
               f"Du {fmt.jour(d.depuis)} au {fmt.jour(d.au)} : la base et le plan tels qu'ils étaient chaque jour "
               f"(imports annulés depuis comptés comme ils étaient).{more}")
    return Slide(key="depuis", nom="Depuis le dernier comité", titre=titre, chiffres=chiffres, legende=legende,
                 items=items, notes="\n".join(lignes(d)))
