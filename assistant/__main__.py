"""`python -m assistant` is the `enroller` command."""

from assistant.cli import main

raise SystemExit(main())
