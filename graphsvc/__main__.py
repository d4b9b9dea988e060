"""Entry point for ``python -m graphsvc``."""

from graphsvc.cli import main

raise SystemExit(main())
