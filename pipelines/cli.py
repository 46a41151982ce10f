"""`python -m pipelines.cli ...`: the same commands as `portfolio` (pipelines/command.py)."""

import sys

from pipelines.command import main

if __name__ == "__main__":
    sys.exit(main())
