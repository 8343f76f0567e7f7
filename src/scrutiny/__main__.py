"""``python -m scrutiny`` is the ``scrutiny`` command."""

from scrutiny.cli import run

run()
