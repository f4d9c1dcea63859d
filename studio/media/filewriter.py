"""Writing a download to disk from a worker thread, with constant memory and a short final fsync.

:class:`FileWriter` takes a download's chunks as they arrive on the event loop, hands them to a
worker thread in batches (one batch on its way to disk while the next fills) and starts the
kernel's write-back as it goes, so the disk works during the download and the fsync that makes
a paid video durable, before it is renamed into place, is short; :func:`sync_directory` then
makes the rename itself durable.

A download is written to a hidden ``.NAME.XXXXXXXX.part`` file that its writer keeps locked
(``flock``) until it is renamed or deleted. The kernel drops the lock when the writer dies, so
:func:`remove_dead_partials` can tell the leftovers of a killed studio from a download still in
progress in another process, and deletes only those.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["FileWriter", "open_partial", "remove_dead_partials", "sync_directory"]

_BATCH_BYTES = 4 * 1024 * 1024  # a download's bytes handed to the writer thread at a time
_KICK_BYTES = 32 * 1024 * 1024  # start disk write-back every this many bytes written


class FileWriter:
    """Writes a download to ``fd`` from a worker thread while the next batch is being received.

    Chunks are collected into batches of about ``_BATCH_BYTES``; one batch is on its way to
    disk while the next fills, so memory stays at two batches. Every ``_KICK_BYTES`` the new
    range is handed to the kernel for write-back (``POSIX_FADV_DONTNEED`` starts writing dirty
    pages without waiting), so the disk works during the download and the closing fsync is
    short. The thread's work is awaited through ``shield``: a cancelled download never leaves
    a write running on a closed descriptor (see :meth:`then`).
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._batch: list[bytes] = []
        self._size = self._written = self._kicked = 0
        self._pending: asyncio.Future[None] | None = None

    async def add(self, chunk: bytes) -> None:
        self._batch.append(chunk)
        self._size += len(chunk)
        if self._size >= _BATCH_BYTES:
            await self._hand_over(sync=False)

    async def finish(self) -> None:
        """Write what is left, then fsync; returns once the bytes are on disk."""
        await self._hand_over(sync=True)
        assert self._pending is not None
        await asyncio.shield(self._pending)

    def then(self, close: Callable[[], None]) -> None:
        """Call ``close`` now, or when the thread's write in progress has ended."""

        def after(done: asyncio.Future[None]) -> None:
            if not done.cancelled():
                done.exception()  # the download has already failed; this is only its echo
            close()

        pending = self._pending
        if pending is None:
            close()
        elif pending.done():
            after(pending)
        else:
            pending.add_done_callback(after)

    async def _hand_over(self, *, sync: bool) -> None:
        if self._pending is not None:
            await asyncio.shield(self._pending)  # one batch in flight at most
        batch, self._batch, self._size = self._batch, [], 0
        self._pending = asyncio.get_running_loop().run_in_executor(None, self._write, batch, sync)

    def _write(self, batch: list[bytes], sync: bool) -> None:  # in the worker thread
        for chunk in batch:
            view = memoryview(chunk)
            while view:
                view = view[os.write(self._fd, view) :]
            self._written += len(chunk)
        if sync:
            os.fsync(self._fd)
        elif self._written - self._kicked >= _KICK_BYTES and hasattr(os, "posix_fadvise"):
            os.posix_fadvise(self._fd, self._kicked, self._written - self._kicked, os.POSIX_FADV_DONTNEED)
            self._kicked = self._written


def sync_directory(path: Path) -> None:
    """fsync a directory, so that a file just renamed into it is still there after a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_partial(directory: Path, name: str, suffix: str = "") -> tuple[Path, BinaryIO]:
    """A new locked partial file ``.NAME.XXXXXXXX.partSUFFIX`` in ``directory``: its path and unbuffered handle.

    Keep the handle open until the file is renamed or deleted: the lock says a writer is alive.
    (``suffix`` keeps an extension, for tools such as ffmpeg that pick a format from it.)
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f".{name}.{uuid.uuid4().hex[:8]}.part{suffix}"
    handle = open(path, "wb", buffering=0)  # noqa: SIM115  the caller keeps it open: the lock says a writer is alive
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # new file: never contended
    return path, handle


def remove_dead_partials(directory: Path, name: str, suffix: str = "") -> int:
    """Delete partial files of ``name`` whose writer is gone (their lock is free); returns how many."""
    removed = 0
    for path in directory.glob(f".{name}.*.part{suffix}"):
        try:
            with open(path, "rb") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                path.unlink()
                removed += 1
        except (BlockingIOError, FileNotFoundError):
            continue  # being written by a live writer, or already gone
    return removed
