"""``python -m hutan_geo.export install``: fetch the offline map assets (see :mod:`hutan_geo.export.assets`)."""

import sys

from hutan_geo.export.assets import main

sys.exit(main())
