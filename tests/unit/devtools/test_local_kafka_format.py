"""The local broker's storage format call must never read a random cluster id as an option."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest

from pipeline.devtools import local_kafka

# 0xF8 as the first byte encodes to "-" first in URL-safe base64: one random id in 64 looks like that.
DASH_FIRST = uuid.UUID(bytes=bytes([0xF8]) + bytes(15))
PLAIN = uuid.UUID(bytes=bytes(16))


def test_an_id_that_would_start_with_a_dash_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter([DASH_FIRST, DASH_FIRST, PLAIN])
    monkeypatch.setattr(local_kafka.uuid, "uuid4", lambda: next(draws))

    cluster_id = local_kafka._cluster_id()

    assert cluster_id == "AAAAAAAAAAAAAAAAAAAAAA"
    assert next(draws, None) is None


def test_ids_are_22_url_safe_characters() -> None:
    for _ in range(500):
        cluster_id = local_kafka._cluster_id()
        assert len(cluster_id) == 22
        assert not cluster_id.startswith("-")
        assert set(cluster_id) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_format_passes_the_id_joined_to_its_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(local_kafka, "_cluster_id", lambda: "-startsWithADash00000A")
    calls: list[list[str]] = []

    def fake_run(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(local_kafka.subprocess, "run", fake_run)

    config, log4j = tmp_path / "server.properties", tmp_path / "log4j.properties"
    local_kafka._format_storage("java", tmp_path, config, log4j, ())

    (command,) = calls
    assert "--cluster-id=-startsWithADash00000A" in command
    assert "-t" not in command
