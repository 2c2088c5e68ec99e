"""A real pseudo-terminal for end-to-end tests: pexpect runs srs, pyte renders the screen."""

from __future__ import annotations

import os
import re
import signal
import sys
import time

import pexpect
import pyte


#: terminal control sequences (colours, cursor moves, clearing), left out when looking for text
ANSI = re.compile(rb"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>78])")


def _default_sigint() -> None:
    """Ctrl-C interrupts srs as in a user's terminal even when the test run itself was started
    in the background by a shell, which starts it with SIGINT ignored (inherited across exec)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Terminal:
    def __init__(self, args: list[str], env: dict[str, str], rows: int = 45, cols: int = 140,
                 cwd: str | None = None) -> None:
        full_env = dict(env, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        full_env.pop("SRS_WIDTH", None)
        self.child = pexpect.spawn(sys.executable, ["-m", "srs", *args], env=full_env, dimensions=(rows, cols),
                                   cwd=cwd, timeout=20, preexec_fn=_default_sigint)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.log = b""
        self.mark = 0  # where the output after the last key pressed begins in ``log``

    def pump(self, wait: float = 0.05) -> None:
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=wait)
            except pexpect.TIMEOUT:
                return
            except pexpect.EOF:
                return
            self.log += data
            self.stream.feed(data)

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def shown(self, needle: str) -> bool:
        """On screen, and written since the last key was pressed: a prompt still on screen from
        before the key is not the answer to it (however slow the program is to respond)."""
        if needle not in self.text:
            return False
        written = ANSI.sub(b"", self.log[self.mark:]).decode("utf-8", "replace")
        return needle in written

    def wait_for(self, needle: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if self.shown(needle):
                return self.text
            if not self.child.isalive():
                self.pump()
                if self.shown(needle):
                    return self.text
                break
        raise AssertionError(f"{needle!r} not on screen:\n{self.text}\n--- raw tail ---\n{self.log[-2000:]!r}")

    def press(self, key: str) -> None:
        self.pump(0)  # what was written before the key belongs before the mark
        self.mark = len(self.log)
        self.child.send(key)

    def finish(self, timeout: float = 15.0) -> int:
        deadline = time.monotonic() + timeout
        while self.child.isalive() and time.monotonic() < deadline:
            self.pump()
        self.pump()
        self.child.close()
        return self.child.exitstatus if self.child.exitstatus is not None else -(self.child.signalstatus or 0)


def srs_env(tmp_path, db: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
    env.update(SRS_DB=db or str(tmp_path / "srs.db"), SRS_LEARNER="tester", SRS_FUZZ="0",
               XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    env.update(extra)
    return env
