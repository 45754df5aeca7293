"""A limit on the size of request bodies: 413 before a large body is read into memory."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.errors import BodyTooLarge, problem_response

MAX_BODY_BYTES = 2 * 1024 * 1024


class BodySizeLimit:
    """Pure ASGI middleware: refuses a declared Content-Length over the limit at once, and
    stops a streamed body as soon as it passes the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and not declared.isdigit():
            await problem_response(400, "Content-Length is not a number.")(scope, receive, send)
            return
        if declared is not None and int(declared) > self.max_bytes:
            detail = str(BodyTooLarge(self.max_bytes).detail)
            await problem_response(413, detail)(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, limited_receive, send)
