"""``python -m itniotech_cli``."""

from ._main import main

main()
