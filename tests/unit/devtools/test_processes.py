"""CPU time of a process, as the benchmarks and broker tests read it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from pipeline.devtools.processes import cpu_seconds


def test_a_busy_process_shows_its_cpu_time_and_a_gone_one_none() -> None:
    before = cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    assert cpu_seconds(os.getpid()) >= before + 0.1
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert cpu_seconds(gone.pid) == 0.0
