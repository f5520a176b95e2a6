"""Address text in the one form used for matching.

Examples
--------
>>> normalise_address("城关一小 东门外 五十米")
'城关一小东门外50米'
"""

from __future__ import annotations

import re

from hutan_geo.geocode.fold import fold_short_digits, fold_traditional
from hutan_geo.model.schema import chinese_number, normalise_text

__all__ = ["MAX_ADDRESS_CHARS", "normalise_address"]

#: Longer address text is not parsed (``unmatched`` with a reason).
MAX_ADDRESS_CHARS = 200

_CN_NUM = re.compile(r"(?<!几)[零〇一二两三四五六七八九十百千]+(?=号|米|组|弄)")
_JUNK = re.compile(r"[\s\"'“”‘’,，。;；:：!！?？()（）\[\]【】<>《》]+")


def normalise_address(text: object) -> str:
    """Return address text in the form used for matching.

    Full width folded to half width, traditional characters to simplified
    (OpenCC), spaces and punctuation removed (the separators ``/`` and ``、``
    are kept), Chinese numerals before 号/米/组 turned into digits, Arabic
    digits of short school names into Chinese (``县1中`` → ``县一中``), ``G207``-style prefixes kept upper case and
    ``路口``/``交汇处`` spellings left for :func:`~hutan_geo.geocode.geocode` to parse.

    Parameters
    ----------
    text
        Any value; ``None`` and numbers are accepted.

    Returns
    -------
    str
        The normalised text (empty for ``None``).

    Examples
    --------
    >>> normalise_address(" 人民路 一百二十八号 ")
    '人民路128号'
    >>> normalise_address("解放路／青年路 路口")
    '解放路/青年路路口'
    >>> normalise_address("青嵐縣城關1小")
    '青岚县城关一小'
    """
    value = fold_traditional(normalise_text(text))
    value = _JUNK.sub("", value).upper()
    value = value.replace("－", "-").replace("＆", "&")
    return fold_short_digits(_CN_NUM.sub(lambda m: str(chinese_number(m.group(0))), value))
