"""``python -m ninja_aio <command>``: see ``ninja_aio.cli``."""

import sys

from ninja_aio.cli import main

sys.exit(main())
