"""Tables and charts of the pilotage pages: drawn from cached views (converted once, not on every
run), a French-formatted table with its Excel download, the « Prévu / réalisé » tab, tabs drawn when
opened, the row of key figures."""

from __future__ import annotations

import datetime
import hashlib
import json

import pandas as pd
import plotly.io as pio
import pyarrow as pa
import streamlit as st
from plotly.basedatatypes import BaseFigure

from dashboard.ui.comptes import download_button
from dashboard.ui.partage import memo, run_memo
from dashboard.ui.texte import brut, table_brute


class _DrawnFigure(BaseFigure):
    """A plotly figure already turned into its dict: st.plotly_chart takes any BaseFigure and asks it
    for to_dict() (twice), which copies the whole figure on every run; this one hands out the dict made
    once. Never built by plotly's constructor: it is only ever drawn, never changed."""

    def __init__(self, figure_dict: dict):  # noqa: D107 — BaseFigure's own setup is deliberately skipped
        object.__setattr__(self, "_drawn", figure_dict)

    def to_dict(self) -> dict:
        return self._drawn


def _drawn(fig) -> _DrawnFigure:
    """The figure as plain JSON values (lists, numbers, strings), as plotly writes it: st.plotly_chart
    then serialises it in one orjson call, instead of walking every value of the figure again (dates,
    NumPy arrays) on every run."""
    from dashboard.present.charts import plotly_brut  # noqa: PLC0415

    return _DrawnFigure(plotly_brut(json.loads(pio.to_json(fig, validate=False))))  # texts shown literally


def _alternative(drawn: _DrawnFigure, titre: str) -> tuple[str, pd.DataFrame, str]:
    """(accessible name, data table, message) of a drawn figure, read from the very values plotly draws;
    the message is the figure's title, else `titre`."""
    from dashboard.present import alternatives  # noqa: PLC0415

    fig = drawn.to_dict()
    return (alternatives.alt(fig, message=titre), alternatives.data(fig),
            alternatives.title(fig) or alternatives.plain(titre))


def chart(fig, donnees: bool | None = None, titre: str = "", **kwargs) -> None:
    """st.plotly_chart of a figure from a cached view (no mode bar): its JSON values made once per figure.

    The chart is named for screen readers by its message and key figures (alt), and its data are one
    step away: « Voir les données », a table with headers, drawn only once opened. `donnees` False
    leaves that out (the projector's slides, which must fit the screen: the default there). `titre`: the
    message of a chart drawn without a title of its own (a slide's title).
    """
    from dashboard.present import charts  # noqa: PLC0415

    drawn = memo(fig, "dict", lambda: _drawn(fig))
    alt, table, title = memo(fig, ("alternative", titre), lambda: _alternative(drawn, titre))
    if donnees is None:
        donnees = st.query_params.get("mode") != "projecteur"
    if donnees:  # plotly's own « save as image » button, the file named by the chart's message and the day
        day = datetime.date.today()
        kwargs.setdefault("config", memo(fig, ("export", title, day), lambda: charts.export_config(title, day)))
    else:  # none on the projector
        kwargs.setdefault("config", {"displayModeBar": False})
    st.plotly_chart(drawn, alt=alt, **kwargs)
    if donnees:
        key = str(kwargs.get("key") or hashlib.sha1(title.encode()).hexdigest()[:12])
        used = run_memo("donnees_keys", set)  # two charts with the same title in one run: distinct keys
        key = next(k for k in (key if n == 1 else f"{key}_{n}" for n in range(1, len(used) + 2)) if k not in used)
        used.add(key)
        box = st.expander(f"Voir les données : {brut(charts.short_label(title, 80))}", key=f"donnees_{key}",
                          on_change="rerun", icon=":material/table:")
        if box.open:
            with box:
                table_brute(table, hide_index=True)


def _arrow(df):
    """df as an Arrow table, as st.dataframe would convert it (the index left out: never shown)."""
    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in a column: Streamlit's own conversion
        return df


def dataframe(df, **kwargs):
    """st.dataframe of a table from a cached view (index hidden): converted to Arrow once per table,
    not on every run."""
    return st.dataframe(memo(df, "arrow", lambda: _arrow(df)), hide_index=True, **kwargs)


def _long_text_config(shown) -> dict:
    """Long texts (libellés, extraits du plan) get a bounded width so the figures stay in view."""
    return {c: st.column_config.TextColumn(width="medium") for c in shown.columns
            if len(shown.columns) > 5 and len(shown) and shown[c].str.len().max() > 40}


def _row_styles(shown, col: str, value: str):
    """The CSS of each cell: rows whose `col` is `value` in red; None when no row is (no styling at all)."""
    hit = (shown[col] == value).to_numpy()
    if not hit.any():
        return None
    css = "background-color: #FBE3D6; color: #8A2B00; font-weight: 600"
    return pd.DataFrame([[css if h else ""] * len(shown.columns) for h in hit], index=shown.index,
                        columns=shown.columns)


def table_with_download(df, file_stem: str, key: str, overrides=None, ranges=None, height="auto",
                        caption: str | None = None, highlight: tuple[str, str] | None = None) -> None:
    """A French-formatted table on screen and its formatted Excel file (real numbers) to download.

    df: a DataFrame, or an export.Table already formatted (e.g. inside a cached view: what is derived
    from it for the screen is then made once, see memo).
    """
    from dashboard.present import export

    cached = isinstance(df, export.Table)
    t = df if cached else export.table(df, overrides=overrides, ranges=ranges)
    shown = t.shown
    long_text = memo(t, "long_text", lambda: _long_text_config(shown)) if cached else _long_text_config(shown)
    styles = None
    if highlight and highlight[0] in shown.columns:  # (column header, value): rows to flag in red
        styles = memo(t, ("highlight", *highlight), lambda: _row_styles(shown, *highlight)) if cached \
            else _row_styles(shown, *highlight)
    if styles is not None:  # a new Styler each run: Streamlit computes its styles in place when drawing it
        shown = shown.style.apply(lambda _: styles, axis=None)
    if cached and styles is None:
        dataframe(shown, height=height, column_config=long_text)
    else:
        st.dataframe(shown, hide_index=True, height=height, column_config=long_text)
    # one row (a horizontal container, not columns: two messages fewer for the browser per table)
    row = st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center")
    if caption:
        row.caption(caption)
    download_button(
        row, "Télécharger (Excel)", data=lambda: t.excel(title=file_stem),
        file_name=f"{file_stem}.xlsx", mime=export.XLSX_MIME, key=f"dl_{key}", on_click="ignore",
        icon=":material/download:",
    )


def prevu_realise(fig, table, file_stem: str, key: str, caption: str, missing: str,
                  couverture: tuple[str, ...] = ()) -> None:
    """The « Prévu / réalisé » tab of Budget and Effectifs: the chart, its caption, who declared each year
    (`couverture`, latest year first) and its table, or a notice naming what appears once the follow-up
    is imported (`fig` None)."""
    if fig is None:
        st.info(f"Aucune donnée de suivi n'a encore été importée : {missing} apparaîtront ici après "
                "l'import du suivi annuel (page « Import du suivi annuel »).")
        return
    chart(fig)
    st.caption(caption + " Une année sans valeur importée n'est pas un zéro. À périmètre égal : pour une année "
               "déclarée, le prévu est celui des seuls axes qui ont déclaré ; une année sans aucune déclaration "
               "montre tout le prévu.")
    if couverture:
        st.markdown("\n".join(f"- {line}" for line in couverture))
    table_with_download(table, file_stem, key)


def tabs(labels: list[str], key: str):
    """st.tabs whose closed tabs are not drawn (`tab.open` is False for them): opening the page draws its
    first tab only, and a click on another tab reruns the page (a warm rerun: everything is cached) to
    draw that one. The open tab is kept in session_state[key] (its label)."""
    return st.tabs(labels, key=key, on_change="rerun")


def keep_widgets(*keys: str) -> None:
    """Keep these widgets' values while they are not drawn (in a closed tab): Streamlit forgets the value
    of a widget absent from a run, unless the page sets it again."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def metrics_row():
    """The page's key figures side by side (row.metric(…) each): one horizontal container rather than
    columns, a message to the browser instead of one per column; on a narrow screen they wrap to the
    next line instead of being cut."""
    return st.container(horizontal=True)

