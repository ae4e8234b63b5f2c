"""The comité's deck as files: PowerPoint opened with python-pptx, PDF read with pypdf, the `deck` command."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.util import Emu
from present_builders import small_plan
from pypdf import PdfReader

from dashboard import metrics
from dashboard.__main__ import main
from dashboard.present import comite, deck_files, deck_pdf
from dashboard.suivi import demo, store

AS_OF = "2025-06-30"
needs_chromium = pytest.mark.skipif(deck_files.chromium_path() is None, reason="chromium absent de la machine")


def plain(text: str) -> str:
    """Spaces as typed: Babel's narrow and non-breaking spaces and line breaks become plain spaces."""
    return re.sub(r"[\u202f\u00a0 \n]+", " ", text)


def texts(slide) -> str:
    return plain("\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))


@pytest.fixture(scope="module")
def plan_h(plan):
    return metrics.apply_hypotheses(plan)


@pytest.fixture(scope="module")
def deck(plan_h):
    return comite.slides(plan_h, store.Suivi(), as_of=AS_OF)


@pytest.fixture(scope="module")
def pptx(plan_h, deck):
    data = deck_files.deck_pptx(deck, deck_files.deck_info(plan_h, AS_OF))
    return Presentation(io.BytesIO(data))


# --- PowerPoint ------------------------------------------------------------------------------

def test_pptx_slides_title_messages_closing(pptx, deck):
    assert (pptx.slide_width, pptx.slide_height) == (Emu(12192000), Emu(6858000))  # 13,333 × 7,5 in: 16:9
    slides = list(pptx.slides)
    assert len(slides) == len(deck) + 2
    assert "Schéma de développement touristique 2023-2028" in texts(slides[0])
    assert "Situation au 30/06/2025" in texts(slides[0])
    assert "démonstration" not in texts(slides[0])        # no demo data in this store
    for s, message in zip(slides[1:-1], deck, strict=True):
        assert s.shapes.title.text_frame.text == message.titre
    assert "questions" in texts(slides[-1])


def test_pptx_headline_figures_are_the_plan(pptx):
    # 53 fiches action (1 to 55, no 18 nor 33); one-off lines of the Budget sheet: action 2 200 000,
    # action 3 1 500, action 9 20 000 to 40 000, action 10 200 000 → 421 500 to 441 500 €
    s = texts(pptx.slides[1])
    assert "53 actions sur 5 axes" in s
    assert "421 500 à 441 500 €" in s
    assert "d'investissements ponctuels" in s


def test_pptx_charts_are_native_bar_charts(pptx, deck):
    charts = {i: [sh.chart for sh in s.shapes if sh.has_chart] for i, s in enumerate(pptx.slides)}
    for i, message in enumerate(deck, start=1):
        assert len(charts[i]) == (message.figure is not None)
    budget = charts[1 + [s.key for s in deck].index("budget")][0]
    assert budget.chart_type is not None and "BAR" in str(budget.chart_type)
    cats = [c.replace("\n", " ") for c in budget.plots[0].categories]
    assert cats[-1].startswith("Axe 1 ") and cats[0].startswith("Axe 5 ")   # drawn bottom-up: axe 1 on top
    assert "€" in budget.value_axis.tick_labels.number_format
    # the bar of axe 1 ends with its range as the page writes it
    labels = [plain(p.data_label.text_frame.text) for p in budget.plots[0].series[-1].points
              if p.data_label.has_text_frame]
    assert "1,14 à 1,16 M€" in labels


def test_pptx_every_shape_inside_the_slide(pptx):
    w, h = pptx.slide_width, pptx.slide_height
    for n, s in enumerate(pptx.slides, start=1):
        for sh in s.shapes:
            assert sh.left >= 0 and sh.top >= 0, (n, sh.name)
            assert sh.left + sh.width <= w and sh.top + sh.height <= h, (n, sh.name)


def test_pptx_text_fits_its_box(pptx):
    """Every text box: its lines at its font size fit its height (PowerPoint does not shrink text)."""
    for s in pptx.slides:
        for sh in s.shapes:
            if not sh.has_text_frame or not sh.text_frame.text.strip():
                continue
            size = max(r.font.size.pt for p in sh.text_frame.paragraphs for r in p.runs if r.font.size)
            width_pt, height_pt = sh.width / 12700 - 15, sh.height / 12700 - 8
            lines = deck_files.text_lines(sh.text_frame.text, width_pt, size, 0.52)
            assert lines * size * 1.15 <= height_pt + 1, (sh.text_frame.text[:40], size)


def test_pptx_notes_name_sheets_and_actions(pptx, deck):
    by_key = {m.key: s for m, s in zip(deck, list(pptx.slides)[1:-1], strict=True)}
    for key, s in by_key.items():
        notes = s.notes_slide.notes_text_frame.text
        assert "feuille" in notes, key
    assert "Actions chiffrées : 2, 3, 4, 9, 10, 11, 12, 13, 14, 17, 30, 34, 35 et 55" in (
        by_key["chiffres"].notes_slide.notes_text_frame.text)


@dataclass(frozen=True)
class ListSlide:
    """A slide as another builder may make it: a list of items, no chart."""

    titre: str
    legende: str = ""
    notes: str = ""
    chiffres: tuple = ()
    figure: go.Figure | None = None
    items: tuple = field(default_factory=tuple)


def test_pptx_renders_a_list_slide(plan_h):
    items = tuple(f"Action {n} · Titre assez long de l'action numéro {n} · 3 mois de retard" for n in range(1, 9))
    data = deck_files.deck_pptx([ListSlide("8 actions en retard.", "Fin prévue passée.", "notes", items=items)],
                                deck_files.deck_info(plan_h, AS_OF))
    prs = Presentation(io.BytesIO(data))
    s = prs.slides[1]
    assert "Action 8 · Titre assez long" in texts(s)
    for sh in s.shapes:
        assert sh.left + sh.width <= prs.slide_width and sh.top + sh.height <= prs.slide_height


# --- Données des graphiques --------------------------------------------------------------------

def test_chart_data_from_the_small_plan():
    p = metrics.apply_hypotheses(small_plan())
    by = {s.key: s for s in comite.slides(p, store.Suivi(), as_of="2025-01-01")}
    budget = deck_files.chart_data(by["budget"].figure)
    assert budget.stacked and budget.euros and budget.categories[0].startswith("Axe 1\n")
    # axe 1 over 2023-2028: action 4 one-off 5 000-10 000 (the par-parcours line has no quantity);
    # action 11 20 000 × 6 years + 1 000-3 000 × 2 years → 127 000 to 136 000, written at the bar's end
    assert plain(budget.end_labels[0]) == "127 000 à 136 000 €"
    assert budget.series[0].values[0] == 127_000 and budget.series[1].values[0] == 9_000
    assert budget.series[1].colors[0] != budget.series[0].colors[0]      # the min → max segment is lighter
    etp = deck_files.chart_data(by["etp"].figure)
    assert not etp.stacked and not etp.integers


def test_chart_data_none_for_other_charts():
    assert deck_files.chart_data(go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))) is None
    assert deck_files.chart_data(None) is None


@pytest.mark.parametrize(("text", "width", "size", "lines"), [
    ("court", 100, 10, 1),
    ("un deux trois quatre", 52, 10, 3),      # 10 characters per line: "un deux" / "trois" / "quatre"
    ("un deux trois", 70, 10, 1),
    ("a\nb", 100, 10, 2),
])
def test_text_lines(text, width, size, lines):
    assert deck_files.text_lines(text, width, size, char_em=0.5) == lines


def test_fit_size_shrinks_long_text_within_bounds():
    short = deck_files.fit_size("Court.", 500, 80, 32, 20)
    long_ = deck_files.fit_size("Un titre très long " * 8, 500, 80, 32, 20)
    assert short == 32 and 20 <= long_ < 32


# --- PDF ---------------------------------------------------------------------------------------

@needs_chromium
def test_pdf_landscape_one_page_per_slide(plan_h, deck):
    data = deck_files.deck_pdf(deck, deck_files.deck_info(plan_h, AS_OF))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == len(deck) + 2
    for page in reader.pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)
    assert "421 500 à 441 500 €" in plain(reader.pages[1].extract_text())
    assert "53" in reader.pages[1].extract_text()
    budget = plain(reader.pages[1 + [s.key for s in deck].index("budget")].extract_text())
    assert "1,14 à 1,16 M€" in budget and "Axe 5" in budget       # the chart is text and vectors, not an image
    # tagged (a structure a screen reader follows: headings, paragraphs, reading order)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]


@needs_chromium
def test_pptx_image_for_a_chart_it_cannot_draw(plan_h):
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2]))
    slide = comite.Slide(key="x", nom="x", titre="Une courbe.", figure=fig, legende="Légende.")
    prs = Presentation(io.BytesIO(deck_files.deck_pptx([slide], deck_files.deck_info(plan_h, AS_OF))))
    assert [sh.shape_type for sh in prs.slides[1].shapes if sh.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE


# --- La commande `deck` -------------------------------------------------------------------------

def test_cli_pptx_whole_plan(tmp_path, capsys):
    out = tmp_path / "comite.pptx"
    assert main(["deck", "-o", str(out), "--as-of", AS_OF]) == 0
    assert "Présentation écrite" in capsys.readouterr().out
    prs = Presentation(out)
    assert "421 500 à 441 500 €" in texts(prs.slides[1])


def test_cli_axe_restricts_the_figures(tmp_path):
    # axe 1: 19 fiches; recurring lines of its actions: 11 20 000, 12 20 000, 13 5 000, 14 5 000,
    # 17 20 000 + 50 000 → 120 000 € a year (the whole plan: 230 000 to 235 000 €)
    out = tmp_path / "axe1.pptx"
    assert main(["deck", "-o", str(out), "--as-of", AS_OF, "--axe", "1"]) == 0
    prs = Presentation(out)
    s = texts(prs.slides[1])
    assert "19 actions sur 1 axe" in s and "120 000 €" in s and "230 000" not in s
    assert "axe 1" in texts(prs.slides[0])


@needs_chromium
def test_cli_pdf(tmp_path):
    out = tmp_path / "comite.pdf"
    assert main(["deck", "-o", str(out), "--as-of", AS_OF, "--axe", "1", "--axe", "2"]) == 0
    reader = PdfReader(out)
    assert len(reader.pages) == 8
    assert "axes 1 et 2" in plain(reader.pages[0].extract_text())


def test_cli_html(tmp_path):
    out = tmp_path / "comite.html"
    assert main(["deck", "-o", str(out), "--as-of", AS_OF]) == 0
    assert "421" in out.read_text(encoding="utf-8") and "<html" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["-o", "{tmp}/x.docx"], 2, "Format de fichier non pris en charge « x.docx »"),
    (["-o", "{tmp}/x"], 2, "Format de fichier non pris en charge"),
    (["-o", "{tmp}/x.pptx", "--axe", "9"], 2, "Axe inconnu « 9 » : le plan a les axes 1, 2, 3, 4, 5"),
    (["-o", "{tmp}/x.pptx", "--axe", "un"], 2, "Axe inconnu « un »"),
    (["-o", "{tmp}/x.pptx", "--as-of", "2025-13-01"], 2, "Date de situation invalide « 2025-13-01 »"),
    (["-o", "{tmp}/absent/x.pptx"], 1, "le dossier"),
    (["-o", "{tmp}/x.pptx", "--plan", "{tmp}/absent.xlsx"], 1, "absent.xlsx »"),
])
def test_cli_rejects_bad_input_in_french(tmp_path, capsys, args, code, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["deck", *args]) == code
    assert message in capsys.readouterr().out
    assert not list(Path(tmp_path).glob("x*"))          # nothing written


def test_cli_unwritable_output(tmp_path, capsys):
    target = tmp_path / "dossier.pptx"
    target.mkdir()                                      # a folder where the file should go
    assert main(["deck", "-o", str(target)]) == 1
    assert "Impossible d'écrire" in capsys.readouterr().out


def test_cli_pdf_without_chromium(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DASHBOARD_CHROMIUM", str(tmp_path / "pas-de-chromium"))
    assert main(["deck", "-o", str(tmp_path / "x.pdf")]) == 1
    assert "Chromium" in capsys.readouterr().out
    assert not (tmp_path / "x.pdf").exists()


def test_cli_demo_mention(tmp_path, plan):
    demo.load(store.open_engine(f"sqlite:///{tmp_path / 'suivi.sqlite'}"), plan)
    out = tmp_path / "demo.pptx"
    assert main(["deck", "-o", str(out), "--as-of", AS_OF, "--db", f"sqlite:///{tmp_path / 'suivi.sqlite'}"]) == 0
    prs = Presentation(out)
    assert "données de démonstration" in texts(prs.slides[0])
    late = next(s for s in prs.slides if "en retard au 30/06/2025" in texts(s))
    assert "feuille Avancement" in late.notes_slide.notes_text_frame.text


def test_chart_texts_from_the_plan_never_become_links_on_pages_or_in_the_html_deck():
    """Plotly reads a little HTML in its texts: a title written as a link stays text; the charts' own
    <br>, <b> and hover <extra></extra> still work."""
    import json

    import plotly.graph_objects as go

    from dashboard.present import charts, comite, deck_html

    crafted = '<a href="https://evil.example">x</a><span style="fill:url(https://evil.example/a)">y</span> & co'
    fig = go.Figure(go.Bar(y=[crafted, "Axe 1"], x=[1, 2], orientation="h",
                           hovertemplate="%{y}<br>%{x}<extra></extra>"))
    fig.update_layout(title_text=f"<b>Budget</b><br>{crafted}")
    safe = json.dumps(charts.plotly_brut(json.loads(fig.to_json())))
    assert "<a " not in safe and "<span" not in safe and "https://evil.example" in safe
    assert "&lt;a href" in safe and "&amp; co" in safe
    assert "<b>Budget</b><br>" in safe and "<br>%{x}<extra></extra>" in safe
    slide = comite.Slide(key="k", nom="n", titre="t", figure=fig)
    page = deck_html.deck_html([slide], "titre", "sous-titre")
    assert '<a href=\\"https://evil.example' not in page and '<a href="https://evil.example' not in page
    assert "&lt;a href" in page


# --- Ce que les fichiers gardent des pages ------------------------------------------------------

@pytest.fixture(scope="module")
def demo_deck(plan, tmp_path_factory):
    """The slides of the shipped plan with the demonstration follow-up (two late actions at this date)."""
    engine = store.open_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'suivi.sqlite'}")
    demo.load(engine, plan)
    suivi = store.load_suivi(engine)
    plan_h = metrics.apply_hypotheses(plan)
    return comite.slides(plan_h, suivi, as_of="2026-12-06"), deck_files.deck_info(
        plan_h, "2026-12-06", demo=True, date_comite="2026-12-08"), suivi


def test_files_keep_the_late_actions_detail(demo_deck, plan):
    deck, info, suivi = demo_deck
    late = metrics.late_actions(metrics.apply_hypotheses(plan), suivi.statuts, metrics.as_timestamp("2026-12-06"))
    assert len(late)
    expected = [f"Axe {int(r.axe)} · {r.retard_mois:.1f} mois de retard".replace(".", ",") for r in late.itertuples()]
    prs = Presentation(io.BytesIO(deck_files.deck_pptx(deck, info)))
    slide = next(s for s in prs.slides if "Les 2 actions en retard" in texts(s) or "L’action en retard" in texts(s))
    assert all(e in texts(slide) for e in expected)    # « Axe 1 · 25,8 mois de retard », as on the screen
    body, _ = deck_pdf.deck_pages(deck, info)
    assert all(e in plain(body) for e in expected)


def test_title_slides_say_the_comite_date_and_the_demo_data(demo_deck):
    deck, info, _ = demo_deck
    assert info.presente == "Présenté au comité de direction le 08/12/2026"
    prs = Presentation(io.BytesIO(deck_files.deck_pptx(deck, info)))
    first = texts(prs.slides[0])
    assert info.presente in first and "Situation au 06/12/2026" in first and "démonstration" in first
    for suffix in (".html",):
        title = deck_files.deck_file(deck, info, suffix).decode("utf-8").split("<section", 2)[1]
        assert info.presente in title and "Situation au 06/12/2026" in title and "données de démonstration" in title
    title = deck_pdf.deck_pages(deck, info)[0].split("<section", 2)[1]
    assert info.presente in title and "données de démonstration" in title


def test_pdf_charts_fit_the_column_beside_their_list(demo_deck):
    """A chart beside a list is drawn at the width its column really has: its last tick (« 20 ») is not cut."""
    deck, info, _ = demo_deck
    body, _ = deck_pdf.deck_pages(deck, info)
    column = (deck_pdf.PAGE_W - 96) * 0.6 - 28        # the body less the list (40 %) and the gap between
    for section in body.split("<section")[1:]:
        if 'class="items' in section and "<svg" in section:
            width = float(re.search(r'<svg[^>]* width="(\d+)"', section).group(1))
            assert width <= column
            ticks = re.findall(r'text-anchor="middle" font-size="\d+" fill="#\w+">([^<]+)</text>', section)
            assert ticks                                # the value axis is drawn


def test_one_status_palette_on_pages_and_slides(demo_deck):
    from dashboard.present import charts_calendar, couleurs

    deck, _, _ = demo_deck
    fig = next(s.figure for s in deck if s.key == "calendrier")
    on_slide = {t.name.lower(): t.marker.color for t in fig.data}
    counts = pd.DataFrame({"axe": [1], **{s: [1] for s in metrics.SITUATIONS}})
    page = charts_calendar.status_counts_figure(counts, metrics.SITUATIONS, "x")
    on_page = {t.name.lower(): t.marker.color for t in page.data}
    assert on_slide and all(on_page[k] == c == couleurs.SITUATIONS[k] for k, c in on_slide.items())


def test_html_deck_names_every_category_of_a_chart(demo_deck):
    """Plotly drops every other label when it finds them close (4 of 8 porteurs on a 720-pixel screen):
    the HTML deck names each one, a long one on two lines."""
    from dashboard.present import deck_html

    deck, _, _ = demo_deck
    fig = next(s.figure for s in deck if s.key == "indicateurs")
    porteurs = list(dict.fromkeys(fig.data[0].y))
    assert len(porteurs) >= 8
    out = deck_html.every_label(fig)
    assert list(out.layout.yaxis.tickvals) == porteurs and out.layout.yaxis.tickmode == "array"
    assert [t.replace("<br>", " ") for t in out.layout.yaxis.ticktext] == porteurs
    assert out.layout.margin.r >= 130                    # « 41 sur 58 » after the longest bar


@pytest.mark.parametrize(("label", "wrapped"), [
    ("Office de tourisme", "Office de tourisme"),
    ("Service Pays d'art et d'histoire (agglomération)", "Service Pays d'art et<br>d'histoire (agglomération)"),
    ("Axe 1<br>Soutenir la fréquentation pou…", "Axe 1<br>Soutenir la fréquentation pou…"),  # its own lines
])
def test_wrap_label(label, wrapped):
    from dashboard.present import deck_html

    assert deck_html.wrap_label(label) == wrapped


def test_html_deck_puts_the_list_beside_the_chart(demo_deck):
    deck, info, _ = demo_deck
    page = deck_files.deck_file(deck, info, ".html").decode("utf-8")
    late = next(s for s in page.split("<section")[1:] if "en retard au 06/12/2026, sur" in s)
    assert '<div class="body avec-liste"><div class="main">' in late
    assert late.index('class="fig"') < late.index('<ul class="items">')
