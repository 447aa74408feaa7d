"""``emotion-pipeline demo`` end to end: a real broker, a real worker, alerts, the journey map, a clean stop.

Each run gets its own --dir; afterwards no process may still mention that directory (the broker, its
watchdog and the worker all carry it in their command line or environment).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.kafka import wait_for

pytestmark = [pytest.mark.broker, pytest.mark.slow]

ALERT_LINE = r"^{level}\s+cust-\d+\s+\d/\d strikes"


def _processes_mentioning(directory: Path) -> list[int]:
    """Pids of our processes whose command line or environment names ``directory``."""
    needle = str(directory).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            seen = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in seen and state != "Z":
            found.append(int(entry.name))
    return found


def _demo(directory: Path, *arguments: str) -> subprocess.Popen[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("EMOTION_PIPELINE_")}
    environment.pop("DEMO_SECONDS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "demo", "--dir", str(directory), *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**environment, "PYTHONUNBUFFERED": "1"},
    )


def _assert_nothing_left(directory: Path) -> None:
    # The broker's watchdog notices within a second that its broker is gone.
    left = lambda: _processes_mentioning(directory)  # noqa: E731
    assert wait_for(lambda: not left(), timeout_s=10), left()
    assert not (directory / "worker.pid").exists()


def test_demo_raises_alerts_prints_the_journey_map_and_stops_everything(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    demo = _demo(directory, "--seconds", "45")
    try:
        output, _ = demo.communicate(timeout=240)
    finally:
        demo.kill()
    assert demo.returncode == 0, output[-3000:]
    for level in ("at_risk", "churn_threshold"):
        assert re.search(ALERT_LINE.format(level=level), output, re.MULTILINE), output[-3000:]
    assert "journey map: " in output, output[-3000:]
    assert re.search(r"good/neutral/bad.*mean valence.*pos:neg", output)
    assert "/metrics" in output
    assert "/journey-map?token=" in output
    _assert_nothing_left(directory)


def test_ctrl_c_ends_the_traffic_shows_the_summary_and_stops_everything(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    demo = _demo(directory, "--seconds", "600")
    lines: list[str] = []
    try:
        assert demo.stdout is not None
        deadline = time.monotonic() + 180
        for line in demo.stdout:
            lines.append(line)
            if re.match(ALERT_LINE.format(level="churn_threshold"), line) or time.monotonic() > deadline:
                break
        demo.send_signal(signal.SIGINT)
        rest, _ = demo.communicate(timeout=120)
    finally:
        demo.kill()
    output = "".join(lines) + rest
    assert demo.returncode == 0, output[-3000:]
    assert "Ctrl-C" in output, output[-3000:]
    assert "journey map: " in output, output[-3000:]
    _assert_nothing_left(directory)
