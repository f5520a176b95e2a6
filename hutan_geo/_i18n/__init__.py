"""The one Chinese/English label table and the one ``Lang`` type.

Every text a planner reads (table headers, reasons, map labels, CLI
messages) is looked up here by a key namespaced by the part that uses it
(``"io.…"``, ``"net.…"``, ``"map.…"`` …). Chinese is the default; English on
request (``lang="en"``). A text may hold ``str.format`` fields.

Examples
--------
>>> check_lang("en")
'en'
>>> tr("lang.zh", "en")
'Chinese'
>>> pick(("是", "yes"), "zh")
'是'
"""

from __future__ import annotations

from typing import Any, Literal

from hutan_geo._i18n.analysis import LABELS as _ANALYSIS
from hutan_geo._i18n.demo import LABELS as _DEMO
from hutan_geo._i18n.export import LABELS as _EXPORT
from hutan_geo._i18n.geocode import LABELS as _GEOCODE
from hutan_geo._i18n.io import LABELS as _IO
from hutan_geo._i18n.maps import LABELS as _MAPS
from hutan_geo._i18n.model import LABELS as _MODEL
from hutan_geo._i18n.network import LABELS as _NETWORK
from hutan_geo._i18n.pipeline import LABELS as _PIPELINE
from hutan_geo._i18n.province import LABELS as _PROVINCE
from hutan_geo.errors import InputError

__all__ = ["LABELS", "Lang", "check_lang", "lang_index", "pick", "tr"]

Lang = Literal["zh", "en"]


def check_lang(lang: object) -> Lang:
    """Return ``lang`` if it is ``"zh"`` or ``"en"``; else raise :class:`InputError`.

    Raises
    ------
    InputError
        Any other value.
    """
    if lang not in ("zh", "en"):
        msg = f"lang must be 'zh' or 'en'; got {lang!r}"
        raise InputError(msg)
    return lang  # type: ignore[return-value]


def lang_index(lang: object) -> int:
    """Return 0 for Chinese, 1 for English (the position in a label pair); checks ``lang``."""
    return 0 if check_lang(lang) == "zh" else 1


def pick(pair: tuple[str, str], lang: object) -> str:
    """Return the Chinese or English text of a ``(zh, en)`` pair."""
    return pair[lang_index(lang)]


def tr(key: str, lang: object, **fields: Any) -> str:
    """Return the label ``key`` in ``lang``, with ``fields`` filled in when given.

    Raises
    ------
    KeyError
        No such label (a programming error, not a user one).
    """
    text = LABELS[key][lang_index(lang)]
    return text.format(**fields) if fields else text


#: Every label: key → (Chinese, English). Keys are namespaced by the part of
#: the package that uses them; one section per part, in import order.


def _merge(*parts: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Join the parts' label sections into one table; a key defined twice is a programming error."""
    table: dict[str, tuple[str, str]] = {}
    for part in parts:
        twice = table.keys() & part.keys()
        if twice:
            msg = f"label keys defined twice: {sorted(twice)}"
            raise ValueError(msg)
        table.update(part)
    return table


#: Every label: key → (Chinese, English), one table. Keys are namespaced by the
#: part of the package that uses them; each part keeps its section in its own
#: module here (``_i18n/io.py``, ``_i18n/maps.py`` …), in import order.
LABELS: dict[str, tuple[str, str]] = _merge(
    {
        "lang.zh": ("中文", "Chinese"),
        "lang.en": ("英文", "English"),
    },
    _MODEL,
    _IO,
    _GEOCODE,
    _NETWORK,
    _ANALYSIS,
    _MAPS,
    _EXPORT,
    _PIPELINE,
    _PROVINCE,
    _DEMO,
)
