"""`python -m bots.cli` is the `enroller` command."""

from bots.cli import main

raise SystemExit(main())
