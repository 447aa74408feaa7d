"""``replay``: the streaming logic over a JSONL file, without Kafka.

Each line is treated as the worker would see it after ``emotion-pipeline produce``: keyed by its readable
``customer_id``, on the partition Kafka's default partitioner picks for that key, at the next offset of that
partition. Customer state and windows live in dictionaries; the results (alerts with their ids, windows,
dead letters) are the ones the worker produces for the same file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import orjson

from pipeline.assembly import Components
from pipeline.domain.churn import CustomerState
from pipeline.domain.partitioning import kafka_partition
from pipeline.domain.records import ChurnAlert, DeadLetter, EnrichedInteraction, StageWindowResult
from pipeline.processor import InputRecord
from pipeline.stage_windows import MemorySourceWatermarks, MemoryWindowStore, StoredWindow


def record_key(value: bytes) -> bytes | None:
    """The key ``produce`` gives a line: its customer_id when it can be read, else none."""
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    customer_id = parsed.get("customer_id") if isinstance(parsed, dict) else None
    if isinstance(customer_id, str) and customer_id:
        return customer_id.encode()
    return None


def read_lines(path: str) -> Iterator[bytes]:
    """The records of a JSONL file as raw bytes, blank lines skipped (no decoding: bad bytes stay bad)."""
    with open(path, "rb") as lines:
        for line in lines:
            record = line.rstrip(b"\r\n")
            if record.strip():
                yield record


@dataclass
class MemoryCustomerStore:
    """Customer state in a dictionary."""

    states: dict[str, CustomerState] = field(default_factory=dict)

    def get(self, customer_id: str) -> CustomerState | None:
        return self.states.get(customer_id)

    def put(self, customer_id: str, state: CustomerState) -> None:
        self.states[customer_id] = state


@dataclass
class MemoryWatermarks:
    watermarks: dict[int, int] = field(default_factory=dict)

    def get(self, partition: int) -> int | None:
        return self.watermarks.get(partition)

    def put(self, partition: int, watermark_ms: int) -> None:
        self.watermarks[partition] = watermark_ms


@dataclass
class ReplaySinks:
    """Where replay's outputs go, as they happen."""

    alert: Callable[[ChurnAlert], None] = lambda alert: None
    dead_letter: Callable[[DeadLetter], None] = lambda letter: None
    window: Callable[[StageWindowResult], None] = lambda window: None
    enriched: Callable[[EnrichedInteraction], None] = lambda record: None


@dataclass
class ReplayRun:
    """The state a replay leaves behind, for the journey map and summaries."""

    components: Components
    partitions: int
    topic: str = "replay"
    customers: MemoryCustomerStore = field(default_factory=MemoryCustomerStore)
    watermarks: MemoryWatermarks = field(default_factory=MemoryWatermarks)
    windows: MemoryWindowStore = field(default_factory=MemoryWindowStore)
    heard: MemorySourceWatermarks = field(default_factory=MemorySourceWatermarks)
    counts: dict[str, int] = field(default_factory=dict)
    _next_offset: dict[int, int] = field(default_factory=dict)

    def feed(self, values: Iterable[bytes], sinks: ReplaySinks) -> None:
        """Process records in order, sending each output to its sink as it is produced."""
        processor, stage = self.components.processor, self.components.windows
        for line_number, value in enumerate(values, start=1):
            key = record_key(value)
            partition = kafka_partition(key, self.partitions) if key is not None else 0
            offset = self._next_offset.get(partition, 0)
            self._next_offset[partition] = offset + 1
            outputs = processor.process(
                InputRecord(value, key, self.topic, partition, offset), self.customers, self.watermarks
            )
            self.counts[outputs.outcome] = self.counts.get(outputs.outcome, 0) + 1
            if outputs.dead_letter is not None:
                sinks.dead_letter(
                    outputs.dead_letter.model_copy(update={"partition": None, "offset": line_number})
                )
            if outputs.enriched is not None:
                sinks.enriched(outputs.enriched)
            for alert in outputs.alerts:
                sinks.alert(alert)
            if outputs.contribution is not None:
                item = outputs.contribution
                stage.apply(
                    item.source_partition,
                    [(item.source_offset, item.watermark_ms, item.contribution)],
                    self.windows,
                )
                for window in stage.advance(
                    item.source_partition, item.watermark_ms, self.windows, self.heard
                ):
                    sinks.window(window)

    @property
    def stored_windows(self) -> list[StoredWindow]:
        return list(self.windows.windows.values())
