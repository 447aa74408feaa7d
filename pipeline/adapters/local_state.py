"""Local table state a crash may have left ahead of its changelog, dropped before the worker starts again.

Faust's RocksDB store writes a key to the local database at once and to the changelog topic afterwards. A
worker killed in between restarts with values its changelog never got, and since processing is idempotent
(a record already applied changes nothing), the records read again write nothing: the changelog never gets
the value, and the next worker to recover the partition from it lacks it. Traced in the shortened chaos
test: a window partition heard a source partition's last watermark, the worker was killed before the
changelog write, the restarted worker found the watermark in its local database and wrote nothing, and
when the partition moved on, nine hours of windows never closed. Kafka Streams drops local state after an
unclean shutdown under exactly-once for the same reason; here a worker that did not stop cleanly rebuilds
its tables from the changelogs, as a new node without its volume does.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

RUNNING_MARKER = "worker.running"


@contextmanager
def dropped_if_unclean(workdir: Path, tabledir: Path) -> Iterator[None]:
    """Run a worker whose local tables live in ``tabledir``: drop them first if the last run did not stop
    cleanly, and mark this run clean only when it ends with exit status 0."""
    marker = workdir / RUNNING_MARKER
    if marker.exists() and tabledir.exists():
        log.warning(
            "the last run of this worker did not stop cleanly: its local tables may hold writes their "
            "changelogs never got, so they are dropped and rebuilt from the changelogs",
            extra={"tabledir": str(tabledir)},
        )
        shutil.rmtree(tabledir)
    workdir.mkdir(parents=True, exist_ok=True)
    marker.touch()
    clean = False
    try:
        yield
        clean = True
    except SystemExit as stop:
        clean = stop.code in (0, None)
        raise
    finally:
        if clean:
            marker.unlink(missing_ok=True)
