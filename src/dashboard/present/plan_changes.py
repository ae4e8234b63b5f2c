"""The changes between two versions of the plan, as people read them: French lines for the page and
the command line, tables comparing a reference version (the voted plan) with the current one, and
the comité's « Ce qui a changé depuis le plan voté » slide. Figures come from metrics.plan_diff."""

from __future__ import annotations

import pandas as pd

from dashboard import fmt
from dashboard.metrics import action_label
from dashboard.metrics.plan_diff import AJOUT, MODIF, RETRAIT, PlanDiff, compare_axes, compare_ends

_PERIODICITE = {"unique": "ponctuel", "annuel": "par an", "par unité": "par unité"}


def _blank(v) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v))


def _text(v) -> str:
    if _blank(v):
        return "—"
    if isinstance(v, float) and v.is_integer():
        return fmt.nombre(v)
    if isinstance(v, pd.Timestamp):
        return fmt.jour(v)
    return str(v)


def _amount(r: dict, side: str) -> str:
    lo, hi = r[f"montant_min_{side}"], r[f"montant_max_{side}"]
    per = r[f"periodicite_{side}"]
    if per == "par unité":
        unit = r[f"unite_{side}"] or "unité"
        return f"{fmt.fourchette(lo, hi)} par {unit}"
    return f"{fmt.fourchette(lo, hi)} {_PERIODICITE.get(per, per or '')}".strip()


def _years(r: dict, side: str) -> str:
    a, b = r[f"annee_debut_{side}"], r[f"annee_fin_{side}"]
    if _blank(a) and _blank(b):
        return "toute la période"
    if _blank(b) or a == b:
        return _text(a)
    return f"{_text(a)}-{_text(b)}"


def _changed(r: dict, fields) -> list[str]:
    """`name before → after` for each (column, name) whose two sides read differently."""
    return [f"{name} {_text(r[f'{f}_avant'])} → {_text(r[f'{f}_apres'])}" for f, name in fields
            if _text(r[f"{f}_avant"]) != _text(r[f"{f}_apres"])]


def _budget_line(r: dict) -> str:
    head = f"Action {int(r['action_id'])} · {r['poste']}"
    if r["changement"] == AJOUT:
        return f"{head} : ligne ajoutée, {_amount(r, 'apres')} ({_years(r, 'apres')})"
    if r["changement"] == RETRAIT:
        return f"{head} : ligne retirée (était {_amount(r, 'avant')}, {_years(r, 'avant')})"
    parts = []
    if _amount(r, "avant") != _amount(r, "apres"):
        parts.append(f"{_amount(r, 'avant')} → {_amount(r, 'apres')}")
    if _years(r, "avant") != _years(r, "apres"):
        parts.append(f"années {_years(r, 'avant')} → {_years(r, 'apres')}")
    parts += _changed(r, (("porteur", "porteur"), ("quantite", "quantité")))
    return f"{head} : {' ; '.join(parts) or 'modifiée'}"


def _etp_line(r: dict) -> str:
    head = f"Action {int(r['action_id'])} · {r['service']}"
    if r["changement"] == AJOUT:
        return f"{head} : ajouté, {fmt.etp(r['etp_apres'])}"
    if r["changement"] == RETRAIT:
        return f"{head} : retiré (était {fmt.etp(r['etp_avant'])})"
    parts = []
    if _text(r["etp_avant"]) != _text(r["etp_apres"]):
        parts.append(f"{fmt.etp(r['etp_avant'])} → {fmt.etp(r['etp_apres'])}")
    parts += _changed(r, (("annee_debut", "année de début"), ("annee_fin", "année de fin")))
    return f"{head} : {' ; '.join(parts) or 'modifié'}"


def _moved(months) -> str:
    if _blank(months):
        return ""
    if months == 0:
        return " (même mois)"
    sens = "plus tard" if months > 0 else "plus tôt"
    return f" ({fmt.mois(abs(months))} {sens})"


def _calendar_line(r: dict) -> str:
    head = f"Action {int(r['action_id'])} · {r['jalon'] or 'jalon sans nom'}"
    if r["changement"] == AJOUT:
        return f"{head} : jalon ajouté, du {_text(r['debut_prevu_apres'])} au {_text(r['fin_prevue_apres'])}"
    if r["changement"] == RETRAIT:
        return f"{head} : jalon retiré (était du {_text(r['debut_prevu_avant'])} au {_text(r['fin_prevue_avant'])})"
    parts = []
    if _text(r["fin_prevue_avant"]) != _text(r["fin_prevue_apres"]):
        parts.append(f"fin prévue {_text(r['fin_prevue_avant'])} → {_text(r['fin_prevue_apres'])}{_moved(r['mois'])}")
    parts += _changed(r, (("debut_prevu", "début prévu"), ("recurrence", "récurrence"), ("precision", "précision")))
    return f"{head} : {' ; '.join(parts) or 'modifié'}"


def _indicator_line(r: dict) -> str:
    if r["changement"] == AJOUT:
        return f"{r['indicateur_id']} (action {int(r['action_id_apres'])}) ajouté : {r['indicateur_apres']}"
    if r["changement"] == RETRAIT:
        return f"{r['indicateur_id']} (action {int(r['action_id_avant'])}) retiré : {r['indicateur_avant']}"
    parts = [f"{name} {_text(r[f'{f}_avant'])} → {_text(r[f'{f}_apres'])}"
             for f, name in (("indicateur", "libellé"), ("type", "type"), ("unite", "unité"), ("sens", "sens"),
                             ("action_id", "action"))
             if _text(r[f"{f}_avant"]) != _text(r[f"{f}_apres"])]
    return f"{r['indicateur_id']} modifié : {' ; '.join(parts)}"


def _total_lines(diff: PlanDiff) -> list[str]:
    out = []
    for r in diff.totaux.to_dict("records"):
        parts = []
        for key, name in (("unique", "ponctuel"), ("annuel", "annuel"), ("periode", "sur la période")):
            before = fmt.fourchette(r[f"{key}_min_avant"], r[f"{key}_max_avant"])
            after = fmt.fourchette(r[f"{key}_min_apres"], r[f"{key}_max_apres"])
            if before != after:
                parts.append(f"{name} {before} → {after}")
        if fmt.etp(r["etp_avant"]) != fmt.etp(r["etp_apres"]):
            parts.append(f"ETP {fmt.etp(r['etp_avant'])} → {fmt.etp(r['etp_apres'])}")
        if parts:
            out.append(f"Axe {int(r['axe'])} – {r['libelle']} : {' ; '.join(parts)}")
    a, b = diff.total_avant, diff.total_apres
    before, after = fmt.fourchette(a["periode_min"], a["periode_max"]), fmt.fourchette(b["periode_min"], b["periode_max"])
    if before != after:
        out.append(f"Total du plan sur la période : {before} → {after}")
    return out


def diff_lines(diff: PlanDiff) -> list[tuple[str, list[str]]]:
    """The diff as (section title, French lines), only the sections that changed, in reading order."""
    sections = []
    a = diff.actions
    for change, title in ((AJOUT, "Actions ajoutées"), (RETRAIT, "Actions retirées"), ("renommée", "Actions renommées")):
        rows = a[a["changement"] == change].to_dict("records")
        if not rows:
            continue
        if change == "renommée":
            items = [f"Action {int(r['action_id'])} : « {r['titre_avant']} » → « {r['titre_apres']} »" for r in rows]
        else:
            items = [f"{action_label(r['action_id'], r['titre_apres'] if change == AJOUT else r['titre_avant'], 80)}"
                     f" (axe {int(r['axe'])})" for r in rows]
        sections.append((title, items))
    for title, frame, line in (("Lignes de budget", diff.budget, _budget_line),
                               ("Effet sur les totaux par axe", None, None),
                               ("ETP", diff.etp, _etp_line),
                               ("Calendrier", diff.calendrier, _calendar_line),
                               ("Indicateurs", diff.indicateurs, _indicator_line)):
        items = _total_lines(diff) if frame is None else [line(r) for r in frame.to_dict("records")]
        if items:
            sections.append((title, items))
    hyp = [f"Action {int(r['action_id'])} · {r['parametre']} : {_change_word(r['changement'])} "
           f"{_text(r['valeur_avant'])} → {_text(r['valeur_apres'])}" for r in diff.hypotheses.to_dict("records")]
    if hyp:
        sections.append(("Hypothèses", hyp))
    cap = [f"{r['service']} {int(r['annee'])} : {_change_word(r['changement'])} "
           f"{fmt.etp(r['etp_disponibles_avant'])} → {fmt.etp(r['etp_disponibles_apres'])}"
           for r in diff.capacite.to_dict("records")]
    if cap:
        sections.append(("Capacité (ETP disponibles)", cap))
    return sections


def _count(n: int, one: str, many: str) -> str:
    return f"{fmt.nombre(n)} {one if n == 1 else many}"


def _signed(x: float) -> str:
    x = round(float(x))
    return fmt.euros(0) if x == 0 else ("+" if x > 0 else "−") + fmt.euros(abs(x))


def _signed_range(lo: float, hi: float) -> str:
    """A change of a euro range: `+50 000 €`, or `+20 000 à +50 000 €` when its two ends moved differently."""
    a, b = _signed(lo), _signed(hi)
    return a if a == b else f"{a.removesuffix(chr(160) + '€')} à {b}"


def _change_word(change: str) -> str:
    return {AJOUT: "ajoutée,", RETRAIT: "retirée,", MODIF: ""}.get(change, "").strip() or "valeur"


# --- référence contre courant (pages Calendrier et Budget) -------------------------------------

def ends_table(reference, plan, statuts, ref_label: str, cur_label: str, only_changed: bool = True,
               filters=None) -> pd.DataFrame:
    """« fin prévue (plan voté) → fin prévue (révision) → fin réelle » per action, French text."""
    if filters is not None:
        from dashboard.metrics import filter_plan  # noqa: PLC0415

        plan = filter_plan(plan, filters)
    e = compare_ends(reference, plan, statuts)
    if only_changed:
        e = e[e["change"]]
    return pd.DataFrame({
        "Action": [action_label(a, t, 60) for a, t in zip(e["action_id"], e["titre"], strict=True)],
        f"Fin prévue ({ref_label})": [_text(v) if d else "absente de cette version"
                                      for v, d in zip(e["fin_reference"], e["dans_reference"], strict=True)],
        f"Fin prévue ({cur_label})": [_text(v) for v in e["fin_prevue"]],
        "Fin réelle": [_text(v) for v in e["fin_reelle"]],
        "Écart": [_moved(m).strip(" ()") or "—" for m in e["mois"]],
    })


def budget_axes_table(reference, plan, filters=None) -> pd.DataFrame:
    """Per axe: budget over the period, one-off and per year, reference (« référence ») vs current
    (« en vigueur »), and the change over the period; French text (the sidebar's filters applied to both)."""
    if filters is not None:
        from dashboard.metrics import filter_plan  # noqa: PLC0415

        reference, plan = filter_plan(reference, filters), filter_plan(plan, filters)
    c = compare_axes(reference, plan)
    c = c[c["axe"].isin(plan.actions["axe"]) | c["axe"].isin(reference.actions["axe"])]

    def ranges(col: str, side: str) -> list[str]:
        return [fmt.fourchette(a, b) for a, b in zip(c[f"{col}_min_{side}"], c[f"{col}_max_{side}"], strict=True)]

    return pd.DataFrame({
        "Axe": [f"Axe {int(a)}" for a in c["axe"]],
        "Période, référence": ranges("periode", "avant"),
        "Période, en vigueur": ranges("periode", "apres"),
        "Écart sur la période": [_signed_range(a2 - a1, b2 - b1) for a1, a2, b1, b2 in zip(
            c["periode_min_avant"], c["periode_min_apres"], c["periode_max_avant"], c["periode_max_apres"],
            strict=True)],
        "Ponctuel, référence": ranges("unique", "avant"),
        "Ponctuel, en vigueur": ranges("unique", "apres"),
        "Par an, référence": ranges("annuel", "avant"),
        "Par an, en vigueur": ranges("annuel", "apres"),
    })


# --- diapositive du comité ----------------------------------------------------------------------

def slide_changes(reference, plan, ref_label: str, cur_label: str, axes=None):
    """« Ce qui a changé depuis le plan voté »: three big figures (actions, budget over the period,
    ends moved) in the deck's figures slide; the detail of every change in the speaker notes.
    Both plans as read from their workbooks (hypotheses not applied); `axes` as comite.slides."""
    from dashboard.metrics.plan_diff import plan_diff  # noqa: PLC0415
    from dashboard.present.comite import Chiffre, Item, Slide  # noqa: PLC0415
    from dashboard.present.textes import fourchette_courte  # noqa: PLC0415

    if axes:
        from dashboard.metrics import Filters, filter_plan  # noqa: PLC0415

        f = Filters(axes=tuple(int(x) for x in axes))
        reference, plan = filter_plan(reference, f), filter_plan(plan, f)
    diff = plan_diff(reference, plan)
    a = diff.actions
    added, removed = int((a["changement"] == AJOUT).sum()), int((a["changement"] == RETRAIT).sum())
    moved = diff.calendrier[diff.calendrier["changement"] == MODIF]
    # a boolean Series, never a bare list: an empty list would select no column (no row moved → KeyError)
    moved = moved[pd.Series([_text(x) != _text(y) for x, y in zip(moved["fin_prevue_avant"],
                                                                  moved["fin_prevue_apres"], strict=True)],
                            index=moved.index, dtype=bool)]
    n_moved = int(moved["action_id"].nunique())
    ta, tb = diff.total_avant, diff.total_apres
    delta = _signed_range(tb["periode_min"] - ta["periode_min"], tb["periode_max"] - ta["periode_max"])
    first, last = plan.periode
    if diff.empty:
        titre = f"La version en vigueur ({cur_label}) dit la même chose que le plan voté."
    else:
        bits = []
        if added:
            bits.append(_count(added, "action ajoutée", "actions ajoutées"))
        if removed:
            bits.append(_count(removed, "action retirée", "actions retirées"))
        if delta != fmt.euros(0):
            bits.append(f"budget {delta}")
        if n_moved:
            bits.append(_count(n_moved, "fin déplacée", "fins déplacées"))
        titre = "Depuis le plan voté : " + (", ".join(bits) if bits else _count(diff.n_changes, "changement",
                                                                                 "changements")) + "."
    items = tuple(Item(int(r["action_id"]), action_label(r["action_id"], r["titre_apres"], 60), "action ajoutée")
                  for r in a[a["changement"] == AJOUT].to_dict("records"))
    items += tuple(Item(int(r["action_id"]), f"Action {int(r['action_id'])} · {r['jalon']}",
                        f"fin prévue {_text(r['fin_prevue_avant'])} → {_text(r['fin_prevue_apres'])}")
                   for r in moved.to_dict("records") if int(r["action_id"]) in set(plan.actions["action_id"]))
    notes = " ".join(f"{title} : " + " ; ".join(lines) + "." for title, lines in diff_lines(diff))
    return Slide(
        key="changements", nom="Ce qui a changé", titre=titre,
        chiffres=(
            Chiffre(f"+{fmt.nombre(added)} / −{fmt.nombre(removed)}", "actions ajoutées / retirées"),
            Chiffre(delta, f"budget chiffré {first}-{last} : {fourchette_courte(ta['periode_min'], ta['periode_max'])}"
                           f" → {fourchette_courte(tb['periode_min'], tb['periode_max'])}"),
            Chiffre(fmt.nombre(n_moved), "action dont la fin prévue a bougé" if n_moved == 1
                    else "actions dont la fin prévue a bougé"),
        ),
        legende=(f"Comparaison du {ref_label[:1].lower() + ref_label[1:]} avec la version en vigueur ({cur_label}) : "
                 f"{fmt.nombre(diff.n_changes)} ligne(s) du classeur modifiée(s). Le détail est sur la page "
                 "« Données → Plan »."),
        items=items, notes=notes or "Aucun changement.",
    )


RETIRED = "indicateur retiré du plan"


def retired_table(plan, ind, known=None) -> pd.DataFrame:
    """The follow-up values of indicators removed from the plan, French text (« indicateur retiré du plan »)."""
    from dashboard.metrics.plan_diff import retired_values  # noqa: PLC0415
    from dashboard.present.textes import indicateur_texte  # noqa: PLC0415

    r = retired_values(plan, ind, known)
    return pd.DataFrame({
        "Identifiant": r["indicateur_id"].astype(str),
        "Indicateur": [f"{t} ({RETIRED})" if not _blank(t) else RETIRED for t in r["indicateur"]],
        "Année": [str(int(y)) for y in r["annee"]],
        "Résultat": [indicateur_texte(v, u if not _blank(u) else "nombre", d)
                     for v, u, d in zip(r["resultat"], r["unite"], r["date_resultat"], strict=True)],
        "Objectif": [indicateur_texte(v, u if not _blank(u) else "nombre")
                     for v, u in zip(r["objectif"], r["unite"], strict=True)],
        "Commentaire": r["commentaire"].fillna("").astype(str),
    })
