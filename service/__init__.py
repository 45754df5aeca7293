"""SMART Match's edges: settings, storage, command line and HTTP API around the matching core."""
