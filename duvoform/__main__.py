"""``python -m duvoform`` runs the CLI."""

from duvoform.cli import main

main()
