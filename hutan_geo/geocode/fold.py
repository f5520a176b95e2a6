"""Folding the spellings clerks use into the gazetteer's: traditional characters, digits, pinyin.

- Traditional characters are folded to simplified with OpenCC (``t2s``), in
  :func:`~hutan_geo.geocode.normalise_address`.
- Arabic digits in short school names (``城东3小``, ``县1中``) become Chinese
  numerals (``城东三小``, ``县一中``), also in :func:`~hutan_geo.geocode.normalise_address`.
- Pinyin (``xinhua jie 8 hao``, ``shiqiao zhongxue``, ``石桥zhongxue``) is read
  back into Chinese through the gazetteer's own names written in tone-free
  pinyin (and their initials, ``cgyx`` = 城关一小) by a :class:`PinyinIndex`.

Examples
--------
>>> fold_traditional("青嵐縣城關鎮")
'青岚县城关镇'
>>> fold_short_digits("城东3小门口")
'城东三小门口'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["PinyinIndex", "fold_short_digits", "fold_traditional", "pinyin_of", "same_sound"]

_DIGIT_CN = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
_SHORT_DIGITS = re.compile(r"(?<![\d.])(10|[1-9])(?=(?:中学|小学|中|小|幼儿园|幼|完小)(?!心|队|组|区))")
_LATIN = re.compile(r"[A-Za-z]")
_ANY_DIGIT = re.compile(r"\d")
_HAN = re.compile(r"[\u4e00-\u9fff]")

#: Address words read back from pinyin (the gazetteer's names come first).
_WORDS = [
    "门口",
    "校门",
    "正门",
    "大门",
    "东门",
    "南门",
    "西门",
    "北门",
    "侧门",
    "后门",
    "对面",
    "旁边",
    "附近",
    "交叉口",
    "十字路口",
    "路口",
    "交口",
    "交汇处",
    "交界处",
    "交叉路口",
    "往东",
    "往南",
    "往西",
    "往北",
    "东侧",
    "南侧",
    "西侧",
    "北侧",
    "约",
    "米",
    "号",
    "与",
    "和",
    "县",
    "镇",
    "乡",
    "村",
    "组",
    "路",
    "街",
    "巷",
    "大道",
    "中学",
    "小学",
    "幼儿园",
    "医院",
    "卫生院",
    "市场",
    "门",
    "外",
    "旁",
    "东",
    "南",
    "西",
    "北",
    "口",
    "侧",
    "边",
    "面",
    "处",
    "向",
]


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def fold_traditional(text: str) -> str:
    """Return ``text`` with traditional characters folded to simplified (OpenCC ``t2s``).

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str
        The simplified text (characters without a traditional form unchanged).

    Examples
    --------
    >>> fold_traditional("龍崗鎮衛生院")
    '龙岗镇卫生院'
    """
    return _converter().convert(text) if text else text


def fold_short_digits(text: str) -> str:
    """Write the Arabic digit of a short school name as a Chinese numeral (``县1中`` → ``县一中``).

    Parameters
    ----------
    text
        Normalised address text.

    Returns
    -------
    str
        The text with ``1``-``10`` before 中/小/中学/小学/幼儿园 written in Chinese.

    Examples
    --------
    >>> fold_short_digits("县1中南门")
    '县一中南门'
    >>> fold_short_digits("人民路10号")
    '人民路10号'
    """
    if not _ANY_DIGIT.search(text):
        return text
    return _SHORT_DIGITS.sub(lambda m: "十" if m.group(1) == "10" else _DIGIT_CN[m.group(1)], text)


@lru_cache(maxsize=4096)
def pinyin_of(text: str) -> str:
    """Return the tone-free pinyin of Chinese text, syllables joined (``城关`` → ``chengguan``).

    Parameters
    ----------
    text
        Chinese text; other characters are kept (lower case).

    Returns
    -------
    str
        The pinyin without tones or separators.

    Examples
    --------
    >>> pinyin_of("新华街")
    'xinhuajie'
    """
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text)).lower().replace(" ", "")


def same_sound(a: str, b: str) -> bool:
    """Return whether two Chinese strings read the same in tone-free pinyin (homophones).

    Parameters
    ----------
    a, b
        Chinese text.

    Returns
    -------
    bool
        True for homophones such as ``青兰县`` / ``青岚县`` or ``占`` / ``站``.

    Examples
    --------
    >>> same_sound("青兰县", "青岚县"), same_sound("一", "二")
    (True, False)
    """
    return len(a) == len(b) and pinyin_of(a) == pinyin_of(b)


def _initials(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(s[:1] for s in lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


@dataclass
class PinyinIndex:
    """Gazetteer names and address words keyed by their tone-free pinyin, to read pinyin back.

    Attributes
    ----------
    full
        Pinyin (``chengguanyixiao``) -> the Chinese spellings that read so.
    initials
        Initials (``cgyx``) of names of three or more characters -> spellings.
    longest
        Length of the longest pinyin key (bounds the greedy scan).
    """

    full: dict[str, set[str]] = field(default_factory=dict)
    initials: dict[str, set[str]] = field(default_factory=dict)
    longest: int = 0

    @classmethod
    def build(cls, names: Iterable[str]) -> PinyinIndex:
        """Index Chinese names (and the common address words) by pinyin and initials.

        Parameters
        ----------
        names
            Name variants of a gazetteer.

        Returns
        -------
        PinyinIndex
            The index.
        """
        index = cls()
        for name in [*names, *_WORDS]:
            if not _HAN.search(name) or _LATIN.search(name):
                continue
            key = pinyin_of(name)
            index.full.setdefault(key, set()).add(name)
            index.longest = max(index.longest, len(key))
            if len(name) >= 3 and name.isalpha():
                index.initials.setdefault(_initials(name), set()).add(name)
        return index

    def read(self, text: str) -> tuple[str, bool]:
        """Read pinyin in ``text`` back into Chinese through the indexed names.

        Parameters
        ----------
        text
            Address text with latin letters (Chinese characters and digits may be mixed in).

        Returns
        -------
        tuple
            ``(chinese, ok)``: the text in Chinese, and whether every letter
            was read as one unambiguous name or word.
        """
        joined, ok = self._read_tokens(re.findall(r"[a-z]+|\d+|[^a-z\d\s]", re.sub(r"\s+", "", text.lower())))
        if ok:
            return joined, ok
        return self._read_tokens(re.findall(r"[a-z]+|\d+|[^a-z\d\s]", text.lower()))

    def _read_tokens(self, tokens: list[str]) -> tuple[str, bool]:
        """Read tokens (runs of letters, digits, other characters) one by one."""
        out: list[str] = []
        ok = True
        for i, token in enumerate(tokens):
            if not (token.isascii() and token.isalpha()):
                out.append(token)
                continue
            if token in ("g", "s", "x") and i + 1 < len(tokens) and tokens[i + 1].isdigit():
                out.append(token.upper())  # G207: a road's ref, not pinyin
                continue
            word = self._one(self.initials.get(token)) if len(token) >= 3 else None
            if word is not None and token not in self.full:
                out.append(word)
                continue
            read, good = self._greedy(token)
            out.append(read)
            ok = ok and good
        return "".join(out), ok

    def _greedy(self, letters: str) -> tuple[str, bool]:
        """Longest known pinyin first, left to right."""
        out, i, ok = [], 0, True
        while i < len(letters):
            for j in range(min(len(letters), i + self.longest), i, -1):
                word = self._one(self.full.get(letters[i:j]))
                if word is not None:
                    out.append(word)
                    i = j
                    break
            else:
                return letters, False
        return "".join(out), ok

    @staticmethod
    def _one(spellings: set[str] | None) -> str | None:
        """Return the spelling of a pinyin key when it is unambiguous (homophones are not guessed)."""
        if not spellings or len(spellings) > 1:
            return None
        return next(iter(spellings))
