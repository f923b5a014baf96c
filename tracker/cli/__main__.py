"""`python -m tracker.cli` runs the same command line as `tracker`."""

from tracker.cli import main

main(prog_name="tracker")
