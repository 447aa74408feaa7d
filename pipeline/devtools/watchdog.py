"""Stop a local broker once the process that owns it is gone (a killed or interrupted test run).

Usage: python -m pipeline.devtools.watchdog OWNER_PID BROKER_PID DIRECTORY
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pipeline.devtools.local_kafka import _process_alive, read_running, stop


def watch(owner_pid: int, broker_pid: int, directory: Path, poll_s: float = 1.0) -> None:
    while _process_alive(owner_pid):
        if not _process_alive(broker_pid):
            return
        time.sleep(poll_s)
    running = read_running(directory)
    if running is not None and running.pid == broker_pid:
        stop(directory, grace_s=10.0)


if __name__ == "__main__":
    watch(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
