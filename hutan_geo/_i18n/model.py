"""Labels of the data model (``model/``)."""

from __future__ import annotations

#: Key → (Chinese, English), keys prefixed by this part.
LABELS: dict[str, tuple[str, str]] = {
    # -- model --
}
