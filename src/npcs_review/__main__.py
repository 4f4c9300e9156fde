"""``python -m npcs_review``: the command-line tool."""

from npcs_review.cli import main

main()
