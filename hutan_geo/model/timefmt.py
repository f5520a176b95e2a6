"""Clock times: minutes after midnight at the core, ``HH:MM`` at the edges.

Examples
--------
>>> clock(445), clock(445.4), clock("07:25"), clock(None)
('07:25', '07:25', '07:25', '')
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

__all__ = ["clock", "minutes"]


def clock(value: object) -> str:
    """Return ``HH:MM`` for minutes after midnight (rounded), a ``datetime.time``/``datetime``, or text as it is.

    Missing values (None, NaN, NaT) give an empty string.
    """
    if value is None or value is dt.datetime.min:
        return ""
    if isinstance(value, dt.datetime | dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, int | float | np.integer | np.floating):
        if math.isnan(float(value)):
            return ""
        total = round(float(value))
        return f"{total // 60 % 24:02d}:{total % 60:02d}"
    try:
        import pandas as pd

        if pd.isna(value):  # type: ignore[arg-type]
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def minutes(value: object) -> float:
    """Return minutes after midnight from a number, ``datetime.time``/``datetime`` or ``"HH:MM"`` text.

    Raises
    ------
    ValueError
        Text that is not ``H:MM``/``HH:MM``.

    Examples
    --------
    >>> minutes("7:25"), minutes(dt.time(16, 30)), minutes(445)
    (445.0, 990.0, 445.0)
    """
    if isinstance(value, dt.datetime | dt.time):
        return float(value.hour * 60 + value.minute + value.second / 60)
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    text = str(value).strip().replace("：", ":")
    hh, sep, mm = text.partition(":")
    if not sep or not hh.isdigit() or not mm.isdigit() or int(mm) >= 60:
        msg = f"expected a clock time such as 07:25; got {value!r}"
        raise ValueError(msg)
    return float(int(hh) * 60 + int(mm))
