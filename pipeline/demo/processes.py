"""The demo's two background processes: the local broker (started or reused) and a real worker subprocess.

Both always go away with the demo: the worker gets SIGTERM then SIGKILL, and the kernel sends it SIGTERM
should the demo itself die (``PR_SET_PDEATHSIG``); the broker is stopped by the demo or, as a backstop,
by the watchdog ``local_kafka`` ties to the demo's pid.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.devtools import local_kafka
from pipeline.domain.errors import PipelineError

PREFERRED_WEB_PORT: Final[int] = 6066
WORKER_GRACE_S: Final[float] = 20.0
_PR_SET_PDEATHSIG: Final[int] = 1


class DemoError(PipelineError):
    """A demo step failed; the message says which and what to do."""


@dataclass(frozen=True)
class Broker:
    """The broker the demo talks to, and whether this run started it (and so must stop it)."""

    running: local_kafka.RunningBroker
    started_here: bool


def ensure_broker(directory: Path, *, watch: bool) -> Broker:
    """Reuse the broker already running from ``directory``, or start one there."""
    running = local_kafka.read_running(directory)
    if running is not None:
        return Broker(running, started_here=False)
    try:
        started = local_kafka.start(directory, watch_pid=os.getpid() if watch else None)
    except PipelineError as error:
        raise DemoError(f"cannot start the local Kafka broker: {error}") from None
    return Broker(started, started_here=True)


def choose_web_port(preferred: int = PREFERRED_WEB_PORT) -> int:
    """``preferred`` when nothing listens there, else any free port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            return local_kafka.free_port()
    return preferred


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: ask Linux to SIGTERM it when the demo process dies.
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class WorkerProcess:
    """``emotion-pipeline worker`` running in the background, its HTTP port and its log file."""

    process: subprocess.Popen[bytes]
    port: int
    log_file: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(the worker wrote no log)"
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, timeout_s: float, on_wait: Callable[[float], None] | None = None) -> None:
        """Return once ``/readyz`` answers 200; DemoError when the worker exits or time runs out."""
        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if not self.alive():
                raise DemoError(
                    f"the worker exited with status {self.process.returncode} while starting; "
                    f"its log ({self.log_file}) ends with:\n{self.log_tail()}"
                )
            with (
                contextlib.suppress(urllib.error.URLError, OSError),
                urllib.request.urlopen(f"{self.base_url}/readyz", timeout=2) as answer,
            ):
                if answer.status == 200:
                    return
            if on_wait is not None:
                on_wait(time.monotonic() - started)
            time.sleep(0.5)
        raise DemoError(
            f"the worker was not ready after {timeout_s:.0f} s; its log ({self.log_file}) ends with:\n"
            f"{self.log_tail()}"
        )

    def stop(self, grace_s: float = WORKER_GRACE_S) -> None:
        """SIGTERM, then SIGKILL after ``grace_s``; returns once the process is gone."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def start_worker(
    environment: Mapping[str, str], log_file: Path, port: int, *, tied_to_demo: bool
) -> WorkerProcess:
    """Start ``python -m pipeline worker`` with ``environment`` added, logging to ``log_file``."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "worker"],
            env={**os.environ, "PYTHONUNBUFFERED": "1", **environment},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Its own session: a Ctrl-C in the terminal reaches the demo only, which then stops it in order.
            start_new_session=True,
            preexec_fn=_die_with_parent if tied_to_demo else None,  # noqa: PLW1509 - only calls prctl
        )
    return WorkerProcess(process, port, log_file)
