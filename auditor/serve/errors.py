"""Errors a request can cause, as JSON (:class:`~auditor.serve.models.Problem`): a :class:`RequestError` carries
its status (413, 415, 422, ...) and the field at fault; anything else is a 500 with an id that is also logged."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Final

LOG: Final = logging.getLogger("auditor.serve")


class RequestError(Exception):
    """What is wrong with a request, with the status to answer and the field at fault (when one is)."""

    def __init__(self, status: int, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field

    def body(self) -> bytes:
        """The JSON error body."""
        return problem_body(self.status, self.message, field=self.field)


def problem_body(
    status: int, message: str, *, field: str | None = None, error_id: str | None = None
) -> bytes:
    """A :class:`~auditor.serve.models.Problem` as JSON bytes."""
    data: dict[str, object] = {"error": message, "status": status}
    if field is not None:
        data["field"] = field
    if error_id is not None:
        data["id"] = error_id
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def internal_error(exc: BaseException, method: str, path: str) -> tuple[str, bytes]:
    """Log ``exc`` with its traceback under a new id; returns the id and the 500 body naming it (no traceback)."""
    error_id = uuid.uuid4().hex[:12]
    LOG.error("internal error %s on %s %s", error_id, method, path, exc_info=exc)
    message = (
        f"internal error (id {error_id}, also in the server log); this is a bug, please report it with the id"
    )
    return error_id, problem_body(500, message, error_id=error_id)
