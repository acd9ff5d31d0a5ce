"""`python -m augman` runs the command-line tool."""

from augman.cli import main

main()
