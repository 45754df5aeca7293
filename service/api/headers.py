"""Security headers on every response, and CORS closed unless origins are configured.

- A Content-Security-Policy that lets pages load only the service's own scripts, styles and
  images (inline styles are allowed: the result bars set their width inline); /docs also
  runs Swagger UI's inline start-up script.
- nosniff, no framing, no referrer, no powerful browser features, and `Cache-Control:
  no-store` on every answer to a request that carries credentials (personal data must not
  stay in shared caches). HSTS outside development.
- CORS: without `SMARTMATCH_CORS_ORIGINS` no CORS headers are sent, so browsers refuse other
  sites' scripts the answers; with it, only those origins may call, with credentials.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.config import Settings

_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'{extra}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
_FIXED = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Pure ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app, self.hsts = app, hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope["headers"])
        credentials = b"authorization" in request_headers or b"cookie" in request_headers
        docs = scope["path"].startswith("/docs")
        policy = _POLICY.format(extra=" 'unsafe-inline'" if docs else "").encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(b"content-security-policy", policy), *_FIXED]
                if credentials:
                    extra.append((b"cache-control", b"no-store"))
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = [
                    *message.get("headers", []),
                    *((name, value) for name, value in extra if name not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, settings: Settings) -> None:
    """Security headers always; CORS only for the configured origins."""
    app.add_middleware(SecurityHeaders, hsts=settings.environment == "production")
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
