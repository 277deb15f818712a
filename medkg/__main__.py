"""``python -m medkg``: the same CLI as the ``medkg`` command."""

import sys

from .cli import main

sys.exit(main())
