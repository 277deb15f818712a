#!/usr/bin/env python3
"""Build the default graph and every export into exports/ (same as `medkg build`)."""

import sys

from medkg.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
