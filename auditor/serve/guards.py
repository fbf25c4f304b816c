"""What every request passes through: the body limit (413 before the route sees more than ``--max-bytes``), the
security headers (a Content-Security-Policy that allows only the page's own inline CSS and JS), and the last
resort for an unexpected error (500 with an id that is logged with the traceback; never a traceback in a
response)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auditor.serve.errors import LOG, internal_error, problem_body

_HEADERS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class BodyTooLargeError(Exception):
    """The request body went past the limit."""


class Guards:
    """ASGI middleware: body limit, security headers, internal errors."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, policy: Callable[[str], str]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        headers = [*_HEADERS, (b"content-security-policy", self.policy(path).encode("ascii"))]
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), *headers]}
            await send(message)

        if self._declared_length(scope) > self.max_bytes:
            await self._problem(guarded_send, 413, self._too_large())
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError
            return message

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLargeError:
            if not started:
                await self._problem(guarded_send, 413, self._too_large())
        except Exception as exc:
            if started:  # a streamed body failed half-way: the status has gone, the log keeps the trace
                LOG.error(
                    "error after the response started on %s %s", scope.get("method"), path, exc_info=exc
                )
                return
            _, body = internal_error(exc, str(scope.get("method")), path)
            await self._problem(guarded_send, 500, body)

    def _too_large(self) -> bytes:
        return problem_body(
            413,
            f"request body is larger than the limit of {self.max_bytes:,} bytes (--max-bytes)",
            field="body",
        )

    @staticmethod
    def _declared_length(scope: Scope) -> int:
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return 0
        return 0

    @staticmethod
    async def _problem(send: Send, status: int, body: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
