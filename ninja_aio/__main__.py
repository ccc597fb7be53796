"""``python -m ninja_aio <command>``: see ``ninja_aio.cli``."""

from ninja_aio.cli import main

raise SystemExit(main())
