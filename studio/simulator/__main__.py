"""``python -m studio.simulator``: serve the simulator in the foreground (see :func:`server.main`)."""

from studio.simulator.server import main

raise SystemExit(main())
