"""``python -m itniotech_cli``."""

from ._entry import run

run()
