"""The fiches actions as a list: search, table, facets. Pure functions of the Plan (one action in detail is `fiche`).

The "Fiches actions" page only reads widgets and renders what these functions return.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from dashboard import fmt
from dashboard.plan import Plan, porteurs_of

# The plan's fields of a fiche, in the plan's order, with the workbook's French headers.
FIELDS: tuple[tuple[str, str], ...] = (
    ("presentation", "Présentation"),
    ("objectifs", "Objectifs"),
    ("conditions", "Conditions de mise en œuvre"),
    ("publics", "Publics cibles"),
    ("partenaires", "Partenaires"),
    ("maitrise_ouvrage", "Maîtrise d'ouvrage"),
    ("calendrier", "Calendrier"),
    ("budget_previsionnel", "Budget prévisionnel"),
    ("indicateurs", "Indicateurs"),
)

# What the search box looks into (besides the action's number).
SEARCH_FIELDS: tuple[str, ...] = ("titre", "enjeu") + tuple(k for k, _ in FIELDS)

NOT_FILLED = "Non renseigné"
NO_STATUS = "Non renseigné"

# Facets the page filters on: key -> French label.
FACETS: dict[str, str] = {
    "porteur": "Porteur",
    "public": "Public cible",
    "partenaire": "Partenaire",
    "categorie": "Catégorie budget",
    "statut": "Statut",
}

# The table's columns: key -> French header (the same headers on screen and in Excel).
TABLE_HEADERS: dict[str, str] = {
    "action_id": "N°",
    "axe": "Axe",
    "enjeu": "Enjeu",
    "titre": "Titre",
    "statut": "Statut",
    "categorie_budget": "Catégorie budget",
    "budget": "Budget",
    "etp": "ETP",
    "porteurs": "Maîtrise d'ouvrage / porteurs",
    "publics": "Publics cibles",
    "partenaires": "Partenaires",
}
# Numeric columns added to the Excel download (the on-screen "Budget" is text).
EXPORT_HEADERS: dict[str, str] = {
    "budget_unique_min": "Budget ponctuel min (€)",
    "budget_unique_max": "Budget ponctuel max (€)",
    "budget_annuel_min": "Budget annuel min (€/an)",
    "budget_annuel_max": "Budget annuel max (€/an)",
}


# --- Texte ----------------------------------------------------------------------------------

def normalize(text) -> str:
    """Lower case, no accents, œ → oe, straight apostrophes: what the search compares."""
    if not isinstance(text, str):
        return "" if text is None or pd.isna(text) else str(text)
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("’", "'")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


_NUMBER_QUERY = re.compile(r"^\s*(?:(?:fiche|action)\s*)?(?:n\s*[°o]\s*)?(\d+)\s*$", re.IGNORECASE)


def number_in_query(query: str) -> int | None:
    """The action number when the whole query is one ("11", "n° 11", "action 11"), else None."""
    m = _NUMBER_QUERY.match(query or "")
    return int(m.group(1)) if m else None


def search_actions(actions: pd.DataFrame, query: str) -> pd.DataFrame:
    """The actions matching the query: its number, or every word of it somewhere in the fiche.

    Case and accents are ignored; words may come from different fields.
    """
    query = (query or "").strip()
    if not query:
        return actions
    number = number_in_query(query)
    if number is not None and (actions["action_id"] == number).any():
        return actions[actions["action_id"] == number]
    haystack = actions[list(SEARCH_FIELDS)].fillna("").astype(str).agg(" ".join, axis=1).map(normalize)
    haystack = "n°" + actions["action_id"].astype(str) + " " + haystack
    keep = pd.Series(True, index=actions.index)
    for word in normalize(query).split():
        keep &= haystack.str.contains(word, regex=False)
    return actions[keep]


def split_list(text, and_too: bool = False) -> list[str]:
    """A free-text list of the plan ("Population locale, excursionnistes et touristes") as items.

    Splits on commas, semicolons, slashes and line breaks (and on " et " when `and_too`),
    never inside parentheses; each item starts with a capital letter.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    text = re.sub(r"\([^)]*\)", lambda m: m.group(0).replace(",", "\0").replace(" et ", "\1"), text)
    parts = re.split(r"[,;/\n•]" + (r"| et " if and_too else ""), text)
    items = []
    for p in parts:
        p = p.replace("\0", ",").replace("\1", " et ").strip(" .-–")
        if p:
            items.append(p[0].upper() + p[1:])
    return items


def _fold_key(item: str) -> str:
    """Same key for "Excursionniste", "excursionnistes" and "Touristes (camping-caristes)" / "Touristes"."""
    return re.sub(r"s\b", "", normalize(re.sub(r"\([^)]*\)", "", item))).strip()


# --- Budget, ETP, statut par action ------------------------------------------------------------

def budget_sums(budget: pd.DataFrame) -> pd.DataFrame:
    """Per action: the sums of its one-off and of its annual lines, min and max (€)."""
    cols = list(EXPORT_HEADERS)
    if budget.empty:
        return pd.DataFrame(columns=["action_id", *cols])
    out = []
    for per, key in (("unique", "budget_unique"), ("annuel", "budget_annuel")):
        b = budget[budget["periodicite"] == per]
        s = b.groupby("action_id")[["montant_min", "montant_max"]].sum(min_count=1)
        s.columns = [f"{key}_min", f"{key}_max"]
        out.append(s)
    return pd.concat(out, axis=1).reset_index()


def budget_text(lines: pd.DataFrame, categorie: str = "") -> str:
    """An action's budget as read in French: "200 000 € + 20 000 €/an + 50 000 € par parcours".

    An action without budget lines shows its category ("à définir", "à budget constant"…).
    """
    return _budget_text(list(lines.itertuples()), categorie)


def _sum(values) -> float:
    """A sum that leaves out missing amounts (as pandas' sum does)."""
    return sum(float(v) for v in values if not pd.isna(v))


def _budget_text(rows: list, categorie: str) -> str:
    """budget_text of an action's lines as rows (itertuples): plain Python, no table filtered per action
    (the table of all actions makes one text per action)."""
    if not rows:
        return categorie or NOT_FILLED
    parts = []
    for per, suffix in (("unique", ""), ("annuel", "/an")):
        b = [r for r in rows if r.periodicite == per]
        if b:
            parts.append(fmt.fourchette(_sum(r.montant_min for r in b), _sum(r.montant_max for r in b)) + suffix)
    for r in rows:
        if r.periodicite != "par unité":
            continue
        unit = r.unite if isinstance(r.unite, str) and r.unite else "unité"
        text = f"{fmt.fourchette(r.montant_min, r.montant_max)} par {unit}"
        if pd.notna(r.quantite):
            text += f" × {fmt.nombre(r.quantite, 2)}"
        parts.append(text)
    return " + ".join(parts)


def etp_per_action(etp: pd.DataFrame) -> pd.Series:
    """The ETP of each action: the sum of its lines (index action_id)."""
    if etp.empty:
        return pd.Series(dtype=float, name="etp")
    return etp.groupby("action_id")["etp"].sum().rename("etp")


def statut_per_action(statuts: pd.DataFrame | None) -> pd.Series:
    """Each action's latest known status (index action_id); empty when nothing was imported."""
    if statuts is None or statuts.empty:
        return pd.Series(dtype=object, name="statut")
    s = statuts.copy()
    s["action_id"] = pd.to_numeric(s["action_id"], errors="coerce")
    s = s.dropna(subset=["action_id"]).sort_values("annee").drop_duplicates("action_id", keep="last")
    return s.set_index(s["action_id"].astype(int))["statut"].rename("statut")


def porteurs_per_action(plan: Plan) -> dict[int, list[str]]:
    """The porteurs of each action: its maîtrise d'ouvrage, then its budget lines' porteurs."""
    out: dict[int, list[str]] = {}
    for a, text in zip(plan.actions["action_id"], plan.actions["maitrise_ouvrage"], strict=True):
        out[int(a)] = porteurs_of(text)
    if not plan.budget.empty:
        for a, p in zip(plan.budget["action_id"], plan.budget["porteur"], strict=True):
            if int(a) in out and isinstance(p, str) and p.strip():
                for name in porteurs_of(p):
                    if name not in out[int(a)]:
                        out[int(a)].append(name)
    return out


# --- Tableau ---------------------------------------------------------------------------------

def action_table(plan: Plan, statuts: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per action (keys of TABLE_HEADERS and EXPORT_HEADERS), ordered by number.

    `statut` is there only when statuses were imported (`statuts` not empty).
    """
    a = plan.actions.sort_values("action_id")
    porteurs = porteurs_per_action(plan)
    sums = budget_sums(plan.budget).set_index("action_id") if not plan.budget.empty else None
    etps = etp_per_action(plan.etp)
    # each action's budget lines, read once as rows (filtering a table per action costs seconds on a
    # plan of thousands of actions)
    by_action: dict[int, list] = {}
    for line in plan.budget.itertuples():
        by_action.setdefault(int(line.action_id), []).append(line)
    rows = []
    for r in a.itertuples():
        aid = int(r.action_id)
        row = {
            "action_id": aid,
            "axe": int(r.axe),
            "enjeu": r.enjeu or "",
            "titre": r.titre,
            "porteurs": ", ".join(porteurs.get(aid, [])),
            "publics": r.publics,
            "partenaires": r.partenaires,
            "categorie_budget": r.categorie_budget,
            "budget": _budget_text(by_action.get(aid, []), "—"),  # the category has its own column
            "etp": float(etps.get(aid, float("nan"))),
        }
        for col in EXPORT_HEADERS:
            row[col] = float(sums.at[aid, col]) if sums is not None and aid in sums.index else float("nan")
        rows.append(row)
    table = pd.DataFrame(rows, columns=[k for k in TABLE_HEADERS if k != "statut"] + list(EXPORT_HEADERS))
    st_ = statut_per_action(statuts)
    if not st_.empty:
        table["statut"] = table["action_id"].map(st_).fillna(NO_STATUS)
    return table[[k for k in [*TABLE_HEADERS, *EXPORT_HEADERS] if k in table.columns]]


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table as shown on screen: French headers, French-formatted ETP, no export-only columns."""
    out = table[[k for k in TABLE_HEADERS if k in table.columns]].copy()
    out["etp"] = out["etp"].map(lambda x: fmt.etp(x) if pd.notna(x) and x else "—")
    out["enjeu"] = out["enjeu"].replace("", "—")
    return out.rename(columns=TABLE_HEADERS)


# Header and kind (export.EXCEL_FORMATS) of every column of the Excel download.
EXCEL_SPEC: dict[str, tuple[str, str]] = {
    **{k: (v, "text") for k, v in TABLE_HEADERS.items()},
    "action_id": ("N°", "int"),
    "axe": ("Axe", "int"),
    "etp": ("ETP", "etp"),
    **{k: (v, "euro") for k, v in EXPORT_HEADERS.items()},
}


def export_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table for the Excel download (keys of EXCEL_SPEC): numbers left as numbers."""
    return table[[k for k in TABLE_HEADERS if k in table.columns] + list(EXPORT_HEADERS)].copy()


# --- Facettes (filtres de la page) -----------------------------------------------------------

def facets(plan: Plan, statuts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Long table [action_id, facette, valeur]: every porteur, public, partenaire, catégorie, statut.

    Publics and partenaires are split from the plan's free text; plural, case and parenthesised
    variants ("excursionniste" / "Excursionnistes", "Touristes (camping-caristes)" / "Touristes")
    share one value, the most frequent spelling.
    """
    rows: list[tuple[int, str, str]] = []
    for aid, names in porteurs_per_action(plan).items():
        rows += [(aid, "porteur", n) for n in names]
    for r in plan.actions.itertuples():
        aid = int(r.action_id)
        rows += [(aid, "public", p) for p in split_list(r.publics, and_too=True)]
        rows += [(aid, "partenaire", p) for p in split_list(r.partenaires)]
        rows.append((aid, "categorie", r.categorie_budget))
    st_ = statut_per_action(statuts)
    if not st_.empty:
        rows += [(int(aid), "statut", st_.get(int(aid), NO_STATUS)) for aid in plan.actions["action_id"]]
    f = pd.DataFrame(rows, columns=["action_id", "facette", "valeur"])
    for facet in ("public", "partenaire"):
        sel = f["facette"] == facet
        keys = f.loc[sel, "valeur"].map(_fold_key)
        best = f.loc[sel].assign(key=keys).groupby("key")["valeur"].agg(lambda v: v.value_counts().index[0])
        f.loc[sel, "valeur"] = keys.map(best)
    return f.drop_duplicates().reset_index(drop=True)


def facet_options(f: pd.DataFrame, facet: str) -> list[str]:
    """The values of one facet, most frequent first (then alphabetical)."""
    v = f.loc[f["facette"] == facet, "valeur"]
    counts = v.value_counts()
    return sorted(counts.index, key=lambda x: (-counts[x], normalize(x)))


def filter_by_facets(ids, f: pd.DataFrame, chosen: dict[str, tuple[str, ...] | list[str]]) -> list[int]:
    """The ids kept: for each facet with a choice, the action has at least one chosen value."""
    keep = [int(i) for i in ids]
    for facet, values in chosen.items():
        if values:
            ok = set(f.loc[(f["facette"] == facet) & f["valeur"].isin(list(values)), "action_id"].astype(int))
            keep = [i for i in keep if i in ok]
    return keep


# --- Lien profond ----------------------------------------------------------------------------

def parse_action_param(value, valid_ids) -> tuple[int | None, str | None]:
    """The action of `?action=N`: (id, None), or (None, a French message) when N is not an action."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    text = str(value).strip()
    n = number_in_query(text)
    if n is None:
        return None, (f"« {text} » n'est pas un numéro d'action : le lien doit finir par "
                      "?action= suivi d'un numéro, par exemple ?action=11.")
    valid = sorted(int(i) for i in valid_ids)
    if n not in valid:
        return None, (f"L'action n° {n} n'existe pas dans le plan (les actions vont du n° {valid[0]} "
                      f"au n° {valid[-1]}, certains numéros manquent). Choisissez une action dans la liste."
                      if valid else f"L'action n° {n} n'existe pas dans le plan.")
    return n, None
