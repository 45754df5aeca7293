"""The one rich console the command line prints to."""

from rich.console import Console

console = Console()
