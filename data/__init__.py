"""Data read at run time (the ESCO subset, the demo network), installed as `service.data`.

This folder stays where it is in the repository; pyproject.toml maps it into the `service`
package so that a wheel carries it. Read it through `service.resources`, never by a path
relative to the working directory.
"""
