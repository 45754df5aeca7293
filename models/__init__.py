"""Model assets (the fusion model) and their cards, installed as `service.models`.

This folder stays where it is in the repository; pyproject.toml maps it into the `service`
package so that a wheel carries it. Read it through `service.resources`.
"""
