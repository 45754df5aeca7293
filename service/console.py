"""The one rich console the command line prints to, and where the service's log lines go."""

from __future__ import annotations

import logging
import sys

from rich.console import Console

console = Console()


class _StderrHandler(logging.Handler):
    """Writes each record to the `sys.stderr` of the moment (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


def log_to_stderr() -> None:
    """Show the `smartmatch` loggers' lines (INFO and up) on stderr, as uvicorn shows its
    own, so that a service manager's journal records what the service did and why."""
    from uvicorn.logging import DefaultFormatter

    logger = logging.getLogger("smartmatch")
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(DefaultFormatter("%(levelprefix)s %(message)s", use_colors=False))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
