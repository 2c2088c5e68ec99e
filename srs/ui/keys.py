"""Key input: single key presses in a terminal, one line per key when piped.

Reads the file descriptor directly (with select) so that a caller can wait for a key
with a timeout, e.g. to keep a countdown moving or to hand an exam in when time is up.
"""

from __future__ import annotations

import os
import select
import sys
import termios
import tty
from contextlib import contextmanager
from typing import Iterator

ENTER = ""
TIMEOUT = object()


class KeyReader:
    """``read()`` gives one key ('a', 'u', '' for Enter) or None at end of input."""

    def __init__(self, fd: int | None = None, tty_mode: bool | None = None) -> None:
        self._stream = None  # a stdin without a file descriptor (in memory, as a test runner's): read as lines
        if fd is None:
            try:
                fd = sys.stdin.fileno()
            except (AttributeError, OSError, ValueError):
                self._stream, fd = sys.stdin, -1
        self.fd = fd
        self.is_tty = (self._stream is None and os.isatty(self.fd)) if tty_mode is None else tty_mode
        self._buffer = b""
        self._eof = False
        self._saved: list | None = None

    @contextmanager
    def active(self) -> Iterator["KeyReader"]:
        """In a terminal: cbreak mode (no echo, no Enter needed; Ctrl-C still interrupts)."""
        if not self.is_tty:
            yield self
            return
        self._saved = termios.tcgetattr(self.fd)
        try:
            tty.setcbreak(self.fd)
            yield self
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def _fill(self, timeout: float | None) -> bool:
        """Read what is available; False on timeout."""
        if self._eof:
            return True
        if self._stream is not None:  # all of it at once: it is in memory
            self._buffer += self._stream.read().encode("utf-8")
            self._eof = True
            return True
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        chunk = os.read(self.fd, 4096)
        if not chunk:
            self._eof = True
        self._buffer += chunk
        return True

    def read(self, timeout: float | None = None) -> str | None | object:
        """The next key; None at end of input; TIMEOUT when ``timeout`` seconds pass first."""
        while True:
            key = self._take()
            if key is not TIMEOUT:
                return key
            if self._eof:
                return None
            if not self._fill(timeout):
                return TIMEOUT

    def _take(self) -> str | None | object:
        if self.is_tty:
            if not self._buffer:
                return TIMEOUT
            if self._buffer.startswith(b"\x1b"):  # an escape sequence (arrow keys): ignore it whole
                self._buffer = b""
                return TIMEOUT
            first = self._buffer[:1]
            self._buffer = self._buffer[1:]
            if first in (b"\r", b"\n"):
                return ENTER
            if first == b"\x03":
                raise KeyboardInterrupt
            if first == b"\x04":
                self._eof = True
                return None
            return first.decode("utf-8", "replace")
        if b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            return line.decode("utf-8", "replace").strip()
        if self._eof and self._buffer:
            line, self._buffer = self._buffer, b""
            return line.decode("utf-8", "replace").strip()
        return TIMEOUT


__all__ = ["ENTER", "TIMEOUT", "KeyReader"]
