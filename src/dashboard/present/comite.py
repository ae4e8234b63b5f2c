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
from dashboard.present import charts

# Projector sizes: legible from the back of a meeting room.
FONT_SIZE = 24
TICK_SIZE = 22
FIG_HEIGHT = 560
INK = "#1B1F24"
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


# --- Formats courts (titres) -----------------------------------------------------------------

def montant_court(x) -> str:
    """`1,8 M€` from a million up, else `421 500 €`: euros as said aloud in a meeting."""
    if x is None or pd.isna(x):
        return "—"
    if abs(float(x)) >= 1_000_000:
        return f"{fmt.nombre(float(x) / 1_000_000, 1)}\u00a0M€"
    return fmt.euros(x)


def fourchette_courte(lo, hi) -> str:
    """`1,8 à 1,9 M€`, `421 500 à 441 500 €`, or one figure when both read the same."""
    a, b = montant_court(lo), montant_court(hi)
    if a == b:
        return a
    if a.endswith("M€") and b.endswith("M€"):
        return f"{a.removesuffix(chr(0xa0) + 'M€')} à {b}"
    if a.endswith("€") and b.endswith("€") and not a.endswith("M€") and not b.endswith("M€"):
        return f"{a.removesuffix(chr(0xa0) + '€')} à {b}"
    return f"{a} à {b}"


def pct_range(lo: float, hi: float) -> str:
    """`63 %`, or `62 à 63 %` when the share differs between the minimum and the maximum."""
    a, b = sorted((round(lo), round(hi)))
    return fmt.pct(a) if a == b else f"{fmt.nombre(a)} à {fmt.pct(b)}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{fmt.nombre(n)} {one if n == 1 else (many or one + 's')}"


def _ids(ids) -> str:
    """`1, 4 et 11`: action numbers as read aloud, in order, or « aucune »."""
    n = sorted({int(i) for i in ids})
    if not n:
        return "aucune"
    return ", ".join(map(str, n[:-1])) + (" et " if len(n) > 1 else "") + str(n[-1])


def _actions(ids) -> str:
    """`actions 1, 4 et 11` / `action 7` / `aucune action`."""
    n = {int(i) for i in ids}
    return "aucune action" if not n else f"{'action' if len(n) == 1 else 'actions'} {_ids(n)}"


def _by_axe(plan: Plan, ids) -> str:
    """`axe 1 : actions 1 et 4 ; axe 2 : action 11`: the given actions grouped by axe."""
    a = plan.actions[plan.actions["action_id"].isin(list(ids))]
    return " ; ".join(f"axe {int(axe)} : {_actions(g['action_id'])}" for axe, g in a.groupby("axe")) or "aucune"


def _axe_text(axe: int, libelle: str, width: int = 30) -> str:
    libelle = str(libelle or "")
    short = libelle if len(libelle) <= width else libelle[: width - 1].rstrip(" ,;'") + "…"
    return f"{charts.axe_label(axe)}<br>{short}" if short else charts.axe_label(axe)


def short_text(text, width: int = 60) -> str:
    """A title cut at a word boundary with an ellipsis, so a list row stays on one or two lines."""
    text = " ".join(str(text or "").split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:'’-–") + "…"


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


# --- Mise en forme projecteur ----------------------------------------------------------------

def _has_legend(fig: go.Figure) -> bool:
    shown = [t for t in fig.data if t.showlegend is not False]
    return len(shown) > 1


def projector(fig: go.Figure, height: int = FIG_HEIGHT) -> go.Figure:
    """Big fonts everywhere (≥ 22 px), no figure title (the slide's title says it), French separators."""
    charts.style(fig, "", height=height)
    fig.update_layout(
        title=None, font={"size": FONT_SIZE, "color": INK}, legend={"font": {"size": TICK_SIZE}, "traceorder": "normal"},
        margin={"l": 10, "r": 40, "t": 60 if _has_legend(fig) else 10, "b": 10},
        hoverlabel={"font_size": TICK_SIZE},
        uniformtext={"minsize": TICK_SIZE, "mode": "show"},  # no label shrunk inside a thin bar
    )
    # automargin: the margins grow to hold the tick labels, which a fixed 10-pixel margin clipped
    fig.update_xaxes(tickfont={"size": TICK_SIZE, "color": INK}, title_font_size=TICK_SIZE, automargin=True)
    fig.update_yaxes(tickfont={"size": TICK_SIZE, "color": INK}, title_font_size=TICK_SIZE, automargin=True)
    fig.update_annotations(font_size=TICK_SIZE)
    for trace in fig.data:
        if "textfont" in trace:
            trace.textfont.size = FONT_SIZE
    return fig


def rows_height(rows: int) -> int:
    """A chart tall enough for its bars at projector sizes, short enough to fit a 900-pixel screen."""
    return int(min(FIG_HEIGHT, max(360, 110 + 78 * rows)))


def _range_bars(labels, lo, hi, colors) -> go.Figure:
    """Horizontal ranges (solid to the minimum, light to the maximum), the short range written at the end."""
    fig = go.Figure(charts.range_traces(labels, lo, hi, colors))
    fig.data[1].text = [fourchette_courte(a, b) if b else "0\u00a0€" for a, b in zip(lo, hi, strict=True)]
    fig.update_layout(barmode="stack")
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    top = max([float(x) for x in hi] + [1.0])
    fig.update_xaxes(ticksuffix="\u00a0€", tickformat=",.0f", rangemode="tozero", range=[0, top * 1.4], nticks=5)
    return fig


def _bars(labels, values, colors, suffix: str = "") -> go.Figure:
    """Horizontal bars with their value at the end."""
    texts = [f"{fmt.nombre(v, 2)}{suffix}" for v in values]
    fig = go.Figure(go.Bar(y=list(labels), x=[float(v) for v in values], orientation="h",
                           marker_color=list(colors), text=texts, textposition="outside", cliponaxis=False,
                           hovertemplate="%{y} : %{text}<extra></extra>"))
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_xaxes(rangemode="tozero", range=[0, max([float(v) for v in values] + [1.0]) * 1.3], nticks=5)
    return fig


# --- Diapositives ----------------------------------------------------------------------------

def slide_chiffres(plan: Plan) -> Slide:
    """The plan in numbers: actions and axes, one-off and yearly budget ranges."""
    t = metrics.budget_totals(plan)
    n_actions, n_axes = len(plan.actions), plan.actions["axe"].nunique()
    first, last = plan.periode
    chiffrees = int((plan.actions["categorie_budget"] == "chiffré").sum())
    titre = (f"{_plural(n_actions, 'action')} sur {_plural(n_axes, 'axe')} pour {first}-{last} : "
             f"{fourchette_courte(t['periode_min'], t['periode_max'])} chiffrés.")
    return Slide(
        key="chiffres", nom="Le plan en chiffres", titre=titre,
        chiffres=(
            Chiffre(fmt.nombre(n_actions), f"actions sur {_plural(n_axes, 'axe')}"),
            Chiffre(fourchette_courte(t["unique_min"], t["unique_max"]), "d'investissements ponctuels"),
            Chiffre(fourchette_courte(t["annuel_min"], t["annuel_max"]), "de dépenses récurrentes par an"),
        ),
        legende=(f"Seules {_plural(chiffrees, 'action')} sur {fmt.nombre(n_actions)} ont un montant dans le plan ; "
                 "les autres (à définir, à budget constant, ressources internes, non renseigné) ne sont pas "
                 f"comptées. Total sur {first}-{last} = ponctuel + récurrent × années prévues."),
        notes=(f"Sources : classeur du plan, feuille Actions ({_plural(n_actions, 'fiche')}, colonne « Catégorie "
               f"budget ») et feuille Budget ({_plural(len(plan.budget), 'ligne')}), hypothèses de la feuille "
               "Hypothèses appliquées. Ponctuel : lignes « unique » ; récurrent : lignes « annuel ». "
               f"Actions chiffrées : {_ids(plan.actions.loc[plan.actions['categorie_budget'] == 'chiffré', 'action_id'])}."),
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
    fig = _range_bars([_axe_text(r.axe, r.libelle) for r in by.itertuples()], by["periode_min"],
                      by["periode_max"], [charts.axe_color(a) for a in by["axe"]])
    nc = metrics.non_comptes(plan)
    sans = int((plan.actions["categorie_budget"] != "chiffré").sum())
    par_unite = int(nc["motif"].str.contains("quantité non fixée", regex=False).sum())
    legende = (f"Total de {first} à {last} : dépenses ponctuelles + dépenses annuelles × années prévues ; "
               "barre pleine jusqu'au minimum, claire jusqu'au maximum. Ne compte pas : "
               f"{_plural(sans, 'action')} sans montant dans le plan")
    if par_unite:
        legende += f", {_plural(par_unite, 'ligne')} « par unité » sans quantité fixée"
    chiffrees = plan.actions.loc[plan.actions["categorie_budget"] == "chiffré", "action_id"]
    notes = (f"Sources : feuille Budget du classeur du plan ({_plural(len(plan.budget), 'ligne')}), "
             f"hypothèses appliquées ; par axe, {_by_axe(plan, chiffrees)}.")
    if par_unite:
        sans_qte = nc.loc[nc["motif"].str.contains("quantité non fixée", regex=False), "action_id"]
        notes += f" Ligne « par unité » sans quantité (feuille Hypothèses) : {_actions(sans_qte)}."
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
    fig = _bars([_axe_text(r.axe, r.libelle) for r in by.itertuples()], by["etp"],
                [charts.axe_color(a) for a in by["axe"]], suffix="\u00a0ETP")
    non_chiffres = metrics.etp_non_chiffres(plan)
    with_etp = set(plan.etp["action_id"])
    sans = int((~plan.actions["action_id"].isin(with_etp)).sum())
    legende = (f"ETP : équivalents temps plein par an, somme des lignes du plan. Ne compte pas : "
               f"{_plural(sans, 'action')} dont le plan ne chiffre pas le temps de travail")
    if len(non_chiffres):
        legende += (f", {_plural(len(non_chiffres), 'ligne')} où le plan cite un service sans "
                    "donner de nombre d'ETP")
    notes = (f"Sources : feuille ETP du classeur du plan ({_plural(len(plan.etp), 'ligne')}) ; "
             f"par axe, {_by_axe(plan, with_etp)}.")
    if len(non_chiffres):
        notes += f" Service cité sans nombre d'ETP : {_actions(non_chiffres['action_id'])}."
    return Slide(key="etp", nom="ETP par axe", titre=titre + ".", figure=projector(fig, rows_height(len(by))),
                 legende=legende + ".", notes=notes)


def slide_non_comptes(plan: Plan) -> Slide:
    """What the totals leave out: the actions per budget category."""
    cats = metrics.categories_count(plan)
    n = len(plan.actions)
    sans = int(cats.loc[cats["categorie_budget"] != "chiffré", "actions"].sum())
    verbe = "n'a" if sans <= 1 else "n'ont"
    titre = f"{_plural(sans, 'action')} sur {fmt.nombre(n)} {verbe} pas de montant dans le plan"
    colors = [charts.PALETTE[0] if c == "chiffré" else charts.GREY for c in cats["categorie_budget"]]
    labels = [c[0].upper() + c[1:] for c in cats["categorie_budget"]]
    fig = _bars(labels, cats["actions"], colors, suffix="\u00a0actions")
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
        f"{c} : {_actions(a.loc[a['categorie_budget'] == c, 'action_id'])}" for c in cats["categorie_budget"]) + "."
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
            titre=(f"{_plural(datees, 'action')} sur {fmt.nombre(n)} {'a' if datees <= 1 else 'ont'} un calendrier "
                   "daté ; aucun suivi d'avancement importé à ce jour."),
            chiffres=(Chiffre(fmt.nombre(datees), "actions datées dans le plan"),
                      Chiffre(fmt.nombre(recurrentes), "actions récurrentes (chaque année, chaque été…)"),
                      Chiffre(fmt.nombre(n - datees), "actions sans date dans le plan")),
            legende="Les retards s'affichent ici dès que le suivi annuel (statuts des actions) est importé.",
            notes=("Sources : feuille Calendrier du classeur du plan (dates prévues, récurrence). "
                   f"Actions sans date : {_ids(pp.loc[~pp['datee'], 'action_id'])}."),
        )
    counts = metrics.status_counts_by_axe(plan, statuts, at)
    late = metrics.late_actions(plan, statuts, at)
    suivies = int(counts[[c for c in metrics.SITUATIONS if c != "sans suivi"]].sum().sum())
    titre = (f"{_plural(len(late), 'action')} en retard au {fmt.jour(at)}, sur {_plural(suivies, 'action')} "
             f"{'suivie' if suivies <= 1 else 'suivies'}"
             if len(late) else f"Aucune action en retard au {fmt.jour(at)} ({_plural(suivies, 'action')} "
             f"{'suivie' if suivies <= 1 else 'suivies'})")
    fig = go.Figure()
    colors = {"réalisée": "#009E73", "dans les temps": "#56B4E9", "en retard": "#D55E00",
              "non démarrée": "#E69F00", "reportée": "#CC79A7", "abandonnée": "#000000", "sans suivi": charts.GREY}
    labels = [_axe_text(r.axe, r.libelle, 24) for r in counts.itertuples()]
    for situation in metrics.SITUATIONS:
        values = counts[situation]
        if values.sum() == 0:
            continue
        fig.add_trace(go.Bar(y=labels, x=values, name=situation.capitalize(), orientation="h",
                             marker_color=colors.get(situation, charts.GREY),
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
    for col, name, color in (("renseignes", "Renseignés", charts.FAVORABLE_COLOR), ("manquants", "À collecter", "#E69F00")):
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
            titre=f"{_plural(n, 'indicateur')} à suivre ; aucun résultat importé à ce jour.",
            chiffres=(Chiffre(fmt.nombre(int(types.get("quantitatif", 0))), "indicateurs chiffrés"),
                      Chiffre(fmt.nombre(int(types.get("jalon", 0))), "jalons (label obtenu, arrêté…)"),
                      Chiffre(fmt.nombre(sans), "actions sans indicateur dans le plan")),
            legende="Les résultats s'affichent ici dès que le suivi annuel (feuille Indicateurs) est importé.",
            notes=(f"Sources : feuille Indicateurs du classeur du plan ({_plural(n, 'indicateur')}, colonne Type). "
                   "Actions sans indicateur : "
                   f"{_ids(plan.actions.loc[~plan.actions['action_id'].isin(plan.indicateurs['action_id']), 'action_id'])}."),
        )
    c = metrics.completude(plan, ind, year)
    tab = metrics.tableau_indicateurs(plan, ind, year)
    tab = tab[tab["annee_valeur"] == year]
    better = int((tab["appreciation"] == metrics.FAVORABLE).sum())
    worse = int((tab["appreciation"] == metrics.DEFAVORABLE).sum())
    titre = (f"{_plural(c.renseignes, 'indicateur')} sur {fmt.nombre(c.total)} "
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
    notes = (f"Sources : feuille Indicateurs du classeur du plan ({_plural(c.total, 'indicateur')}) et feuille "
             f"Indicateurs du suivi importé, colonnes « {year} Résultat » ; porteur : colonne « Maîtrise "
             f"d'ouvrage » de la feuille Actions. Indicateurs à collecter : {_actions(manquants)}.")
    return Slide(key="indicateurs", nom="Indicateurs", titre=titre + ".",
                 figure=projector(fig, rows_height(len(c.par_porteur))), legende=legende, items=items, notes=notes)


def slides(plan: Plan, suivi=None, as_of=None, axes=None) -> list[Slide]:
    """Every slide of the deck, in order, for the (hypotheses-applied) plan and the follow-up;
    `axes` (e.g. [1, 3]) restricts every figure to those axes' actions."""
    if axes:
        plan = metrics.filter_plan(plan, metrics.Filters(axes=tuple(int(a) for a in axes)))
    statuts = getattr(suivi, "statuts", None)
    ind = getattr(suivi, "indicateurs", None)
    follow_up = [slide_calendrier(plan, statuts, as_of), slide_retards(plan, statuts, as_of),
                 slide_indicateurs(plan, ind)]
    follow_up = [s for s in follow_up if s is not None]
    if getattr(suivi, "demo", False):  # the comité must know the follow-up figures are not real
        follow_up = [replace(s, legende=s.legende + DEMO_NOTE) for s in follow_up]
    return [slide_chiffres(plan), slide_budget_axes(plan), slide_etp_axes(plan), slide_non_comptes(plan), *follow_up]


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


