"""Fixtures for broker tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.kafka import WorkerProcess

StartWorker = Callable[..., WorkerProcess]


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[StartWorker]:
    """Start ``emotion-pipeline worker`` subprocesses with a given environment; all stopped at teardown."""
    started: list[WorkerProcess] = []

    def start(env: dict[str, str], name: str = "worker") -> WorkerProcess:
        log_path = tmp_path / f"{name}-{len(started)}.log"
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "pipeline", "worker"],
                env=full_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        worker = WorkerProcess(process, log_path)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
