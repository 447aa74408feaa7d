"""The Faust app's settings that change how records flow, checked on the app the worker builds."""

from __future__ import annotations

from pathlib import Path

import faust.transport.producer

from pipeline.adapters.faust_app import create_app
from pipeline.config import load_settings


def test_table_writes_do_not_stall_the_stream_at_a_hundred(tmp_path: Path) -> None:
    # Faust blocks every fetched record while more than ProducerBuffer.max_messages (100) table writes wait
    # to be sent; a batch's state flush writes more than that at once. The agents bound the buffer
    # themselves by waiting for each batch's writes, so the app's own buffer must not stall at 100.
    app = create_app(load_settings(worker={"workdir": str(tmp_path), "store": "memory"}))
    assert faust.transport.producer.ProducerBuffer.max_messages == 100
    assert app.producer.buffer.max_messages >= 100_000
