"""The title block of a map for meetings and slides: district, what it shows, data as of, and a marking."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from branca.element import MacroElement
from folium.template import Template

from hutan_geo._i18n import check_lang
from hutan_geo.errors import InputError
from hutan_geo.maps._safe import date_text, js_json
from hutan_geo.maps._state import t

if TYPE_CHECKING:
    import folium

__all__ = ["DEFAULT_MARKING", "TitleBlock", "add_title_block"]

#: The marking printed on every map of a meeting packet unless the user gives another.
DEFAULT_MARKING = "内部资料"


class TitleBlock(MacroElement):
    """A box at the top centre of the map: the title, then the district, the data date and the marking.

    Every text is set with ``textContent`` (never parsed as HTML) from a JSON
    block in which ``<``, ``{`` and ``}`` are written as JSON unicode escapes, so
    no user text can close the script, run as a template or become markup.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
  var text = {{ this.payload }};
  var box = document.createElement("div");
  box.className = "hutan-title-block";
  box.style.cssText = "position:absolute;top:10px;left:50%;transform:translateX(-50%);z-index:1000;" +
    "background:rgba(255,255,255,.94);border:1px solid #666;border-radius:4px;padding:6px 14px;" +
    "font:13px/1.45 'Noto Sans CJK SC','Microsoft YaHei',sans-serif;color:#222;text-align:center;" +
    "pointer-events:none;max-width:70%;box-shadow:0 1px 4px rgba(0,0,0,.25)";
  var title = document.createElement("div");
  title.style.cssText = "font-size:17px;font-weight:bold";
  title.textContent = text[0];
  box.appendChild(title);
  var line = document.createElement("div");
  line.textContent = text[1];
  if (text[2]) {
    var mark = document.createElement("span");
    mark.style.cssText = "margin-left:10px;padding:0 6px;border:1px solid #b00;color:#b00;font-weight:bold";
    mark.textContent = text[2];
    line.appendChild(mark);
  }
  box.appendChild(line);
  {{ this._parent.get_name() }}.getContainer().appendChild(box);
})();
{% endmacro %}"""
    )

    def __init__(self, title: str, line: str, marking: str) -> None:
        super().__init__()
        self._name = "HutanTitleBlock"
        self.texts = (title, line, marking)
        self.payload = js_json(list(self.texts)).replace("{", "\\u007b").replace("}", "\\u007d")


def add_title_block(
    m: folium.Map,
    title: str,
    *,
    district: str,
    as_of: dt.date | str | None = None,
    marking: str = DEFAULT_MARKING,
    lang: str = "zh",
) -> folium.Map:
    """Put a title block on a map: what it shows, the district, the data date and a marking such as 内部资料.

    The block sits at the top centre and is drawn in the PNG of the map too.
    A second call replaces the first.

    Parameters
    ----------
    m
        The map.
    title
        What the map shows (``"巡逻路线·早高峰（入校）"``).
    district
        The district's name (``"青岚县"``).
    as_of
        The date of the data (a date or ``YYYY-MM-DD``); left out when None.
    marking
        The marking (default 内部资料, "internal"); empty for none.
    lang
        Language of the "data as of" words.

    Returns
    -------
    folium.Map
        The same map.

    Raises
    ------
    InputError
        An ``as_of`` that is no date.

    Examples
    --------
    >>> import folium
    >>> m = add_title_block(folium.Map(), "概览地图", district="青岚县", as_of="2026-11-29")
    >>> "概览地图" in m.get_root().render()
    True
    """
    lang = check_lang(lang)
    try:
        day = date_text(as_of) if as_of is not None else ""
    except (TypeError, ValueError):
        msg = f"as_of must be a date (YYYY-MM-DD); got {as_of!r}"
        raise InputError(msg) from None
    parts = [str(district)] if district else []
    if day:
        parts.append(t("as_of", lang).format(date=day))
    line = "  ·  ".join(parts)
    m.add_child(TitleBlock(str(title), line, str(marking or "")), name="hutan_title_block")
    return m
