"""What matching one address found: the :class:`_Match` every form returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["MATCH_TYPES"]

#: The ``match_type`` values of :func:`~hutan_geo.geocode.geocode` (``online``
#: is added by :func:`~hutan_geo.geocode.geocode_online`).
MATCH_TYPES = ("gate", "poi", "intersection", "relative_offset", "road", "place", "unmatched")


@dataclass
class _Match:
    """One address matched: type, metric point, confidence, name, reason (English) and candidates."""

    match_type: str
    xy: tuple[float, float] | None
    confidence: float
    matched: str = ""
    reason: str = ""
    candidates: list[dict[str, Any]] = field(default_factory=list)
    entry: tuple[str, str] | None = None


def _unmatched(reason: str) -> _Match:
    return _Match("unmatched", None, 0.0, reason=reason)
