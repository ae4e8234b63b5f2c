"""A fiche action to print (A4 portrait), for an élu or a partner: the plan's words, the budget, the ETP,
the calendar, the indicators with their values and targets, the follow-up, and « situation au » (the
date of the latest import in force and the plan's version). One fiche, or every fiche of an axe, each
starting on a new page.

The page is HTML laid out for paper (tables that wrap, never cut on the right; no sidebar, filter or
button), printed by Debian's chromium through the deck's printer (`deck_pdf.PRINTER`). Everything it
says comes from `fiche.action_detail`, the page's own detail: the printed fiche and the page agree.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from dashboard import fmt, metrics
from dashboard.plan import Plan
from dashboard.present import charts, couleurs, fiche
from dashboard.present.deck_model import DEMO_WARNING, INK, MUTED, DeckError
from dashboard.present.deck_pdf import PRINTER
from dashboard.present.situation import derniere_date

A4 = ("210mm", "297mm")

FICHE_CSS = f"""
@page {{ size: A4 portrait; margin: 14mm 14mm 16mm; }}
.fiche {{ width: auto; font-family: "Source Sans Pro", "Carlito", Arial, sans-serif; font-size: 10.5pt;
  color: #{INK}; line-height: 1.3; }}
.fiche + .fiche {{ break-before: page; }}
.fiche .entete {{ font-size: 9pt; color: #{MUTED}; border-bottom: 1px solid #D9DDE1; padding-bottom: 4px;
  margin-bottom: 8px; }}
.fiche h1 {{ font-size: 17pt; margin: 0 0 4px; line-height: 1.2; }}
.fiche .cadre {{ color: #{MUTED}; margin: 0 0 6px; }}
.fiche .situation {{ font-size: 9.5pt; margin: 0 0 8px; }}
.fiche .f-demo {{ font-weight: 700; color: #A84300; }}
.fiche .retard {{ font-weight: 700; color: {couleurs.en_texte(couleurs.EN_RETARD)}; margin: 4px 0 8px; }}
.fiche .f-chiffres {{ display: flex; gap: 10px; margin: 0 0 10px; }}
.fiche .f-chiffre {{ flex: 1 1 0; min-width: 0; border-left: 4px solid #0072B2; padding: 2px 8px; }}
.fiche .f-chiffre .v {{ font-weight: 700; font-size: 11.5pt; overflow-wrap: break-word; }}
.fiche .f-chiffre .l {{ font-size: 9pt; color: #{MUTED}; }}
.fiche h2 {{ font-size: 12.5pt; margin: 12px 0 4px; break-after: avoid; border-bottom: 2px solid #0072B2;
  padding-bottom: 2px; }}
.fiche dl {{ margin: 0; columns: 2; column-gap: 8mm; }}
.fiche dl > div {{ break-inside: avoid; }}
.fiche dt {{ font-weight: 700; margin-top: 5px; }}
.fiche dd {{ margin: 0; white-space: pre-line; overflow-wrap: break-word; }}
.fiche .vide {{ color: #{MUTED}; font-style: italic; }}
.fiche table {{ width: 100%; border-collapse: collapse; table-layout: auto; font-size: 9pt; margin: 2px 0 4px; }}
.fiche th {{ text-align: left; background: #EEF2F6; font-weight: 700; }}
.fiche th, .fiche td {{ border: 1px solid #D9DDE1; padding: 2px 4px; vertical-align: top;
  overflow-wrap: break-word; hyphens: manual; }}
.fiche tr {{ break-inside: avoid; }}
.fiche td.n {{ text-align: right; white-space: nowrap; }}
.fiche .extrait {{ color: #{MUTED}; font-style: italic; }}
.fiche .note {{ font-size: 9pt; color: #{MUTED}; margin: 2px 0 0; }}
"""

FOOTER = ('<div style="font-size:8pt;color:#3B4350;width:100%;padding:0 14mm;'
          'font-family:Arial,sans-serif;display:flex;justify-content:space-between">'
          '<span>{titre}</span><span>page <span class="pageNumber"></span> / '
          '<span class="totalPages"></span></span></div>')


@dataclass(frozen=True)
class Situation:
    """What a printed fiche says of its figures' date: « Situation au 03/12/2026 » (the latest import in
    force), the plan's version, whether the follow-up is demonstration data."""

    situation: str
    version: str
    demo: bool = False
    as_of: pd.Timestamp | None = None  # the date the late actions are counted at (the latest import)


def dernier_import(suivi) -> pd.Timestamp | None:
    """The date of the latest import in force (one that gave a value still shown), from the follow-up's
    own origins (`suivi.lecture`); None without any imported value."""
    return derniere_date(getattr(suivi, "origines", None))


def version_text(plan: Plan, versions=()) -> str:
    """« version 2 « Révision de juin 2026 » » for the stored version `plan` was read from (`versions`:
    plan.versions.history; a page looking at a past day shows an older one than the version in force),
    the workbook's name for a plan read from a file."""
    from dashboard.plan.versions import version_key  # noqa: PLC0415

    versions = list(versions or ())
    current = next((v for v in versions if hasattr(v, "sha256") and version_key(v) == plan.version), None) or next(
        (v for v in versions if getattr(v, "current", False)), None)
    if plan.version and current is not None:
        return f"version {current.id} « {current.label} »"
    name = str(plan.source or "").replace("\\", "/").rsplit("/", 1)[-1]
    return f"classeur « {name} »" if name else "classeur du plan"


def situation(plan: Plan, suivi, versions=(), as_of=None) -> Situation:
    """The fiche's « situation au »: the latest import in force (else `as_of`, else today, said so) and
    the plan's version."""
    latest = dernier_import(suivi)
    if latest is not None:
        text = f"Situation au {fmt.jour(latest)} (dernier import du suivi en vigueur)"
    else:
        text = (f"Situation au {fmt.jour(metrics.as_timestamp(as_of))} : aucun suivi importé, seuls les mots "
                "et les chiffres du plan")
    # late actions are counted at `as_of` (today by default), as on the page
    return Situation(text, f"Plan : {version_text(plan, versions)}", bool(getattr(suivi, "demo", False)),
                     metrics.as_timestamp(as_of))


# --- La page d'une fiche ------------------------------------------------------------------------

def _e(text) -> str:
    return html.escape("" if text is None or fmt.missing(text) else str(text))


def _table(df: pd.DataFrame, columns: list[str], numeric=(), italic=()) -> str:
    cols = [c for c in columns if c in df.columns]
    head = "".join(f"<th>{_e(c)}</th>" for c in cols)
    rows = []
    for r in df[cols].itertuples(index=False):
        cells = []
        for c, v in zip(cols, r, strict=True):
            cls = ' class="n"' if c in numeric else ' class="extrait"' if c in italic else ""
            cells.append(f"<td{cls}>{_e(v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def indicator_rows(ind: pd.DataFrame) -> pd.DataFrame:
    """The indicators with one column per year: « 9 750 (objectif 10 100) », so that a year's value and
    its target sit side by side on a portrait page."""
    years = sorted({int(c.split()[-1]) for c in ind.columns if c.startswith(("Résultat ", "Objectif "))})
    out = ind[["Identifiant", "Indicateur", "Unité", "Sens"]].copy()
    for y in years:
        res, obj = ind.get(f"Résultat {y}"), ind.get(f"Objectif {y}")
        cells = []
        for i in range(len(ind)):
            r = res.iloc[i] if res is not None else "—"
            o = obj.iloc[i] if obj is not None else "—"
            r = r if isinstance(r, str) else "—"
            cells.append(r + (f" (objectif {o})" if isinstance(o, str) and o != "—" else ""))
        out[str(y)] = cells
    return out


def fiche_html(plan_titre: str, d: fiche.ActionDetail, s: Situation) -> str:
    """One fiche as an HTML article laid out for an A4 page."""
    cadre = f"{charts.axe_label(d.axe)} {fmt.DASH} {d.axe_libelle}"
    cadre += f" · Enjeu {d.enjeu} {fmt.DASH} {d.enjeu_libelle}" if d.enjeu else " · sans enjeu"
    statut = d.statut["Statut"] if d.statut else "pas de suivi importé"
    parts = [f'<article class="fiche"><div class="entete">{_e(plan_titre)} · fiche action</div>',
             f"<h1>Action n° {d.action_id} {fmt.DASH} {_e(d.titre)}</h1>", f'<p class="cadre">{_e(cadre)}</p>',
             f'<p class="situation">{_e(s.situation)} · {_e(s.version)}'
             + (f'<br><span class="f-demo">{_e(DEMO_WARNING)}</span>' if s.demo else "") + "</p>"]
    budget_label = "Budget" + ("" if d.budget.empty else f" ({d.categorie_budget})")
    chiffres = ((budget_label, d.budget_text), ("ETP prévus", fmt.etp(d.etp_total) if d.etp_total else "aucun chiffré"),
                ("Indicateurs", fmt.nombre(len(d.indicateurs))),
                ("Statut" + (f" {d.statut['Année du suivi']}" if d.statut else ""), statut))
    parts.append('<div class="f-chiffres">' + "".join(
        f'<div class="f-chiffre"><div class="l">{_e(label)}</div><div class="v">{_e(v)}</div></div>'
        for label, v in chiffres) + "</div>")
    if d.situation == "en retard":
        parts.append(f'<p class="retard">En retard de {_e(fmt.mois(d.retard_mois))} au {_e(fmt.jour(s.as_of))} : '
                     "fin prévue (ou révisée) passée, action ni réalisée ni abandonnée.</p>")
    # the plan's fields in two columns, as on the page: most fiches then hold on one A4 page
    parts.append("<h2>La fiche du plan</h2><dl>" + "".join(
        f"<div><dt>{_e(label)}</dt><dd>"
        + (_e(text) if text else '<span class="vide">non renseigné dans le plan</span>') + "</dd></div>"
        for label, text in d.fields) + "</dl>")
    parts.append("<h2>Budget</h2>")
    if d.budget.empty:
        parts.append(f'<p class="vide">Aucune ligne de budget : le plan classe cette action « {_e(d.categorie_budget)} ».</p>')
    else:
        parts.append(_table(d.budget, ["Poste", "Montant", "Périodicité", "Quantité", "Années", "Porteur",
                                       "Extrait du plan"], numeric=("Montant",), italic=("Extrait du plan",)))
        parts.append('<p class="note">Montants du plan, en fourchette quand le plan en donne une ; « par an » : '
                     "chaque année des années indiquées.</p>")
    parts.append("<h2>Effectifs (ETP)</h2>")
    parts.append('<p class="vide">Le plan ne chiffre pas de temps de travail pour cette action.</p>' if d.etp.empty
                 else _table(d.etp, ["Service", "ETP", "Années", "Extrait du plan"], numeric=("ETP",),
                             italic=("Extrait du plan",)))
    parts.append("<h2>Calendrier</h2>")
    parts.append('<p class="vide">Aucune date dans le plan pour cette action.</p>' if d.calendrier.empty
                 else _table(d.calendrier, ["Jalon", "Début prévu", "Fin prévue", "Récurrence", "Extrait du plan"],
                             italic=("Extrait du plan",)))
    parts.append("<h2>Indicateurs</h2>")
    if d.indicateurs.empty:
        parts.append('<p class="vide">Le plan ne donne pas d\'indicateur pour cette action.</p>')
    else:
        rows = indicator_rows(d.indicateurs)
        parts.append(_table(rows, list(rows.columns)))
        if len(rows.columns) == 4:
            parts.append('<p class="note">Aucune valeur importée pour ces indicateurs.</p>')
        else:
            parts.append('<p class="note">Par année : le résultat importé, et l\'objectif de l\'année quand il est '
                         "donné.</p>")
    if d.statut:
        parts.append("<h2>Avancement (suivi)</h2>")
        parts.append(_table(pd.DataFrame([d.statut]), list(d.statut)))
    parts.append("</article>")
    return "".join(parts)


def fiches_html(plan: Plan, action_ids, suivi, s: Situation) -> str:
    """The fiches of `action_ids`, in that order, each on its own pages."""
    first, last = plan.periode
    titre = f"Schéma de développement touristique {first}-{last}"
    out = []
    for aid in action_ids:
        d = fiche.action_detail(plan, int(aid), suivi, s.as_of)
        if d is not None:
            out.append(fiche_html(titre, d, s))
    return f"<style>{FICHE_CSS}</style>" + "".join(out)


def fiches_pdf(plan: Plan, action_ids, suivi=None, versions=(), as_of=None) -> bytes:
    """The fiches of `action_ids` as one A4 portrait PDF (page numbers in the footer)."""
    ids = [int(a) for a in action_ids]
    if not ids:
        raise DeckError("Aucune fiche à imprimer.")
    s = situation(plan, suivi, versions, as_of)
    body = fiches_html(plan, ids, suivi, s)
    label = f"Fiche action n° {ids[0]}" if len(ids) == 1 else f"{len(ids)} fiches action"
    return PRINTER.render(body, [], paper=A4, footer=FOOTER.format(titre=html.escape(f"{label} · {s.situation}")))


def fiche_pdf(plan: Plan, action_id: int, suivi=None, versions=(), as_of=None) -> bytes:
    """One fiche as an A4 portrait PDF."""
    return fiches_pdf(plan, [action_id], suivi, versions, as_of)


def axe_actions(plan: Plan, axe: int) -> list[int]:
    """The actions of an axe, by number."""
    a = plan.actions[plan.actions["axe"] == int(axe)]
    return sorted(int(x) for x in a["action_id"])


def file_name(action_id: int | None = None, axe: int | None = None, day=None) -> str:
    """`fiche_11_2026-12-06.pdf`, `fiches_axe_1_2026-12-06.pdf`: named by what it holds and its date."""
    iso = metrics.as_timestamp(day).date().isoformat()
    return f"fiche_{int(action_id)}_{iso}.pdf" if axe is None else f"fiches_axe_{int(axe)}_{iso}.pdf"
