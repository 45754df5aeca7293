"""What routes receive from the application: the network built at start-up."""

from __future__ import annotations

from typing import Annotated, Any, get_origin

from fastapi import Depends, Request
from pydantic import BaseModel

from service.api.errors import ApiProblem, FieldError
from service.network import Network


def get_network(request: Request) -> Network:
    """The network on app.state; 503 until the lifespan has loaded the model and index."""
    network: Network | None = getattr(request.app.state, "network", None)
    if network is None or network.stale:
        raise ApiProblem(503, "The matcher is not ready.", kind="not-ready")
    return network


NetworkDep = Annotated[Network, Depends(get_network)]


def given_once(params: type[BaseModel]) -> Any:
    """A dependency refusing a repeated query parameter that takes one value (`?k=1&k=2`)."""
    single = [
        field.alias or name
        for name, field in params.model_fields.items()
        if get_origin(field.annotation) is not list
    ]

    def check(request: Request) -> None:
        repeated = [name for name in single if len(request.query_params.getlist(name)) > 1]
        if repeated:
            errors = [
                FieldError(location="query", field=name, message="must be given once")
                for name in repeated
            ]
            raise ApiProblem(
                422, "A query parameter is repeated.", kind="validation-error", errors=errors
            )

    return Depends(check)
