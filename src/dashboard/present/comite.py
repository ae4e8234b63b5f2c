"""The comité de direction's deck: one message per slide, computed from metrics.

Pure functions: `slides(plan, suivi, as_of)` builds the slides (a title that states the message,
one big chart or up to three big figures, a caption of what it leaves out, the actions behind it,
speaker notes naming the sources). The slides are drawn on a screen or as an HTML file by
`deck_html`, as PowerPoint and PDF by `deck_files`; one action in projector format is `diapo_action`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt, metrics
from dashboard.plan import Plan
from dashboard.present import charts, couleurs
from dashboard.present.projector import bars, projector, range_bars, rows_height
from dashboard.present.textes import actions_text, fourchette_courte, ids_text, pct_range, plural, short_text

DEMO_NOTE = " Valeurs de suivi de démonstration, fictives."


@dataclass(frozen=True)
class Chiffre:
    """One big figure of a slide: the value as read ("53", "421 500 €") and what it is."""

    valeur: str
    libelle: str


@dataclass(frozen=True)
class Item:
    """One action a slide summarizes (drill-down): its number, what the slide calls it, and why it is there."""

    action_id: int
    label: str
    detail: str = ""


@dataclass(frozen=True)
class Slide:
    """One screen: `nom` for the selector, `titre` the message, a chart or big figures, a caption;
    `items`: the actions behind the message, each opened from the slide; `notes` says where the figures
    come from (the speaker notes of the PowerPoint deck)."""

    key: str
    nom: str
    titre: str
    chiffres: tuple[Chiffre, ...] = ()
    figure: go.Figure | None = None
    legende: str = ""
    items: tuple[Item, ...] = ()
    notes: str = ""


def _by_axe(plan: Plan, ids) -> str:
    """`axe 1 : actions 1 et 4 ; axe 2 : action 11`: the given actions grouped by axe."""
    a = plan.actions[plan.actions["action_id"].isin(list(ids))]
    return " ; ".join(f"axe {int(axe)} : {actions_text(g['action_id'])}" for axe, g in a.groupby("axe")) or "aucune"


def _axe_text(axe: int, libelle: str, width: int = 30) -> str:
    libelle = str(libelle or "")
    short = libelle if len(libelle) <= width else libelle[: width - 1].rstrip(" ,;'") + "…"
    return f"{charts.axe_label(axe)}<br>{short}" if short else charts.axe_label(axe)


def action_name(action_id: int, titre, width: int = 60) -> str:
    """`n° 19 Titre court…` (the plan's action 21 has no title: `n° 21`)."""
    short = short_text(titre, width)
    return f"n°\u00a0{int(action_id)} {short}" if short else f"n°\u00a0{int(action_id)}"


def late_items(late: pd.DataFrame) -> tuple[Item, ...]:
    """The late actions (metrics.late_actions) as drill-down items: name, axe, months late."""
    return tuple(
        Item(int(r.action_id), action_name(r.action_id, r.titre),
             f"{charts.axe_label(r.axe)} · {fmt.mois(r.retard_mois)} de retard")
        for r in late.itertuples())


# --- Diapositives ----------------------------------------------------------------------------

def slide_chiffres(plan: Plan) -> Slide:
    """The plan in numbers: actions and axes, one-off and yearly budget ranges."""
    t = metrics.budget_totals(plan)
    n_actions, n_axes = len(plan.actions), plan.actions["axe"].nunique()
    first, last = plan.periode
    chiffrees = int((plan.actions["categorie_budget"] == "chiffré").sum())
    titre = (f"{plural(n_actions, 'action')} sur {plural(n_axes, 'axe')} pour {first}-{last} : "
             f"{fourchette_courte(t['periode_min'], t['periode_max'])} chiffrés.")
    return Slide(
        key="chiffres", nom="Le plan en chiffres", titre=titre,
        chiffres=(
            Chiffre(fmt.nombre(n_actions), f"actions sur {plural(n_axes, 'axe')}"),
            Chiffre(fourchette_courte(t["unique_min"], t["unique_max"]), "d'investissements ponctuels"),
            Chiffre(fourchette_courte(t["annuel_min"], t["annuel_max"]), "de dépenses récurrentes par an"),
        ),
        legende=(f"Seules {plural(chiffrees, 'action')} sur {fmt.nombre(n_actions)} ont un montant dans le plan ; "
                 "les autres (à définir, à budget constant, ressources internes, non renseigné) ne sont pas "
                 f"comptées. Total sur {first}-{last} = ponctuel + récurrent × années prévues."),
        notes=(f"Sources : classeur du plan, feuille Actions ({plural(n_actions, 'fiche')}, colonne « Catégorie "
               f"budget ») et feuille Budget ({plural(len(plan.budget), 'ligne')}), hypothèses de la feuille "
               "Hypothèses appliquées. Ponctuel : lignes « unique » ; récurrent : lignes « annuel ». "
               f"Actions chiffrées : {ids_text(plan.actions.loc[plan.actions['categorie_budget'] == 'chiffré', 'action_id'])}."),
    )


def slide_budget_axes(plan: Plan) -> Slide:
    """Money per axe over the period, as ranges; the title names the axe that takes the most."""
    by = metrics.budget_by(plan, "axe")
    by = by[by["axe"].isin(plan.actions["axe"])]
    t = metrics.budget_totals(plan)
    first, last = plan.periode
    titre = f"{fourchette_courte(t['periode_min'], t['periode_max'])} prévus sur {first}-{last}"
    if t["periode_max"] > 0 and len(by) > 1:
        lead = by.loc[by["periode_max"].idxmax()]
        share_lo = 100 * lead["periode_min"] / t["periode_min"] if t["periode_min"] else 0.0
        share_hi = 100 * lead["periode_max"] / t["periode_max"]
        titre += f", dont {pct_range(share_lo, share_hi)} sur l'axe {int(lead['axe'])}"
    fig = range_bars([_axe_text(r.axe, r.libelle) for r in by.itertuples()], by["periode_min"],
                      by["periode_max"], [charts.axe_color(a) for a in by["axe"]])
    nc = metrics.non_comptes(plan)
    sans = int((plan.actions["categorie_budget"] != "chiffré").sum())
    par_unite = int(nc["motif"].str.contains("quantité non fixée", regex=False).sum())
    legende = (f"Total de {first} à {last} : dépenses ponctuelles + dépenses annuelles × années prévues ; "
               "barre pleine jusqu'au minimum, claire jusqu'au maximum. Ne compte pas : "
               f"{plural(sans, 'action')} sans montant dans le plan")
    if par_unite:
        legende += f", {plural(par_unite, 'ligne')} « par unité » sans quantité fixée"
    chiffrees = plan.actions.loc[plan.actions["categorie_budget"] == "chiffré", "action_id"]
    notes = (f"Sources : feuille Budget du classeur du plan ({plural(len(plan.budget), 'ligne')}), "
             f"hypothèses appliquées ; par axe, {_by_axe(plan, chiffrees)}.")
    if par_unite:
        sans_qte = nc.loc[nc["motif"].str.contains("quantité non fixée", regex=False), "action_id"]
        notes += f" Ligne « par unité » sans quantité (feuille Hypothèses) : {actions_text(sans_qte)}."
    return Slide(key="budget", nom="Budget par axe", titre=titre + ".", figure=projector(fig, rows_height(len(by))),
                 legende=legende + ".", notes=notes)


def slide_etp_axes(plan: Plan) -> Slide:
    """Staff time per axe; the title names the axe that takes the most."""
    by = metrics.etp_by(plan, "axe")
    by = by[by["axe"].isin(plan.actions["axe"])]
    total = float(by["etp"].sum())
    if total > 0:
        lead = by.loc[by["etp"].idxmax()]
        titre = f"{fmt.etp(total)} prévus"
        if len(by) > 1:
            titre += f", dont {fmt.pct(lead['part'])} sur l'axe {int(lead['axe'])}"
    else:
        titre = "Le plan ne chiffre aucun temps de travail (ETP)"
    fig = bars([_axe_text(r.axe, r.libelle) for r in by.itertuples()], by["etp"],
                [charts.axe_color(a) for a in by["axe"]], suffix="\u00a0ETP")
    non_chiffres = metrics.etp_non_chiffres(plan)
    with_etp = set(plan.etp["action_id"])
    sans = int((~plan.actions["action_id"].isin(with_etp)).sum())
    legende = (f"ETP : équivalents temps plein par an, somme des lignes du plan. Ne compte pas : "
               f"{plural(sans, 'action')} dont le plan ne chiffre pas le temps de travail")
    if len(non_chiffres):
        legende += (f", {plural(len(non_chiffres), 'ligne')} où le plan cite un service sans "
                    "donner de nombre d'ETP")
    notes = (f"Sources : feuille ETP du classeur du plan ({plural(len(plan.etp), 'ligne')}) ; "
             f"par axe, {_by_axe(plan, with_etp)}.")
    if len(non_chiffres):
        notes += f" Service cité sans nombre d'ETP : {actions_text(non_chiffres['action_id'])}."
    return Slide(key="etp", nom="ETP par axe", titre=titre + ".", figure=projector(fig, rows_height(len(by))),
                 legende=legende + ".", notes=notes)


def slide_non_comptes(plan: Plan) -> Slide:
    """What the totals leave out: the actions per budget category."""
    cats = metrics.categories_count(plan)
    n = len(plan.actions)
    sans = int(cats.loc[cats["categorie_budget"] != "chiffré", "actions"].sum())
    verbe = "n'a" if sans <= 1 else "n'ont"
    titre = f"{plural(sans, 'action')} sur {fmt.nombre(n)} {verbe} pas de montant dans le plan"
    colors = [charts.PALETTE[0] if c == "chiffré" else charts.GREY for c in cats["categorie_budget"]]
    labels = [c[0].upper() + c[1:] for c in cats["categorie_budget"]]
    fig = bars(labels, cats["actions"], colors, suffix="\u00a0actions")
    fig.update_traces(texttemplate="%{x} actions")
    nc = metrics.non_comptes(plan)
    extra = []
    for motif, label in (("quantité non fixée", "ligne « par unité » sans quantité fixée (hors totaux)"),
                         ("dépense ponctuelle sans année", "dépense ponctuelle sans année (hors projection annuelle)")):
        k = int(nc["motif"].str.contains(motif, regex=False).sum())
        if k:
            extra.append(f"{fmt.nombre(k)} {label}")
    legende = ("Catégorie budget de chaque action, d'après le texte « Budget prévisionnel » du plan. "
               "Seules les actions « chiffré » entrent dans les totaux")
    legende += (" ; s'y ajoutent : " + ", ".join(extra) + ".") if extra else "."
    lines = nc[~nc["motif"].str.startswith("budget «")]
    items = tuple(Item(int(r.action_id), action_name(r.action_id, r.titre), str(r.motif)) for r in lines.itertuples())
    a = plan.actions
    notes = "Sources : feuille Actions du classeur du plan, colonne « Catégorie budget ». " + " ; ".join(
        f"{c} : {actions_text(a.loc[a['categorie_budget'] == c, 'action_id'])}" for c in cats["categorie_budget"]) + "."
    return Slide(key="non_comptes", nom="Non comptés", titre=titre + ".",
                 figure=projector(fig, rows_height(len(cats))), legende=legende, items=items, notes=notes)


def slide_calendrier(plan: Plan, statuts: pd.DataFrame | None, as_of=None) -> Slide:
    """Late actions once statuses are imported; else how much of the plan is dated."""
    at = metrics.as_timestamp(as_of)
    n = len(plan.actions)
    if statuts is None or len(statuts) == 0:
        pp = metrics.planned_periods(plan)
        datees = int(pp["datee"].sum())
        recurrentes = int((pp["recurrence"] != "aucune").sum())
        return Slide(
            key="calendrier", nom="Retards",
            titre=(f"{plural(datees, 'action')} sur {fmt.nombre(n)} {'a' if datees <= 1 else 'ont'} un calendrier "
                   "daté ; aucun suivi d'avancement importé à ce jour."),
            chiffres=(Chiffre(fmt.nombre(datees), "actions datées dans le plan"),
                      Chiffre(fmt.nombre(recurrentes), "actions récurrentes (chaque année, chaque été…)"),
                      Chiffre(fmt.nombre(n - datees), "actions sans date dans le plan")),
            legende="Les retards s'affichent ici dès que le suivi annuel (statuts des actions) est importé.",
            notes=("Sources : feuille Calendrier du classeur du plan (dates prévues, récurrence). "
                   f"Actions sans date : {ids_text(pp.loc[~pp['datee'], 'action_id'])}."),
        )
    counts = metrics.status_counts_by_axe(plan, statuts, at)
    late = metrics.late_actions(plan, statuts, at)
    suivies = int(counts[[c for c in metrics.SITUATIONS if c != "sans suivi"]].sum().sum())
    titre = (f"{plural(len(late), 'action')} en retard au {fmt.jour(at)}, sur {plural(suivies, 'action')} "
             f"{'suivie' if suivies <= 1 else 'suivies'}"
             if len(late) else f"Aucune action en retard au {fmt.jour(at)} ({plural(suivies, 'action')} "
             f"{'suivie' if suivies <= 1 else 'suivies'})")
    fig = go.Figure()
    labels = [_axe_text(r.axe, r.libelle, 24) for r in counts.itertuples()]
    for situation in metrics.SITUATIONS:
        values = counts[situation]
        if values.sum() == 0:
            continue
        fig.add_trace(go.Bar(y=labels, x=values, name=situation.capitalize(), orientation="h",
                             **charts.filled(couleurs.situation_color(situation)),
                             text=[str(int(v)) if v else "" for v in values], textposition="inside",
                             hovertemplate="%{y} : %{x} action(s)<extra>" + situation + "</extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_xaxes(title="Actions", rangemode="tozero")
    legende = ("En retard : fin prévue (ou révisée) passée, action ni réalisée ni abandonnée. "
               "« Sans suivi » : pas de statut importé ; une action sans date de fin dans le plan n'est jamais en retard.")
    notes = _late_notes(late, at)
    return Slide(key="calendrier", nom="Retards", titre=titre + ".",
                 figure=projector(fig, rows_height(len(counts)) + 40),
                 legende=legende, items=late_items(late), notes=notes)


def _late_notes(late: pd.DataFrame, at) -> str:
    """Speaker notes of a slide about late actions: where the dates come from, each late action named."""
    return (f"Sources : feuille Calendrier du classeur du plan (fins prévues) et feuille Avancement du suivi "
            f"importé (statut, fin révisée), situation au {fmt.jour(at)}. En retard : "
            + (" ; ".join(f"action {int(r.action_id)} « {r.titre} » ({fmt.mois(r.retard_mois)} de retard)"
                         for r in late.itertuples()) if len(late) else "aucune action") + ".")


def slide_retards(plan: Plan, statuts: pd.DataFrame | None, as_of=None) -> Slide | None:
    """The late actions by name (the most overdue first), or None when no action is late."""
    if statuts is None or len(statuts) == 0:
        return None
    at = metrics.as_timestamp(as_of)
    late = metrics.late_actions(plan, statuts, at)
    if late.empty:
        return None
    oldest = late.iloc[0]
    titre = (f"{'L’action en retard' if len(late) == 1 else f'Les {fmt.nombre(len(late))} actions en retard'} "
             f"au {fmt.jour(at)} : la plus ancienne, n°\u00a0{int(oldest['action_id'])}, "
             f"a {fmt.mois(oldest['retard_mois'])} de retard")
    if len(late) == 1:
        titre = (f"L’action en retard au {fmt.jour(at)}, n°\u00a0{int(oldest['action_id'])}, "
                 f"a {fmt.mois(oldest['retard_mois'])} de retard")
    legende = ("Retard : mois écoulés depuis la fin prévue par le plan (ou la fin révisée quand le plan n'en "
               "donne pas), pour une action ni réalisée ni abandonnée. Chaque action ouvre sa fiche.")
    return Slide(key="retards", nom="Actions en retard", titre=titre + ".", legende=legende,
                 items=late_items(late), notes=_late_notes(late, at))


def _completude_bars(par_porteur: pd.DataFrame) -> go.Figure:
    """Per porteur: indicators with a result (blue) and still to collect (orange), "41 sur 58" at the end."""
    d = par_porteur
    fig = go.Figure()
    for col, name, color in (("renseignes", "Renseignés", charts.FAVORABLE_COLOR), ("manquants", "À collecter", couleurs.A_COLLECTER)):
        fig.add_trace(go.Bar(y=list(d["porteur"]), x=list(d[col]), name=name, orientation="h", marker_color=color,
                             hovertemplate="%{y} : %{x} indicateur(s)<extra>" + name + "</extra>"))
    fig.add_trace(go.Scatter(
        y=list(d["porteur"]), x=list(d["indicateurs"]), mode="text", showlegend=False, hoverinfo="skip",
        text=[f"  {fmt.nombre(r)} sur {fmt.nombre(t)}" for r, t in zip(d["renseignes"], d["indicateurs"], strict=True)],
        textposition="middle right", cliponaxis=False,
    ))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_xaxes(rangemode="tozero", range=[0, max([float(x) for x in d["indicateurs"]] + [1.0]) * 1.3], nticks=6)
    return fig


def _latest_year(plan: Plan, ind: pd.DataFrame | None) -> int | None:
    if ind is None or len(ind) == 0:
        return None
    v = metrics.indicateur_valeurs(plan, ind)
    v = v[v["renseigne"]]
    return int(v["annee"].max()) if len(v) else None


def slide_indicateurs(plan: Plan, ind: pd.DataFrame | None) -> Slide:
    """How many indicators have a result for the latest year, and how many improved."""
    n = len(plan.indicateurs)
    types = plan.indicateurs["type"].value_counts()
    year = _latest_year(plan, ind)
    if year is None:
        sans = int((~plan.actions["action_id"].isin(plan.indicateurs["action_id"])).sum())
        return Slide(
            key="indicateurs", nom="Indicateurs",
            titre=f"{plural(n, 'indicateur')} à suivre ; aucun résultat importé à ce jour.",
            chiffres=(Chiffre(fmt.nombre(int(types.get("quantitatif", 0))), "indicateurs chiffrés"),
                      Chiffre(fmt.nombre(int(types.get("jalon", 0))), "jalons (label obtenu, arrêté…)"),
                      Chiffre(fmt.nombre(sans), "actions sans indicateur dans le plan")),
            legende="Les résultats s'affichent ici dès que le suivi annuel (feuille Indicateurs) est importé.",
            notes=(f"Sources : feuille Indicateurs du classeur du plan ({plural(n, 'indicateur')}, colonne Type). "
                   "Actions sans indicateur : "
                   f"{ids_text(plan.actions.loc[~plan.actions['action_id'].isin(plan.indicateurs['action_id']), 'action_id'])}."),
        )
    c = metrics.completude(plan, ind, year)
    tab = metrics.tableau_indicateurs(plan, ind, year)
    tab = tab[tab["annee_valeur"] == year]
    better = int((tab["appreciation"] == metrics.FAVORABLE).sum())
    worse = int((tab["appreciation"] == metrics.DEFAVORABLE).sum())
    titre = (f"{plural(c.renseignes, 'indicateur')} sur {fmt.nombre(c.total)} "
             f"{'renseigné' if c.renseignes <= 1 else 'renseignés'} pour {year}")
    if better or worse:
        titre += f" : {fmt.nombre(better)} en progrès, {fmt.nombre(worse)} en recul sur un an"
    fig = _completude_bars(c.par_porteur)
    legende = (f"Par porteur (maîtrise d'ouvrage) : indicateurs renseignés pour {year} et restant à collecter. "
               "Progrès / recul : résultat comparé à celui de l'année précédente, selon le sens attendu "
               "(hausse ou baisse) ; les jalons et les indicateurs sans valeur l'an passé n'y entrent pas.")
    recul = tab[tab["appreciation"] == metrics.DEFAVORABLE].sort_values(["action_id", "indicateur_id"])
    items = tuple(Item(int(r.action_id), f"{r.indicateur_id} {short_text(r.indicateur, 50)}",
                       f"action n°\u00a0{int(r.action_id)} · en recul sur un an") for r in recul.itertuples())
    manquants = c.detail.loc[c.detail["statut"] == metrics.A_COLLECTER, "action_id"]
    notes = (f"Sources : feuille Indicateurs du classeur du plan ({plural(c.total, 'indicateur')}) et feuille "
             f"Indicateurs du suivi importé, colonnes « {year} Résultat » ; porteur : colonne « Maîtrise "
             f"d'ouvrage » de la feuille Actions. Indicateurs à collecter : {actions_text(manquants)}.")
    return Slide(key="indicateurs", nom="Indicateurs", titre=titre + ".",
                 figure=projector(fig, rows_height(len(c.par_porteur))), legende=legende, items=items, notes=notes)


def slides(plan: Plan, suivi=None, as_of=None, axes=None, changes: Slide | None = None,
           depuis: Slide | None = None) -> list[Slide]:
    """Every slide of the deck, in order, for the (hypotheses-applied) plan and the follow-up;
    `axes` (e.g. [1, 3]) restricts every figure to those axes' actions; `changes`: the « ce qui a
    changé depuis le plan voté » slide (present.plan_changes), second when there is one; `depuis`: the
    « depuis le dernier comité » slide (present.depuis), right after the figures."""
    if axes:
        plan = metrics.filter_plan(plan, metrics.Filters(axes=tuple(int(a) for a in axes)))
    statuts = getattr(suivi, "statuts", None)
    ind = getattr(suivi, "indicateurs", None)
    follow_up = [slide_calendrier(plan, statuts, as_of), slide_retards(plan, statuts, as_of),
                 slide_indicateurs(plan, ind)]
    follow_up = [s for s in follow_up if s is not None]
    if getattr(suivi, "demo", False):  # the comité must know the follow-up figures are not real
        follow_up = [replace(s, legende=s.legende + DEMO_NOTE) for s in follow_up]
    first = [slide_chiffres(plan), *([depuis] if depuis is not None else []), *([changes] if changes is not None else [])]
    return [*first, slide_budget_axes(plan), slide_etp_axes(plan), slide_non_comptes(plan), *follow_up]


# --- Une action en grand (projecteur) ---------------------------------------------------------


def parse_slide_param(value, count: int) -> tuple[int, str | None]:
    """The slide index (0-based) of `?diapo=N` (1-based), with a French message when N is not a slide."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0, None
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    text = str(value).strip()
    if not re.fullmatch(r"\d+", text):
        return 0, f"« {text} » n'est pas un numéro de diapositive : la présentation reprend à la première."
    n = int(text)
    if not 1 <= n <= count:
        return 0, f"La diapositive n° {n} n'existe pas (il y en a {count}) : la présentation reprend à la première."
    return n - 1, None


# Clicker keys, as in the app's projector mode: one slide per key press.


