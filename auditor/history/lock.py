"""The writer lock of an audit database: an exclusive ``fcntl.flock`` on ``<db>.lock`` that the kernel drops
when its holder dies, even by SIGKILL, so a killed run never blocks the next one."""

from __future__ import annotations

import fcntl
import os
import socket
import time
from pathlib import Path

from auditor.errors import StoreError


class FileLock:
    """An exclusive ``flock`` on a file next to the database; released by the kernel if the holder dies."""

    def __init__(self, db: Path, wait: float) -> None:
        self.db = db
        self.path = db.with_name(db.name + ".lock")
        self.wait = wait
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, polling until ``wait`` seconds have passed, else raise :class:`StoreError`."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(self.db, f"cannot create the lock file {self.path}: {exc.strerror}") from exc
        deadline = time.monotonic() + max(self.wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    holder = self._holder(fd)
                    os.close(fd)
                    raise StoreError(
                        self.db,
                        f"another audit{holder} holds this database (lock file {self.path}); waited "
                        f"{self.wait:g} s. Let it finish, or pass --wait SECONDS to wait longer",
                    ) from None
                time.sleep(min(0.05, remaining))
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        self._fd = fd

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            text = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
        except OSError:
            return ""
        return f" (pid {text[0]} on {text[1]})" if len(text) >= 2 else ""

    def release(self) -> None:
        """Drop the lock (the file stays: removing it would race with a process about to lock it)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
