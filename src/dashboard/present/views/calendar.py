"""Calendrier & retards: what the plan planned when, what it leaves undated, what is late and by how much.

Builds the page's `CalendarView` (the plan's calendar, seen on a date) and `Progress` (the
follow-up's statuses on that date): figures, and tables already shaped for the screen (French
headers, dates and months as French text, « — » for an unknown date). Every figure comes from
`metrics`; this module only picks, formats and draws them. It never imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt, metrics
from dashboard.plan import Plan
from dashboard.present import charts, charts_calendar


def _dates(s: pd.Series) -> list[str]:
    return [fmt.jour(x) if pd.notna(x) else "—" for x in s]


def _months(s: pd.Series) -> list[str]:
    return [fmt.mois(x) if pd.notna(x) else "—" for x in s]


SLIPPAGE_MAX = 100  # actions drawn on the slippage chart (the largest slippages beyond)
GANTT_PAGE = 100  # actions on one Gantt: one legible row each on a screen, drawn in well under a second


def gantt_pages(periods: pd.DataFrame) -> list[pd.DataFrame]:
    """The timeline's rows (axe, then action number) in pages of GANTT_PAGE actions."""
    rows = periods.sort_values(["axe", "action_id"]).reset_index(drop=True)
    return [rows.iloc[i:i + GANTT_PAGE] for i in range(0, max(len(rows), 1), GANTT_PAGE)]


def _page_label(rows: pd.DataFrame) -> str:
    """« Axe 1, n° 1 à Axe 2, n° 107 (100 actions) »: where a page of the Gantt starts and ends."""
    first, last = rows.iloc[0], rows.iloc[-1]
    return (f"axe {int(first['axe'])}, n° {int(first['action_id'])} à axe {int(last['axe'])}, "
            f"n° {int(last['action_id'])} ({fmt.nombre(len(rows))} actions)")


def _shown(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The columns the reader sees, in order, under their French headers."""
    return df[list(columns)].rename(columns=columns)


@dataclass(frozen=True)
class CalendarView:
    """What the Calendrier page shows of the plan itself (filters applied, seen on `as_of`)."""

    periode: tuple[int, int]
    empty: bool                 # the filters keep no action: nothing else is filled in
    n_actions: int = 0
    n_dated: int = 0            # actions with at least one date
    n_recurring: int = 0        # annual, summer or continuous actions
    n_anomalies: int = 0
    fig_gantt: go.Figure | None = None     # the first page of the timeline (the whole of it up to GANTT_PAGE)
    gantt_pages: tuple[str, ...] = ()       # one label per page of GANTT_PAGE actions (gantt(…, page))
    undated: pd.DataFrame | None = None     # undated milestones, one row each (N°, Action, Axe, Jalon, …)
    n_undated_actions: int = 0              # actions without any date at all
    anomalies: pd.DataFrame | None = None   # the plan's calendar anomalies (N°, Action, Anomalie, …)

    @property
    def n_undated(self) -> int:
        """Actions without a date on the timeline."""
        return self.n_actions - self.n_dated


@dataclass(frozen=True)
class Progress:
    """What the Calendrier page shows of the follow-up's statuses on `as_of`."""

    fig_counts: go.Figure           # statuses per axe; its title says how many are late
    late: pd.DataFrame              # late actions, latest first (N°, Action, Retard sur le plan, …)
    fig_slippage: go.Figure | None  # None when no action is late or has a revised or real end
    n_slippage: int                 # actions late or with a revised or real end (the chart: SLIPPAGE_MAX at most)
    followed: pd.DataFrame          # every followed action: planned, revised, real dates and slippage


def build(plan: Plan, filters: metrics.Filters, as_of: pd.Timestamp) -> CalendarView:
    """The plan's timeline, undated items and anomalies for the filtered actions (pure)."""
    view = metrics.filter_plan(plan, filters)
    if view.actions.empty:
        return CalendarView(periode=plan.periode, empty=True)
    periods = metrics.planned_periods(view)
    segments = metrics.calendar_segments(view)
    undated = metrics.undated_items(view)
    anomalies = metrics.calendar_anomalies(view)
    n_actions, n_dated = len(periods), int(periods["datee"].sum())
    n_recurring = int((periods["recurrence"] != "aucune").sum())
    title = _gantt_title(n_dated, n_actions, n_recurring)
    pages = gantt_pages(periods)
    undated_shown = undated.assign(
        axe_txt=[charts.axe_label(a) for a in undated["axe"]],
        datee=["oui (autres jalons datés)" if x else "non" for x in undated["action_datee"]],
        extrait=[x or "(vide)" for x in undated["extrait"]],
    )
    anomalies_shown = anomalies.assign(extrait=[x or "(vide)" for x in anomalies["extrait"]])
    return CalendarView(
        periode=plan.periode, empty=False, n_actions=n_actions, n_dated=n_dated, n_recurring=n_recurring,
        n_anomalies=len(anomalies),
        fig_gantt=_gantt_page(pages, 0, segments, undated, as_of, plan.periode, title),
        gantt_pages=tuple(_page_label(p) for p in pages) if len(pages) > 1 else (),
        undated=_shown(undated_shown, {"action_id": "N°", "titre": "Action", "axe_txt": "Axe", "jalon": "Jalon",
                                       "extrait": "Mots du plan", "motif": "Motif", "datee": "Sur le calendrier"}),
        n_undated_actions=int((~undated["action_datee"]).sum()),
        anomalies=_shown(anomalies_shown, {"action_id": "N°", "titre": "Action", "type": "Anomalie",
                                           "detail": "Détail", "extrait": "Mots du plan"}),
    )


def _gantt_title(n_dated: int, n_actions: int, n_recurring: int) -> str:
    return (f"{fmt.nombre(n_dated)} actions sur {fmt.nombre(n_actions)} ont des dates ; "
            f"{fmt.nombre(n_recurring)} reviennent chaque année")


def gantt(plan: Plan, filters: metrics.Filters, as_of: pd.Timestamp, page: int) -> go.Figure:
    """Page `page` (from 0) of the timeline of the filtered actions, GANTT_PAGE actions a page (pure)."""
    view = metrics.filter_plan(plan, filters)
    periods = metrics.planned_periods(view)
    pages = gantt_pages(periods)
    title = _gantt_title(int(periods["datee"].sum()), len(periods), int((periods["recurrence"] != "aucune").sum()))
    return _gantt_page(pages, min(max(page, 0), len(pages) - 1), metrics.calendar_segments(view),
                       metrics.undated_items(view), as_of, plan.periode, title)


def _gantt_page(pages, page: int, segments, undated, as_of, periode, title: str) -> go.Figure:
    """The figure of one page (its title stays the whole selection's: the page selector says which page)."""
    return charts_calendar.gantt_figure(pages[page], segments, undated, as_of, periode, title)


def progress(plan: Plan, filters: metrics.Filters, statuts: pd.DataFrame, as_of: pd.Timestamp) -> Progress:
    """Late actions and slippage of the filtered actions on `as_of`, from the imported statuses (pure)."""
    view = metrics.filter_plan(plan, filters)
    sched = metrics.schedule(view, statuts, as_of)
    counts = metrics.status_counts_by_axe(view, statuts, as_of)
    late = metrics.late_actions(view, statuts, as_of)
    if len(late):
        worst = counts.sort_values(["en retard", "axe"], ascending=[False, True]).iloc[0]
        counts_title = (f"{fmt.nombre(len(late))} action(s) en retard au {fmt.jour(as_of)}, dont "
                        f"{fmt.nombre(int(worst['en retard']))} sur l'{charts.axe_label(worst['axe']).lower()}")
    else:
        counts_title = f"Aucune action en retard au {fmt.jour(as_of)}"
    revised = [f"{d} (dépassée)" if past else d
               for d, past in zip(_dates(late["fin_revisee"]), late["fin_revisee_depassee"], strict=True)]
    late_shown = late.assign(fin_prevue_txt=_dates(late["fin_prevue"]), fin_revisee_txt=revised,
                             retard_txt=_months(late["retard_mois"]))

    followed = sched[sched["statut"] != ""]
    with_ends = followed[followed[["fin_revisee", "fin_reelle"]].notna().any(axis=1) | followed["en_retard"]]
    fig_slippage, n_slippage = None, len(with_ends)
    if len(with_ends):
        slipped = with_ends["glissement_mois"].dropna()
        slip_title = ("Glissement des fins : " + (f"{fmt.nombre(int((slipped > 0).sum()))} action(s) finissent "
                      f"ou finiront plus tard que prévu, {fmt.nombre(int((slipped < 0).sum()))} plus tôt"
                      if len(slipped) else "aucune fin révisée ni réelle n'est encore déclarée"))
        if len(with_ends) > SLIPPAGE_MAX:  # a large plan: the largest slippages, one legible row each
            with_ends = with_ends.assign(_ordre=with_ends["glissement_mois"].abs().fillna(float("inf"))).sort_values(
                "_ordre", ascending=False).head(SLIPPAGE_MAX)
        fig_slippage = charts_calendar.slippage_figure(with_ends, as_of, slip_title)
    followed_shown = followed.assign(
        debut_prevu_txt=_dates(followed["debut_prevu"]), debut_reel_txt=_dates(followed["debut_reel"]),
        fin_prevue_txt=_dates(followed["fin_prevue"]), fin_revisee_txt=_dates(followed["fin_revisee"]),
        fin_reelle_txt=_dates(followed["fin_reelle"]), glissement_txt=_months(followed["glissement_mois"]),
    )
    return Progress(
        fig_counts=charts_calendar.status_counts_figure(counts, metrics.SITUATIONS, counts_title),
        # the delay beside the action's name: in view on a 1440 px screen, before the longer texts
        late=_shown(late_shown, {"action_id": "N°", "titre": "Action", "retard_txt": "Retard sur le plan",
                                 "statut": "Statut", "fin_prevue_txt": "Fin prévue", "fin_revisee_txt": "Fin révisée",
                                 "porteur": "Porteur", "commentaire": "Dernier commentaire"}),
        fig_slippage=fig_slippage, n_slippage=n_slippage,
        followed=_shown(followed_shown, {
            "action_id": "N°", "titre": "Action", "statut": "Statut", "situation": "Situation",
            "debut_prevu_txt": "Début prévu", "debut_reel_txt": "Début réel", "fin_prevue_txt": "Fin prévue",
            "fin_revisee_txt": "Fin révisée", "fin_reelle_txt": "Fin réelle", "glissement_txt": "Glissement",
            "commentaire": "Commentaire"}),
    )
