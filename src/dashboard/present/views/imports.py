"""Import du suivi: the history of imports and the detail of one import, as the page shows them.

Builds the page's tables from what the store returns (`store.history`, `store.batch_changes`) and
the plan's indicator units: dates in French, counts in French, each stored value written as staff
typed it (`oui`, `45 %`, `12 000 €`, `31/12/2025`, `0,5 ETP`). The upload, the dry run, the
confirmation and the rollback are actions, not views: they stay in the page, which calls the store.
This module never reads the store itself and never imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import fmt
from dashboard.plan import Plan
from dashboard.present import export
from dashboard.suivi import merge, store


@dataclass(frozen=True)
class HistoryView:
    """The « Imports réalisés » table and the choices of the « Détail d'un import » selector."""

    table: pd.DataFrame                 # one row per import, newest first, every column in French
    labels: dict[int, str]              # import number → « n° 3 — suivi_2025.xlsx (12/03/2026 10:04) »
    actifs: dict[int, bool]             # import number → still counted (not rolled back)
    fichiers: dict[int, str]            # import number → its file name


def when(ts) -> str:
    """A store timestamp as `31/12/2025 14:05`; empty when there is none."""
    return "" if ts is None or pd.isna(ts) else ts.strftime("%d/%m/%Y %H:%M")


def importe_par(utilisateur: str, compte: str) -> str:
    """Who imported: « Camille Martin (cmartin) » for an account (its login, recorded by the store), the
    free-text name of a store without accounts, else « — »."""
    utilisateur, compte = (utilisateur or "").strip(), (compte or "").strip()
    if compte:
        return f"{utilisateur} ({compte})" if utilisateur and utilisateur != compte else compte
    return utilisateur or "—"


def history(frame: pd.DataFrame) -> HistoryView:
    """The history table (`store.history`'s frame) as read on the page; « État » names the account that
    rolled an import back (« annulé le … par cmartin »)."""
    table = pd.DataFrame({
        "N°": frame["batch_id"],
        "Date": frame["date"].map(when),
        "Fichier": frame["fichier"],
        "Années": frame["annees"],
        "Importé par": [importe_par(u, c) for u, c in zip(frame["utilisateur"], frame["compte"], strict=True)],
        "Porteur": [p or "—" for p in frame.get("porteur", pd.Series("", index=frame.index))],
        "Nouvelles": frame["nouveaux"].map(fmt.nombre),
        "Modifiées": frame["modifies"].map(fmt.nombre),
        "Retirées": frame.get("retires", pd.Series(0, index=frame.index)).map(fmt.nombre),
        "Inchangées": frame["inchanges"].map(fmt.nombre),
        "Ignorées": frame["ignores"].map(fmt.nombre),
        "État": [("actif" if a else f"annulé le {when(t)}" + (f" par {p}" if p else ""))
                 + (" · démonstration" if d else "")
                 for a, t, d, p in zip(frame["actif"], frame["annule_le"], frame["demo"], frame["annule_par"],
                                       strict=True)],
    })
    ids = [int(b) for b in frame["batch_id"]]
    return HistoryView(
        table=table,
        labels={i: f"n° {i} — {f} ({when(d)})" for i, f, d in zip(ids, frame["fichier"], frame["date"], strict=True)},
        actifs={i: bool(a) for i, a in zip(ids, frame["actif"], strict=True)},
        fichiers=dict(zip(ids, frame["fichier"], strict=True)),
    )


def value_text(v, objet: str, champ: str, unite: str) -> str:
    """A stored value as staff typed it: oui/non, 45 %, 12 000 €, 31/12/2025, 0,5 ETP; `—` when empty.
    `unite` is the indicator's unit (ignored for an action's fields)."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    if isinstance(v, pd.Timestamp):
        return fmt.jour(v)
    if isinstance(v, int | float):
        unite = unite if objet == "Indicateur" and champ in ("Résultat", "Objectif") else ""
        if unite == "oui/non":
            return "oui" if v >= 0.5 else "non"
        if unite == "%":
            return fmt.pct(v, 1)
        if unite == "€" or champ == "Dépenses (€)":
            return fmt.euros(v)
        if champ == "ETP":
            return fmt.etp(v)
        return fmt.nombre(v, 2)
    return str(v)


def value_cell(v, objet: str, champ: str, unite: str):
    """A stored value as an Excel cell (value, number format): the number itself in its unit (€, %, ETP,
    a date), text for a status or a comment; value_text's words where there is no number."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—", None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime(), export.DATE_FORMAT
    if isinstance(v, int | float) and not isinstance(v, bool):
        unite = unite if objet == "Indicateur" and champ in ("Résultat", "Objectif") else ""
        if unite in ("oui/non", "%", "€"):
            return export.unit_value(v, unite)
        if champ == "Dépenses (€)":
            return export.excel_value(v, "euro")
        if champ == "ETP":
            return export.excel_value(v, "etp")
        return export.unit_value(v, "nombre")
    return str(v), None


def changes(plan: Plan, frame: pd.DataFrame) -> pd.DataFrame:
    """What one import changed (`store.batch_changes`'s frame), each value before and after in its
    unit; an indicator the plan no longer has is read as a plain number."""
    units = dict(zip(plan.indicateurs["indicateur_id"].astype(str), plan.indicateurs["unite"], strict=True))

    def texts(column: str) -> list[str]:
        return [value_text(v, o, f, units.get(str(c), "nombre"))
                for v, o, c, f in zip(frame[column], frame["objet"], frame["cle"], frame["champ"], strict=True)]

    return pd.DataFrame({
        "Objet": frame["objet"], "Indicateur / action": frame["cle"], "Année": frame["annee"].astype(str),
        "Valeur": frame["champ"], "Avant": texts("avant"), "Après": texts("apres"), "Changement": frame["etat"],
    })


# ---------------------------------------------------------------------------------------------
# The dry run: every line the import writes, every conflict, before → after, grouped by action
# ---------------------------------------------------------------------------------------------

_OBJETS = {"indicateurs": "Indicateur", "statuts": "Avancement", "realise": "Réalisé"}
CHANGE_HEADERS = ["N° action", "Action", "Objet", "Année", "Valeur", "Avant", "Après", "Changement",
                  "Avant : enregistrée par"]
CONFLICT_HEADERS = ["N° action", "Action", "Objet", "Année", "Valeur", "Dans le modèle envoyé", "Dans la base",
                    "Enregistrée par", "Dans le fichier"]


@dataclass(frozen=True)
class DryRunView:
    """The dry run as the page and the command line show it (French text, one row per cell)."""

    changes: pd.DataFrame      # CHANGE_HEADERS, sorted by action: what the import writes
    conflicts: pd.DataFrame    # CONFLICT_HEADERS: cells changed by the file and by another import
    conflict_cells: tuple      # the cell of each conflict row (to record the user's decisions)
    overwrites: int            # lines of a file without stamp that replace a value another import set
    # the values of « Avant » / « Après » as Excel cells (value, number format), row by row: numbers stay
    # numbers in the file (changes, then conflicts: base → fichier)
    typed_changes: tuple = ()
    typed_conflicts: tuple = ()

    def excel(self) -> bytes:
        """Every line (and every conflict, « conflit à décider ») as an Excel file; values before and after
        are numbers (€, %, ETP, dates) where they are, as on the page otherwise."""
        pending = pd.DataFrame({
            **{h: self.conflicts[h] for h in ("N° action", "Action", "Objet", "Année", "Valeur")},
            "Avant": self.conflicts["Dans la base"], "Après": self.conflicts["Dans le fichier"],
            "Changement": "conflit à décider", "Avant : enregistrée par": self.conflicts["Enregistrée par"],
        }, columns=CHANGE_HEADERS)
        frame = pd.concat([self.changes, pending], ignore_index=True) if len(pending) else self.changes.copy()
        typed = [*self.typed_changes, *self.typed_conflicts]
        if len(typed) == len(frame):
            frame["Avant"] = [t[0] for t in typed]
            frame["Après"] = [t[1] for t in typed]
        return export.to_excel(frame, sheet="Changements", overrides={"N° action": ("N° action", "int"),
                                                                      "Année": ("Année", "annee")},
                               title="Vérification de l'import")

    def lines_text(self) -> list[str]:
        """The changes for a terminal, grouped by action: « A1-1 … , 2025, Résultat : 1 250 → 1 310 »."""
        out, current = [], None
        for r in self.changes.to_dict("records"):
            if r["N° action"] != current:
                current = r["N° action"]
                out.append(f"  Action {current} · {r['Action']}")
            flag = " (remplace une valeur importée : à confirmer)" if r["Changement"].endswith("à confirmer") else ""
            what = "valeur retirée" if r["Changement"] == "valeur retirée" else f"{r['Avant']} → {r['Après']}"
            out.append(f"    - {r['Objet']}, {r['Année']}, {r['Valeur']} : {what}{flag}")
        return out

    def conflicts_text(self) -> list[str]:
        return [f"- conflit : action {r['N° action']}, {r['Objet']}, {r['Année']}, {r['Valeur']} : "
                f"{r['Dans le modèle envoyé']} dans le modèle envoyé, {r['Dans la base']} dans la base "
                f"({r['Enregistrée par']}), {r['Dans le fichier']} dans le fichier"
                for r in self.conflicts.to_dict("records")]


def source_text(info: pd.DataFrame | None, batch: int | None) -> str:
    """« Office de tourisme · Camille Martin (cmartin) · 03/12/2026 10:04 (import n° 2) », « — » if unknown."""
    if batch is None or info is None or not len(info) or batch not in set(info["batch_id"]):
        return "—"
    r = info.set_index("batch_id").loc[batch]
    who = [x for x in (r["porteur"], importe_par(r["utilisateur"], r["compte"]).replace("—", "")) if x]
    return " · ".join([*who, when(r["importe_le"])]) + f" (import n° {batch})"


def dry_run(plan: Plan, outcome) -> DryRunView:
    """The page's and the command line's view of an import's plan (`importer.ImportOutcome`)."""
    units = dict(zip(plan.indicateurs["indicateur_id"].astype(str).str.upper(), plan.indicateurs["unite"],
                     strict=True))
    labels = dict(zip(plan.indicateurs["indicateur_id"].astype(str).str.upper(), plan.indicateurs["indicateur"],
                      strict=True))
    action_of = dict(zip(plan.indicateurs["indicateur_id"].astype(str).str.upper(),
                         plan.indicateurs["action_id"].astype(int), strict=True))
    titles = dict(zip(plan.actions["action_id"].astype(int), plan.actions["titre"].fillna(""), strict=True))

    def where(cell) -> tuple:
        kind, key, annee, champ = cell
        aid = action_of.get(key) if kind == "indicateurs" else int(key)
        objet = f"{key} {labels.get(key, '')}".strip() if kind == "indicateurs" else _OBJETS[kind]
        return (aid, titles.get(aid, "") or (f"Action {aid}" if aid else "")), objet, str(annee), \
            store.FIELD_LABELS.get(champ, champ)

    def text(cell, v) -> str:
        if v is merge.CLEARED:
            return "— (effacer)"
        kind, key, _, champ = cell
        return value_text(v, _OBJETS[kind], store.FIELD_LABELS.get(champ, champ), units.get(key, "nombre"))

    def cell(c, v):
        if v is merge.CLEARED:
            return "— (effacer)", None
        kind, key, _, champ = c
        return value_cell(v, _OBJETS[kind], store.FIELD_LABELS.get(champ, champ), units.get(key, "nombre"))

    rows, typed = [], []
    for x in outcome.plan.lines:
        (aid, title), objet, annee, champ = where(x.cell)
        change = x.etat + (" (à confirmer)" if x.overwrite else "")
        rows.append([aid, title, objet, annee, champ, text(x.cell, x.avant), text(x.cell, x.apres), change,
                     source_text(outcome.sources, x.source)])
        typed.append((cell(x.cell, x.avant), cell(x.cell, x.apres)))
    changes = pd.DataFrame(rows, columns=CHANGE_HEADERS)
    conflicts = outcome.plan.undecided
    crow, ctyped = [], []
    for c in conflicts:
        (aid, title), objet, annee, champ = where(c.cell)
        crow.append([aid, title, objet, annee, champ, text(c.cell, c.emis), text(c.cell, c.stocke),
                     source_text(outcome.sources, c.source), text(c.cell, c.fichier)])
        ctyped.append((cell(c.cell, c.stocke), cell(c.cell, c.fichier)))
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0] is None, rows[i][0] or 0))
    return DryRunView(changes.iloc[order].reset_index(drop=True), pd.DataFrame(crow, columns=CONFLICT_HEADERS),
                      tuple(c.cell for c in conflicts), len(outcome.plan.overwrites),
                      typed_changes=tuple(typed[i] for i in order), typed_conflicts=tuple(ctyped))


# ---------------------------------------------------------------------------------------------
# The collection of a year: who was sent a template, who returned a file, what is still missing
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CollecteView:
    """The « Collecte » table (one row per porteur) and its « Relances » export."""

    annee: int
    table: pd.DataFrame       # counts per porteur, French headers
    relances: pd.DataFrame    # one line per porteur with something missing: what to send
    n_a_relancer: int

    def excel(self) -> bytes:
        return export.to_excel(self.relances, sheet="Relances", title=f"Relances du suivi {self.annee}")


def _ids(values: list) -> str:
    return ", ".join(str(v) for v in values)


def _sent(d, par, complet) -> str:
    """When the porteur's own template was sent, else when a template of every action was, else « non »."""
    if pd.notna(d):
        return f"le {fmt.jour(d)}" + (f" par {par}" if par else "")
    return f"modèle complet, le {fmt.jour(complet)}" if complet is not None and pd.notna(complet) else "non"


def collecte(frame: pd.DataFrame, annee: int, complet=None) -> CollecteView:
    """`suivi.collecte.collecte`'s frame as the page and the « Relances » file show it; `complet`: when the
    latest template of every action (no porteur) was sent for `annee`, if any."""
    missing = ["indicateurs", "sans_statut", "dates", "depenses", "etp"]
    n_missing = [sum(len(r[k]) for k in missing) for r in frame.to_dict("records")]

    def etat(r, n) -> str:
        if not n:
            return "complet"
        if r["fichiers_recus"]:
            return "fichier reçu, incomplet"
        return "à relancer" if pd.notna(r["modele_envoye"]) else "modèle à envoyer"

    etats = [etat(r, n) for r, n in zip(frame.to_dict("records"), n_missing, strict=True)]
    table = pd.DataFrame({
        "Porteur": frame["porteur"], "Actions": frame["actions"].map(len),
        f"Modèle {annee} envoyé": [_sent(d, p, complet)
                                   for d, p in zip(frame["modele_envoye"], frame["modele_par"], strict=True)],
        "Fichiers reçus": [f"{n}, le dernier le {fmt.jour(d)}" if n else "aucun"
                           for n, d in zip(frame["fichiers_recus"], frame["dernier_fichier"], strict=True)],
        "Indicateurs sans résultat": frame["indicateurs"].map(len),
        "Sans statut": frame["sans_statut"].map(len),
        "Dates à compléter": frame["dates"].map(len),
        "Dépenses à déclarer": frame["depenses"].map(len),
        "ETP à déclarer": frame["etp"].map(len),
        "État": etats,
    })
    todo = []
    for r, n in zip(frame.to_dict("records"), n_missing, strict=True):
        if not n:
            continue
        parts = [(f"résultat {annee} des indicateurs {_ids(r['indicateurs'])}", r["indicateurs"]),
                 (f"statut des actions n° {_ids(r['sans_statut'])}", r["sans_statut"]),
                 (f"dates réelles des actions n° {_ids(r['dates'])}", r["dates"]),
                 (f"dépenses {annee} des actions n° {_ids(r['depenses'])}", r["depenses"]),
                 (f"ETP {annee} des actions n° {_ids(r['etp'])}", r["etp"])]
        text = "; ".join(t for t, values in parts if values)
        todo.append({
            "Porteur": r["porteur"], "Modèle envoyé le": when(r["modele_envoye"]) or "non envoyé",
            "Dernier fichier reçu le": when(r["dernier_fichier"]) or "aucun",
            "À envoyer": text[:1].upper() + text[1:] + ".",
            "Indicateurs sans résultat": _ids(r["indicateurs"]), "Actions sans statut": _ids(r["sans_statut"]),
            "Dates à compléter (actions)": _ids(r["dates"]), "Dépenses à déclarer (actions)": _ids(r["depenses"]),
            "ETP à déclarer (actions)": _ids(r["etp"]),
        })
    relances = pd.DataFrame(todo, columns=["Porteur", "Modèle envoyé le", "Dernier fichier reçu le", "À envoyer",
                                           "Indicateurs sans résultat", "Actions sans statut",
                                           "Dates à compléter (actions)", "Dépenses à déclarer (actions)",
                                           "ETP à déclarer (actions)"])
    return CollecteView(annee, table, relances, len(relances))
