"""Safe text for maps: escaping user text and writing JSON into ``<script>`` elements.

folium 0.20 puts popup and tooltip HTML inside JavaScript template literals,
so HTML escaping alone would still let ``${...}`` run: :func:`safe_text` also
turns ``$``, backticks and backslashes into entities, and the ``{`` that opens
a Jinja tag (branca renders each element's script again as a template).
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["date_text", "js_json", "popup_rows", "popup_table", "safe_text"]

_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def safe_text(value: object) -> str:
    """Escape user text for folium popups, tooltips, layer names and legends.

    HTML special characters become entities, and so do ``$``, backticks and
    backslashes, which would otherwise act inside the JavaScript template
    literals folium wraps popups and tooltips in, and the ``{`` of ``{{``,
    ``{%`` and ``{#``: branca parses each element's rendered script again as
    a Jinja template, so user text must never carry a template tag.

    Examples
    --------
    >>> safe_text("<b>${alert(1)}</b> `x`")
    '&lt;b&gt;&#36;{alert(1)}&lt;/b&gt; &#96;x&#96;'
    >>> safe_text("{{ 7*7 }}")
    '&#123;{ 7*7 }}'
    """
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = html.escape(str(value), quote=True)
    text = text.replace("$", "&#36;").replace("`", "&#96;").replace("\\", "&#92;")
    return _JINJA_OPEN.sub("&#123;", text)


def js_json(obj: object) -> str:
    """Return JSON for a ``<script>`` element: compact, UTF-8, and unable to close the element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def popup_table(rows: list[tuple[str, object]]) -> str:
    """Return an HTML popup table of ``(label, value)`` rows, both escaped; empty values left out."""
    cells = "".join(
        f"<tr><th style='text-align:left;padding-right:6px'>{safe_text(k)}</th><td>{safe_text(v)}</td></tr>"
        for k, v in rows
        if safe_text(v)
    )
    return f"<table style='font-size:12px'>{cells}</table>"


def popup_rows(pairs: Iterable[tuple[str, object]]) -> list[list[str]]:
    """Return popup rows ``[label, value]`` (both escaped) for the text-node popups; empty values left out."""
    return [[safe_text(k), safe_text(v)] for k, v in pairs if safe_text(v)]


def date_text(value: object) -> str:
    """Return ``YYYY-MM-DD`` of a date, timestamp or date text; empty for a missing value."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")
