"""The text alternative of a chart: its accessible name (the message with its key figures) and its data
as a table with headers (« Voir les données »).

Both are read from the figure itself, as plotly draws it (its JSON values: `fig.to_json()` read back),
so the words and the table always carry the same numbers as the chart: the title (which states the
message), then, per category, the label written on the chart (« 421 500 – 441 500 € ») or else its
value. Pure: no streamlit.
"""

from __future__ import annotations

import base64
import html
import re

import numpy as np
import pandas as pd

from dashboard import fmt

MAX_ITEMS = 6  # categories named in an accessible name; the rest are in the table

_TAG = re.compile(r"<br\s*/?>|<[^>]+>", re.IGNORECASE)

_KINDS = {"bar": "barres", "scatter": "courbes", "treemap": "pavés", "pie": "secteurs", "sunburst": "secteurs"}


def plain(text) -> str:
    """A plotly text (title, label) as plain words: <br> becomes a space, other tags go, entities read."""
    if text is None:
        return ""
    words = _TAG.sub(lambda m: " " if m.group().lower().startswith("<br") else "", str(text))
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(words)).strip()  # French no-break spaces kept


def values(v) -> list:
    """A trace's array as a list: plotly writes NumPy arrays as {"dtype", "bdata"} (base64)."""
    if v is None:
        return []
    if isinstance(v, dict) and "bdata" in v:
        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            arr = arr.reshape([int(s) for s in str(v["shape"]).split(",")])
        return arr.tolist()
    if isinstance(v, (list, tuple)):
        return list(v)
    return [v]


def _number(x) -> str:
    """A value as written in French: thousands grouped, decimals only when it has some."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "—"
    if isinstance(x, (int, float, np.number)) and not isinstance(x, bool):
        return fmt.nombre(x, 0 if float(x).is_integer() else 2)
    return plain(x)


def _date(x) -> str:
    return pd.Timestamp(x).strftime("%d/%m/%Y")


def title(fig: dict) -> str:
    t = fig.get("layout", {}).get("title")
    return plain(t.get("text") if isinstance(t, dict) else t)


def _panels(fig: dict) -> dict[str, str]:
    """The name of each subplot (x axis id → its title) when the chart has several side by side."""
    axes = sorted({tr.get("xaxis", "x") for tr in fig.get("data", [])}, key=lambda a: int(a[1:] or 1))
    if len(axes) < 2:
        return {}
    notes = [plain(a.get("text")) for a in fig.get("layout", {}).get("annotations", [])
             if a.get("xref") == "paper" and a.get("yref") == "paper"]
    return {a: notes[i] if i < len(notes) else f"Graphique {i + 1}" for i, a in enumerate(axes)}


def _categories_and_values(tr: dict) -> tuple[list, list]:
    """(categories, values) of a bar or line trace, whichever its orientation."""
    x, y = values(tr.get("x")), values(tr.get("y"))
    numeric = [v for v in x if v is not None]
    across = tr.get("orientation") == "h" or (
        tr.get("type") == "scatter" and numeric and all(isinstance(v, (int, float)) for v in numeric)
        and any(isinstance(v, str) for v in y))  # text placed at the end of horizontal bars
    return (y, x) if across else (x, y)


def _is_timeline(tr: dict) -> bool:
    return tr.get("type") == "bar" and tr.get("base") is not None


def _timeline(fig: dict) -> pd.DataFrame:
    """One row per bar of a timeline (bars from a start date, lengths in milliseconds)."""
    rows = []
    for tr in fig["data"]:
        if not _is_timeline(tr):
            continue
        labels, lengths = _categories_and_values(tr)
        bases = values(tr.get("base"))
        for i, (label, ms) in enumerate(zip(labels, lengths, strict=False)):
            start = pd.Timestamp(bases[i] if i < len(bases) else bases[0])
            rows.append({"Série": plain(tr.get("name")), "Libellé": plain(label), "Début": _date(start),
                         "Fin": _date(start + pd.Timedelta(milliseconds=float(ms)))})
    return pd.DataFrame(rows, columns=["Série", "Libellé", "Début", "Fin"])


def _hierarchy(tr: dict) -> pd.DataFrame:
    labels, vals, parents = values(tr.get("labels")), values(tr.get("values")), values(tr.get("parents"))
    df = pd.DataFrame({"Libellé": [plain(x) for x in labels]})
    if parents:
        df.insert(0, "Dans", [plain(p) for p in parents])
    if vals:
        df["Valeur"] = [_number(v) for v in vals]
    return df


def _series(fig: dict) -> list[tuple[str, dict]]:
    """The traces that carry values (not the text-only ones), each with its column name (unique)."""
    panels = _panels(fig)
    named, seen = [], {}
    for tr in fig.get("data", []):
        if tr.get("type") not in ("bar", "scatter") or tr.get("mode") == "text":
            continue
        name = plain(tr.get("name")) or "Valeur"
        if tr.get("xaxis", "x") in panels:
            name = f"{panels[tr.get('xaxis', 'x')]} – {name}"
        seen[name] = seen.get(name, 0) + 1
        named.append((name if seen[name] == 1 else f"{name} ({seen[name]})", tr))
    return named


def data(fig: dict) -> pd.DataFrame:
    """The chart's data as a table with headers, every value written as on the page (French)."""
    traces = fig.get("data", [])
    if any(_is_timeline(tr) for tr in traces):
        return _timeline(fig)
    hierarchies = [tr for tr in traces if tr.get("labels") is not None]
    if hierarchies:
        return _hierarchy(hierarchies[0])
    table: dict[str, dict] = {}
    order: list[str] = []
    for name, tr in _series(fig):
        cats, vals = _categories_and_values(tr)
        column = table.setdefault(name, {})
        for c, v in zip(cats, vals, strict=False):
            key = plain(_date(c) if isinstance(c, str) and re.match(r"\d{4}-\d\d-\d\dT", c) else c)
            if key not in order:
                order.append(key)
            column[key] = _number(v)
    df = pd.DataFrame({"Libellé": order})
    for name, column in table.items():
        df[name] = [column.get(k, "—") for k in order]
    # what the chart writes beside each bar (a range « 421 500 – 441 500 € », a total), per panel
    panels = _panels(fig)
    for axis in dict.fromkeys(tr.get("xaxis", "x") for tr in traces if tr.get("type") in ("bar", "scatter")):
        trs = [tr for tr in traces if tr.get("xaxis", "x") == axis and tr.get("type") in ("bar", "scatter")]
        if not any(isinstance(tr.get("text"), (list, dict)) for tr in trs):
            continue
        shown = dict(_shown_per_category(trs))
        name = f"{panels[axis]} – sur le graphique" if axis in panels else "Sur le graphique"
        df[name] = [shown.get(k, "—") for k in order]
    return df


def _shown_per_category(trs: list[dict]) -> list[tuple[str, str]]:
    """(category, what the chart shows for it) over the traces of one panel: the label written on the
    chart when there is one (the last trace's: the end of a stacked bar), else the values added up."""
    shown: dict[str, str] = {}
    totals: dict[str, float] = {}
    for tr in trs:
        cats, vals = _categories_and_values(tr)
        texts = values(tr.get("text")) if isinstance(tr.get("text"), (list, dict)) else []
        for i, c in enumerate(cats):
            key = plain(c)
            if tr.get("mode") != "text" and i < len(vals) and isinstance(vals[i], (int, float)):
                totals[key] = totals.get(key, 0.0) + float(vals[i])
            if i < len(texts) and plain(texts[i]):
                shown[key] = plain(texts[i])
            elif key not in totals and key not in shown:
                totals.setdefault(key, 0.0)
    keys = list(dict.fromkeys([*totals, *shown]))
    return [(k, shown.get(k) or _number(totals.get(k, 0.0))) for k in keys]


def _list(items: list[tuple[str, str]]) -> str:
    head = " ; ".join(f"{c} : {v}" for c, v in items[:MAX_ITEMS])
    more = len(items) - MAX_ITEMS
    return head + (f" ; et {fmt.nombre(more)} autre(s)" if more > 0 else "")


def figure_alt(fig, message: str = "") -> str:
    """alt() of a plotly Figure (a file's chart: PowerPoint), read from its JSON values as drawn; `message`
    (the slide's title) stands for the chart's title when it has none."""
    import json  # noqa: PLC0415

    import plotly.io as pio  # noqa: PLC0415

    return alt(json.loads(pio.to_json(fig, validate=False)), see_data=False, message=message)


def alt(fig: dict, see_data: bool = True, message: str = "") -> str:
    """The accessible name of a chart: its kind, its message (title), its key figures, where the rest is."""
    traces = fig.get("data", [])
    kinds = [tr.get("type", "scatter") for tr in traces]
    kind = _KINDS.get(kinds[0], "graphique") if kinds else "graphique"
    parts = [f"Graphique en {kind}" if kind != "graphique" else "Graphique", title(fig) or plain(message)]
    if any(_is_timeline(tr) for tr in traces):
        t = _timeline(fig)
        if len(t):
            starts = pd.to_datetime(t["Début"], format="%d/%m/%Y")
            ends = pd.to_datetime(t["Fin"], format="%d/%m/%Y")
            parts.append(f"{fmt.nombre(len(t))} barre(s) pour {fmt.nombre(t['Libellé'].nunique())} libellé(s), "
                         f"du {_date(starts.min())} au {_date(ends.max())}")
    elif any(tr.get("labels") is not None for tr in traces):
        h = _hierarchy(next(tr for tr in traces if tr.get("labels") is not None))
        top = h
        if "Dans" in h.columns:  # the first level: under the root when there is a single one
            roots = h[h["Dans"].eq("")]
            top = h[h["Dans"].isin(roots["Libellé"])] if len(roots) == 1 else roots
        parts.append(_list([(r["Libellé"], r.get("Valeur", "")) for _, r in top.iterrows()]))
    else:
        panels = _panels(fig)
        groups: dict[str, list[dict]] = {}
        for tr in traces:
            if tr.get("type") in ("bar", "scatter"):
                groups.setdefault(tr.get("xaxis", "x"), []).append(tr)
        for axis, trs in groups.items():
            if kind == "courbes" and len([t for t in trs if t.get("mode") != "text"]) > 1:
                for name, tr in _series({"data": trs, "layout": fig.get("layout", {})}):
                    cats, vals = _categories_and_values(tr)
                    parts.append(f"{name} : " + _list([(plain(c), _number(v)) for c, v in zip(cats, vals, strict=False)]))
                continue
            items = _list(_shown_per_category(trs))
            parts.append(f"{panels[axis]} : {items}" if axis in panels else items)
    if see_data:  # on a page, the table is one click away
        parts.append("Détail dans « Voir les données »")
    return ". ".join(p.rstrip(".") for p in parts if p) + "."
