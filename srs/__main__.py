"""python -m srs: the command line."""

from srs.cli import main

main()
