"""The data model: vocabularies, canonical columns and header aliases.

Every dataset the package reads (schools, hazards, police stations,
boundaries, ...) is described by a :class:`DatasetSpec`: its canonical
columns (English ``snake_case``), the Chinese and English headers accepted for
each, how each value is parsed and which vocabulary it belongs to. The
validation engine in :mod:`hutan_geo.io.validate` applies a spec to a raw table.

Vocabularies follow ``ARCHITECTURE.md``: hazard categories, rectification
statuses (the closed loop 发现→汇总→交办→整改→销号), school levels, severities,
peak windows, boundary kinds and road classes. Each code has a Simplified
Chinese and an English label; :func:`label` picks one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from hutan_geo._i18n import check_lang, pick
from hutan_geo.errors import InputError

__all__ = [
    "BOUNDARIES",
    "BOUNDARY_KINDS",
    "CAMPUSES",
    "CATEGORIES",
    "DEFAULT_WINDOWS",
    "GATES",
    "GUARD_POSTS",
    "HAZARDS",
    "LEVELS",
    "PLACES",
    "ROADS",
    "ROAD_CLASSES",
    "SCHOOLS",
    "SEVERITIES",
    "SPECS",
    "STATIONS",
    "STATUSES",
    "STATUS_ORDER",
    "WINDOWS",
    "Column",
    "DatasetSpec",
    "Vocab",
    "chinese_number",
    "label",
    "normalise_header",
    "normalise_text",
    "spec_for",
]


def normalise_text(value: object) -> str:
    """Return ``value`` as clean text: NFKC (full width to half width), trimmed.

    Examples
    --------
    >>> normalise_text("  １２８号　")
    '128号'
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u3000", " ").strip()


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def chinese_number(text: str) -> int | None:
    """Return the value of a Chinese numeral, or None when ``text`` is not one.

    Both forms are read: with units (``一百二十八``) and digit by digit
    (``一二八``, as in house numbers).

    Examples
    --------
    >>> chinese_number("一百二十八"), chinese_number("一二八"), chinese_number("十五"), chinese_number("多")
    (128, 128, 15, None)
    """
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


_HEADER_JUNK = re.compile(r"[\s*:：、_\-.·]+")
_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")


def normalise_header(value: object, *, strip_brackets: bool = False) -> str:
    """Return a header in the form used for alias look-up.

    Full width folded to half width, lower case, spaces, underscores, stars
    and colons removed; with ``strip_brackets`` a bracketed suffix such as
    ``（必填）`` or ``(°)`` is dropped too.

    Examples
    --------
    >>> normalise_header(" 经度（°）", strip_brackets=True)
    '经度'
    >>> normalise_header("School_ID")
    'schoolid'
    """
    text = normalise_text(value).lower()
    if strip_brackets:
        text = _BRACKETED.sub("", text)
    return _HEADER_JUNK.sub("", text)


@dataclass(frozen=True)
class Vocab:
    """A closed vocabulary: codes, their labels, and accepted aliases.

    Parameters
    ----------
    name
        The vocabulary's name, e.g. ``"category"``.
    labels
        ``code -> (Chinese label, English label)``, in display order.
    aliases
        Extra accepted spellings (any case, full or half width) per code.
    """

    name: str
    labels: dict[str, tuple[str, str]]
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Check that every alias points to a known code."""
        unknown = set(self.aliases) - set(self.labels)
        if unknown:
            msg = f"vocabulary {self.name!r}: aliases for unknown codes {sorted(unknown)}"
            raise ValueError(msg)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes in display order."""
        return tuple(self.labels)

    def lookup(self) -> dict[str, str]:
        """Return ``normalised spelling -> code`` for every code, label and alias."""
        table: dict[str, str] = {}
        for code, (zh, en) in self.labels.items():
            for spelling in (code, zh, en, *self.aliases.get(code, ())):
                table[normalise_header(spelling)] = code
        return table

    def parse(self, value: object) -> str | None:
        """Return the code for ``value`` or None when it is not recognised.

        Examples
        --------
        >>> CATEGORIES.parse("交通安全"), CATEGORIES.parse("Food safety"), CATEGORIES.parse("?")
        ('traffic', 'food_safety', None)
        """
        return self._table.get(normalise_header(value))

    def accepted(self, lang: str = "zh") -> str:
        """Return the accepted values as one readable string."""
        idx = 0 if lang == "zh" else 1
        return (
            "、".join(f"{v[idx]}" for v in self.labels.values())
            if lang == "zh"
            else ", ".join(f"{code} ({v[0]})" for code, v in self.labels.items())
        )

    @property
    def _table(self) -> dict[str, str]:
        cached = self.__dict__.get("_lookup_cache")
        if cached is None:
            cached = self.lookup()
            object.__setattr__(self, "_lookup_cache", cached)
        return cached


def label(vocab: Vocab, code: str, lang: str = "zh") -> str:
    """Return the display label of ``code`` in ``lang`` (``"zh"`` or ``"en"``).

    Examples
    --------
    >>> label(STATUSES, "closed"), label(STATUSES, "closed", "en")
    ('销号', 'closed')
    """
    check_lang(lang)
    if code not in vocab.labels:
        msg = f"{code!r} is not a {vocab.name} code; expected one of {', '.join(vocab.codes)}"
        raise InputError(msg)
    return pick(vocab.labels[code], lang)


CATEGORIES = Vocab(
    "category",
    {
        "traffic": ("交通安全", "traffic"),
        "food_safety": ("食品安全", "food safety"),
        "public_order": ("社会治安", "public order"),
        "cultural_market": ("文化市场", "cultural market"),
        "other": ("其他", "other"),
    },
    {
        "traffic": ("交通", "交通隐患", "道路交通", "道路交通安全", "交通秩序", "交通安全隐患"),
        "food_safety": ("食品", "食品安全隐患", "食品卫生", "流动摊贩", "无证摊贩", "摊贩"),
        "public_order": ("治安", "治安隐患", "社会治安隐患", "治安秩序"),
        "cultural_market": ("文化", "文化市场隐患", "网吧", "文化娱乐"),
        "other": ("其它", "其他隐患", "其它隐患"),
    },
)

STATUSES = Vocab(
    "status",
    {
        "found": ("发现", "found"),
        "consolidated": ("汇总", "consolidated"),
        "assigned": ("交办", "assigned"),
        "rectified": ("整改完成", "rectified"),
        "closed": ("销号", "closed"),
    },
    {
        "found": ("已发现", "发现问题", "新发现", "待汇总"),
        "consolidated": ("已汇总", "汇总问题", "待交办"),
        "assigned": ("已交办", "交办督办", "督办", "已督办", "整改中", "正在整改", "待整改"),
        "rectified": ("已整改", "整改完毕", "已完成整改", "已完成", "待销号"),
        "closed": ("已销号", "整改销号", "已关闭", "办结", "已办结"),
    },
)

#: Order of the rectification loop; transitions only go forward.
STATUS_ORDER: dict[str, int] = {code: i for i, code in enumerate(STATUSES.codes)}

LEVELS = Vocab(
    "level",
    {
        "kindergarten": ("幼儿园", "kindergarten"),
        "primary": ("小学", "primary"),
        "junior": ("初中", "junior secondary"),
        "senior": ("高中", "senior secondary"),
        "nine_year": ("九年一贯制", "nine-year school"),
        "complete_middle": ("完全中学", "complete middle school"),
        "vocational": ("职校", "vocational school"),
    },
    {
        "kindergarten": ("学前", "学前教育", "幼儿园(学前)", "kindergarden"),
        "primary": ("小学部", "完小", "完全小学", "中心小学", "教学点", "primary school"),
        "junior": ("初级中学", "初中部", "junior"),
        "senior": ("高级中学", "普通高中", "高中部", "senior"),
        "nine_year": ("九年制", "九年一贯制学校", "九年一贯"),
        "complete_middle": ("完中", "完全中学(初中+高中)", "完全中学校"),
        "vocational": ("职业学校", "职业中学", "职业中专", "中职", "中专", "职高", "技工学校", "vocational"),
    },
)

SEVERITIES = Vocab(
    "severity",
    {
        "low": ("一般", "low"),
        "medium": ("较大", "medium"),
        "high": ("重大", "high"),
    },
    {
        "low": ("轻微", "低", "一般隐患", "一般风险"),
        "medium": ("中等", "中", "较大隐患", "较大风险"),
        "high": ("严重", "高", "重大隐患", "重大风险"),
    },
)

WINDOWS = Vocab(
    "window",
    {
        "arrival": ("早高峰", "morning arrival"),
        "noon": ("午高峰", "noon"),
        "dismissal": ("晚高峰", "afternoon dismissal"),
    },
    {
        "arrival": ("早", "上学", "到校", "早上", "上午"),
        "noon": ("午", "中午", "午间", "午间放学"),
        "dismissal": ("晚", "放学", "下午", "下午放学", "傍晚"),
    },
)

BOUNDARY_KINDS = Vocab(
    "boundary_kind",
    {
        "county": ("县", "county"),
        "township": ("乡镇", "township"),
        "precinct": ("派出所辖区", "police precinct"),
        "village": ("村/社区", "village"),
        "other": ("其他", "other"),
    },
    {
        "county": ("区", "县区", "县级市", "区县", "district"),
        "township": ("镇", "乡", "街道", "乡镇街道"),
        "precinct": ("辖区", "警务区", "派出所", "precinct"),
        "village": ("村", "社区", "行政村"),
        "other": ("其它",),
    },
)

ROAD_CLASSES = Vocab(
    "road_class",
    {
        "national_highway": ("国道", "national highway"),
        "provincial_highway": ("省道", "provincial highway"),
        "arterial": ("主干路", "arterial"),
        "collector": ("次干路", "collector"),
        "local": ("支路", "local street"),
        "county_road": ("县道", "county road"),
        "village_road": ("村道", "village road"),
    },
    {
        "national_highway": ("trunk", "primary_highway"),
        "provincial_highway": ("primary",),
        "arterial": ("主干道", "secondary"),
        "collector": ("次干道", "tertiary"),
        "local": ("街巷", "小巷", "residential", "unclassified", "living_street"),
        "county_road": ("乡道",),
        "village_road": ("村路", "track", "service"),
    },
)

#: Default peak windows by school level, minutes after midnight, used when a
#: school's own windows are not given: (arrival, noon, dismissal); None = none.
DEFAULT_WINDOWS: dict[str, tuple[tuple[int, int] | None, ...]] = {
    "kindergarten": ((7 * 60 + 50, 8 * 60 + 30), None, (16 * 60, 16 * 60 + 40)),
    "primary": ((7 * 60 + 20, 7 * 60 + 50), (11 * 60 + 40, 12 * 60 + 10), (16 * 60 + 30, 17 * 60 + 10)),
    "nine_year": ((7 * 60 + 15, 7 * 60 + 45), (11 * 60 + 45, 12 * 60 + 15), (16 * 60 + 45, 17 * 60 + 30)),
    "junior": ((7 * 60 + 10, 7 * 60 + 40), (11 * 60 + 50, 12 * 60 + 20), (17 * 60, 17 * 60 + 40)),
    "senior": ((7 * 60, 7 * 60 + 30), (12 * 60, 12 * 60 + 30), (17 * 60 + 30, 18 * 60)),
    "complete_middle": ((7 * 60, 7 * 60 + 30), (12 * 60, 12 * 60 + 30), (17 * 60 + 30, 18 * 60)),
    "vocational": ((7 * 60 + 30, 8 * 60), (12 * 60, 12 * 60 + 30), (17 * 60, 17 * 60 + 40)),
}

Kind = Literal[
    "id",
    "text",
    "int",
    "float",
    "bool",
    "date",
    "date_list",
    "vocab",
    "vocab_list",
    "window",
    "lon",
    "lat",
    "coords",
    "datum",
]


@dataclass(frozen=True)
class Column:
    """One canonical column of a dataset.

    Parameters
    ----------
    name
        Canonical (English) name in the validated frame.
    kind
        How values are parsed.
    zh, en
        Export headers for planners (Chinese) and for English output.
    aliases
        Further accepted input headers.
    required
        Whether the column must be present in the file.
    vocab
        The vocabulary for ``vocab`` and ``vocab_list`` columns.
    min_value
        Smallest accepted number for ``int``/``float`` columns.
    """

    name: str
    kind: Kind
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    vocab: Vocab | None = None
    min_value: float | None = None

    def __post_init__(self) -> None:
        """Check that vocabulary columns name their vocabulary."""
        if self.kind in ("vocab", "vocab_list") and self.vocab is None:
            msg = f"column {self.name!r} of kind {self.kind!r} needs a vocab"
            raise ValueError(msg)

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every accepted header, canonical name first."""
        return (self.name, self.zh, self.en, *self.aliases)

    def header(self, lang: str = "zh") -> str:
        """Return the column's header for planners in ``lang`` (``"zh"`` or ``"en"``).

        Examples
        --------
        >>> SCHOOLS.column("enrolment").header("en")
        'enrolment'
        """
        return pick((self.zh, self.en), lang)


@dataclass(frozen=True)
class DatasetSpec:
    """What a dataset's table must look like.

    Parameters
    ----------
    kind
        Dataset name, e.g. ``"hazards"``.
    zh, en
        Its name for planners.
    columns
        The canonical columns.
    geometry
        ``"point"`` (from lon/lat columns or a point layer), ``"polygon"`` or
        ``"line"`` (from a spatial file), or ``"none"`` (a plain table such as
        the school security profiles: rows keep an empty geometry).
    id_column
        The identifier column, checked for duplicates; generated from the
        source row when the file has none.
    id_prefix
        Prefix of generated identifiers.
    address_fallback
        Keep point rows with an address but no coordinates, flagged
        ``needs_geocoding``, instead of rejecting them.
    required_any
        Groups of columns of which at least one must be present.
    """

    kind: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    geometry: Literal["point", "polygon", "line", "none"]
    id_column: str | None = None
    id_prefix: str = "R"
    address_fallback: bool = False
    required_any: tuple[tuple[str, ...], ...] = ()

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        msg = f"dataset {self.kind!r} has no column {name!r}"
        raise KeyError(msg)

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical column names in order."""
        return tuple(c.name for c in self.columns)


def _location_columns(*, address: bool = True) -> tuple[Column, ...]:
    cols = [
        Column("lon", "lon", "经度", "longitude", ("lng", "long", "x", "经度坐标", "东经", "经度e")),
        Column("lat", "lat", "纬度", "latitude", ("y", "纬度坐标", "北纬", "纬度n")),
        Column(
            "coordinates",
            "coords",
            "坐标",
            "coordinates",
            ("经纬度", "经纬度坐标", "坐标经度纬度", "坐标(经度,纬度)", "位置坐标", "lnglat", "lonlat"),
        ),
        Column("datum", "datum", "坐标系", "datum", ("坐标系统", "坐标类型", "坐标来源", "crs")),
    ]
    if address:
        cols.insert(0, Column("address", "text", "地址", "address", ("详细地址", "具体地址", "位置描述")))
    return tuple(cols)


SCHOOLS = DatasetSpec(
    "schools",
    "学校",
    "schools",
    (
        Column("school_id", "id", "学校编号", "school id", ("学校代码", "学校标识码", "编号", "代码", "id")),
        Column("name", "text", "学校名称", "name", ("名称", "学校", "校名", "school", "school name"), required=True),
        Column(
            "level",
            "vocab",
            "学段",
            "level",
            ("学校类型", "办学类型", "学校类别", "类别", "类型", "办学层次"),
            required=True,
            vocab=LEVELS,
        ),
        *_location_columns(),
        Column(
            "enrolment",
            "int",
            "在校人数",
            "enrolment",
            ("在校生数", "在校学生数", "学生人数", "学生数", "在校生人数", "人数", "enrollment"),
            min_value=0,
        ),
        Column("boarders", "int", "寄宿生人数", "boarders", ("住校生人数", "寄宿人数", "住校人数"), min_value=0),
        Column("boarding", "bool", "是否寄宿", "boarding", ("寄宿", "住校", "是否住校", "寄宿制")),
        Column("township", "text", "乡镇", "township", ("所属乡镇", "乡镇街道", "所在乡镇", "街道")),
        Column("station", "text", "派出所", "police station", ("所属派出所", "辖区派出所", "责任派出所")),
        Column(
            "arrival",
            "window",
            "到校时段",
            "arrival window",
            ("到校时间", "上学时间", "早高峰时段", "早到校时段", "入校时段"),
        ),
        Column(
            "noon", "window", "午间放学时段", "noon window", ("午放学时段", "午高峰时段", "中午放学时间", "午间时段")
        ),
        Column(
            "dismissal",
            "window",
            "下午放学时段",
            "dismissal window",
            ("放学时段", "放学时间", "晚高峰时段", "下午放学时间", "离校时段"),
        ),
    ),
    geometry="point",
    id_column="school_id",
    id_prefix="S",
    required_any=(("lon", "coordinates"),),
)

HAZARDS = DatasetSpec(
    "hazards",
    "隐患",
    "hazards",
    (
        Column("hazard_id", "id", "隐患编号", "hazard id", ("编号", "序号", "问题编号", "id")),
        Column(
            "category",
            "vocab",
            "隐患类别",
            "category",
            ("类别", "隐患类型", "问题类别", "问题类型", "类型", "隐患分类"),
            required=True,
            vocab=CATEGORIES,
        ),
        Column("subtype", "text", "隐患子类", "subtype", ("隐患小类", "场所类型", "子类")),
        Column(
            "description",
            "text",
            "隐患描述",
            "description",
            ("问题描述", "隐患内容", "存在问题", "具体问题", "隐患情况", "描述", "问题"),
        ),
        *_location_columns(address=False),
        Column(
            "address",
            "text",
            "地址",
            "address",
            ("隐患地址", "隐患位置", "位置", "具体位置", "地点", "详细地址", "发现地点", "隐患地点"),
        ),
        Column("severity", "vocab", "严重程度", "severity", ("隐患等级", "等级", "风险等级", "级别"), vocab=SEVERITIES),
        Column(
            "status",
            "vocab",
            "整改状态",
            "status",
            ("状态", "处理状态", "进度", "办理状态", "整改情况"),
            vocab=STATUSES,
        ),
        Column("department", "text", "责任单位", "responsible department", ("责任部门", "整改责任单位", "责任主体")),
        Column("found_date", "date", "发现日期", "found date", ("发现时间", "排查日期", "检查日期", "排查时间")),
        Column("consolidated_date", "date", "汇总日期", "consolidated date", ("汇总时间",)),
        Column("assigned_date", "date", "交办日期", "assigned date", ("交办时间", "督办日期")),
        Column("deadline", "date", "整改期限", "deadline", ("整改时限", "期限", "完成时限", "整改截止日期")),
        Column("rectified_date", "date", "整改完成日期", "rectified date", ("整改日期", "完成日期", "整改完成时间")),
        Column("closed_date", "date", "销号日期", "closed date", ("销号时间", "办结日期")),
        Column("school_name", "text", "关联学校", "school", ("涉及学校", "所属学校", "周边学校", "学校", "学校名称")),
        Column("team", "text", "检查组", "inspection team", ("检查单位", "排查单位", "排查组")),
    ),
    geometry="point",
    id_column="hazard_id",
    id_prefix="H",
    address_fallback=True,
    required_any=(("lon", "coordinates", "address"),),
)

STATIONS = DatasetSpec(
    "stations",
    "派出所",
    "police stations",
    (
        Column("station_id", "id", "派出所编号", "station id", ("编号", "单位编号", "id")),
        Column("name", "text", "派出所名称", "name", ("派出所", "名称", "单位名称", "单位"), required=True),
        *_location_columns(),
        Column(
            "patrol_cars",
            "int",
            "巡逻车数量",
            "patrol cars",
            ("巡逻车", "警车数量", "巡逻车辆数", "车辆数"),
            min_value=0,
        ),
        Column("officers", "int", "民警人数", "officers", ("警力", "警力人数", "民警数"), min_value=0),
    ),
    geometry="point",
    id_column="station_id",
    id_prefix="P",
    required_any=(("lon", "coordinates"),),
)

BOUNDARIES = DatasetSpec(
    "boundaries",
    "行政区划",
    "boundaries",
    (
        Column("name", "text", "名称", "name", ("区划名称", "辖区名称", "单位名称"), required=True),
        Column("kind", "vocab", "类型", "kind", ("级别", "层级", "区划类型"), vocab=BOUNDARY_KINDS),
        Column("code", "id", "编码", "code", ("区划代码", "代码", "编号")),
        Column("parent", "text", "上级", "parent", ("所属", "上级区划")),
        Column("station", "text", "派出所", "police station", ("所属派出所", "责任派出所")),
    ),
    geometry="polygon",
    id_column="code",
    id_prefix="B",
)

CAMPUSES = DatasetSpec(
    "campuses",
    "校园范围",
    "campuses",
    (
        Column("school_id", "id", "学校编号", "school id", ("学校代码", "编号", "id"), required=True),
        Column("name", "text", "学校名称", "name", ("名称", "学校")),
    ),
    geometry="polygon",
    id_column="school_id",
)

GATES = DatasetSpec(
    "gates",
    "校门",
    "school gates",
    (
        Column("school_id", "text", "学校编号", "school id", ("学校代码", "id"), required=True),
        Column("gate_name", "text", "校门名称", "gate", ("校门", "门", "出入口", "大门"), required=True),
        *_location_columns(address=False),
        Column("is_main", "bool", "是否主门", "main gate", ("主门", "是否正门")),
    ),
    geometry="point",
    id_prefix="G",
    required_any=(("lon", "coordinates"),),
)

GUARD_POSTS = DatasetSpec(
    "guard_posts",
    "护学岗",
    "school guard posts",
    (
        Column("post_id", "id", "护学岗编号", "post id", ("编号", "岗位编号", "id")),
        Column("school_id", "text", "学校编号", "school id", ("学校代码",)),
        Column("gate_name", "text", "校门名称", "gate", ("校门", "岗位位置")),
        Column("windows", "vocab_list", "时段", "windows", ("执勤时段", "勤务时段", "上岗时段"), vocab=WINDOWS),
        *_location_columns(address=False),
        Column("station", "text", "派出所", "police station", ("所属派出所", "责任派出所")),
    ),
    geometry="point",
    id_column="post_id",
    id_prefix="GP",
    required_any=(("lon", "coordinates"),),
)

PLACES = DatasetSpec(
    "places",
    "地名",
    "places",
    (
        Column("name", "text", "名称", "name", ("地名", "地点名称", "place"), required=True),
        Column("kind", "text", "类型", "kind", ("类别", "地名类型")),
        *_location_columns(address=False),
        Column("township", "text", "乡镇", "township", ("所属乡镇",)),
    ),
    geometry="point",
    id_prefix="PL",
    required_any=(("lon", "coordinates"),),
)

ROADS = DatasetSpec(
    "roads",
    "道路",
    "roads",
    (
        Column("road_id", "id", "道路编号", "road id", ("编号", "id", "osmid")),
        Column("name", "text", "道路名称", "name", ("名称", "路名")),
        Column("ref", "text", "道路编码", "ref", ("路线编号", "编码")),
        Column("road_class", "vocab", "道路等级", "road class", ("等级", "highway", "fclass"), vocab=ROAD_CLASSES),
        Column("speed_kph", "float", "限速", "speed km/h", ("设计速度", "速度", "maxspeed"), min_value=1),
        Column("oneway", "bool", "单行", "one-way", ("是否单行", "单行道")),
        Column("bridge", "bool", "桥梁", "bridge", ("是否桥梁", "桥")),
        Column("lanes", "int", "车道数", "lanes", ("车道",), min_value=1),
    ),
    geometry="line",
    id_column="road_id",
    id_prefix="RD",
)

#: Every dataset the loaders know, by kind (the security profiles are added by :mod:`hutan_geo.model.security`).
SPECS: dict[str, DatasetSpec] = {
    s.kind: s for s in (SCHOOLS, HAZARDS, STATIONS, BOUNDARIES, CAMPUSES, GATES, GUARD_POSTS, PLACES, ROADS)
}


def spec_for(kind: str) -> DatasetSpec:
    """Return the specification of dataset ``kind`` (a key of :data:`SPECS`).

    Raises
    ------
    InputError
        An unknown kind; the message lists the known ones.

    Examples
    --------
    >>> spec_for("hazards").zh
    '隐患'
    """
    if kind not in SPECS:
        msg = f"unknown dataset kind {kind!r}; expected one of {', '.join(SPECS)}"
        raise InputError(msg)
    return SPECS[kind]
