"""Reading a rendered map in the tests: its page, a text on it, its vector features, hostile text escaped.

The map tests import these as ``from maphtml import ...``: ``conftest.py``
puts this folder on ``sys.path`` and has pytest rewrite the asserts below.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: A user text that tries every way out of a page: an HTML tag, a JS template literal, a Jinja expression.
HOSTILE = "<script>alert(1)</script>${alert(2)}`x`{{ 7*7 }}"


def render(m: Any) -> str:
    """Return the whole HTML page of the folium map ``m``."""
    return m.get_root().render()


def has(html: str, text: str) -> bool:
    """Text appears as is or JSON-escaped (folium dumps layer names with ensure_ascii)."""
    return text in html or json.dumps(text)[1:-1] in html


def features(html: str) -> list[dict]:
    """Return the GeoJSON features of every vector layer (``L.hutanGeoJson``) on the page."""
    return [f for data in re.findall(r"L\.hutanGeoJson\((.*?), \[\{", html) for f in json.loads(data)["features"]]


def assert_escaped(html: str) -> None:
    """Assert that no part of :data:`HOSTILE` reaches the page unescaped."""
    assert "<script>alert(1)" not in html
    assert "${alert(2)}" not in html
    assert "{{ 7*7 }}" not in html
