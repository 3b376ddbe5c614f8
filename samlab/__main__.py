"""``python -m samlab …`` is the ``samlab`` command (works without the console script on PATH)."""

import sys

from .cli import main

sys.exit(main())
