"""`python -m fer_core`: the engine's command line (see fer_core.cli)."""

import sys

from .cli import main

sys.exit(main())
