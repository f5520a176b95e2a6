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
LABELS: dict[str, tuple[str, str]] = {
    "lang.zh": ("中文", "Chinese"),
    "lang.en": ("英文", "English"),
    # -- model --
    # -- io --
    # -- geocode --
    # -- network --
    # -- analysis --
    # -- maps --
    # -- export --
    # -- pipeline and cli --
    # -- demo --
}
