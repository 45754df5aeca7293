"""SMART Match's edges: settings, storage, command line and HTTP API around the matching core."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("smart-match")
except PackageNotFoundError:  # a checkout that was never installed
    __version__ = "0+unknown"
