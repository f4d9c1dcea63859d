"""``python -m studio``: see :mod:`studio.cli`."""

from studio.cli import main

raise SystemExit(main())
