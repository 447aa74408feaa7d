"""What the benchmarks and broker tests read about a worker process from Linux's /proc."""

from __future__ import annotations

import os
from typing import Final

CLOCK_TICKS: Final = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc), 0.0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # Fields 14 and 15 of stat(5) are utime and stime; index 0 here is field 3.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
