"""A worker that did not stop cleanly drops its local tables before it starts again (``local_state``)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipeline.adapters.local_state import RUNNING_MARKER, dropped_if_unclean


def tables(workdir: Path) -> Path:
    tabledir = workdir / "v1" / "tables"
    (tabledir / "customers-0.db").mkdir(parents=True)
    return tabledir


def run_ending_with(workdir: Path, tabledir: Path, ending: BaseException) -> None:
    with dropped_if_unclean(workdir, tabledir):
        assert (workdir / RUNNING_MARKER).exists()
        raise ending


def test_a_clean_stop_keeps_the_tables_for_the_next_start(tmp_path: Path) -> None:
    tabledir = tables(tmp_path)
    with pytest.raises(SystemExit):
        run_ending_with(tmp_path, tabledir, SystemExit(0))  # how Faust's worker ends after a graceful stop
    with dropped_if_unclean(tmp_path, tabledir):
        pass

    assert (tabledir / "customers-0.db").exists()
    assert not (tmp_path / RUNNING_MARKER).exists()


def test_tables_left_by_a_killed_worker_are_dropped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    tabledir = tables(tmp_path)
    (tmp_path / RUNNING_MARKER).touch()  # what SIGKILL leaves: the run never reached its end

    with caplog.at_level(logging.WARNING), dropped_if_unclean(tmp_path, tabledir):
        assert not tabledir.exists()

    assert "did not stop cleanly" in caplog.text


@pytest.mark.parametrize("ending", [SystemExit(1), RuntimeError("agent crashed")])
def test_a_run_that_fails_leaves_its_tables_to_be_dropped(tmp_path: Path, ending: BaseException) -> None:
    tabledir = tables(tmp_path)
    with pytest.raises(type(ending)):
        run_ending_with(tmp_path, tabledir, ending)
    assert (tabledir / "customers-0.db").exists()

    with dropped_if_unclean(tmp_path, tabledir):
        assert not tabledir.exists()
