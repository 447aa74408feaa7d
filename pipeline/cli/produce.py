"""``emotion-pipeline produce FILE.jsonl``: send a JSONL file to Kafka, each line as-is, keyed by customer.

Lines are raw bytes (a file written by ``simulate`` may hold records that are not valid UTF-8 on purpose);
each becomes one record keyed by its readable ``customer_id``, or unkeyed when it has none, so the worker
dead-letters it with the reason. Kafka's default partitioner (murmur2) places keyed records exactly as Java
clients do. ``produce_records`` is the sending loop ``simulate`` shares.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pipeline.cli.common import (
    CONNECTION_HELP,
    add_kafka_options,
    report_configuration_error,
    settings_from_args,
)
from pipeline.config import Settings
from pipeline.domain.errors import ConfigurationError
from pipeline.simulation.pacing import TokenBucket
from pipeline.simulation.wire import customer_key

EXAMPLES = f"""\
examples:
  emotion-pipeline produce events.jsonl --bootstrap 127.0.0.1:9092
  emotion-pipeline produce events.jsonl --bootstrap "$(cat .kafka/bootstrap)" --rate 500
  emotion-pipeline simulate --events 10000 --out events.jsonl && emotion-pipeline produce events.jsonl

Each line is one record value, sent byte for byte (blank lines are skipped); the key is the line's
customer_id when it can be read, else the record has no key.

{CONNECTION_HELP}"""

PROGRESS_EVERY_S = 1.0


@dataclass(frozen=True, slots=True)
class ProduceSummary:
    """What a produce run sent: records acknowledged, records the broker refused, bytes, wall seconds."""

    records: int
    failed: int
    bytes: int
    seconds: float

    def line(self) -> str:
        rate = self.records / self.seconds if self.seconds > 0 else 0.0
        failed = f", {self.failed} failed" if self.failed else ""
        return (
            f"produced {self.records} records ({self.bytes} bytes) in {self.seconds:.2f} s "
            f"({rate:,.0f} records/s){failed}"
        )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "produce",
        help="send a JSONL file of events to Kafka, each line as-is, keyed by customer_id",
        description="Produce each line of a JSONL file as one record, keyed by its customer_id.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    parser.add_argument("file", type=Path, metavar="FILE.jsonl", help="records, one per line ('-' for stdin)")
    add_kafka_options(parser)
    parser.add_argument(
        "--topic", help="topic to produce to (default: the interactions topic of the settings)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        metavar="RECORDS_PER_S",
        help="at most this many records per second (default: as fast as the broker takes them)",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        settings = settings_from_args(args)
    except ConfigurationError as error:
        return report_configuration_error("produce", error)
    if args.rate is not None and args.rate <= 0:
        print("produce: --rate must be positive", file=sys.stderr)
        return 2
    topic = args.topic or settings.topics.interactions
    try:
        lines = sys.stdin.buffer if str(args.file) == "-" else args.file.open("rb")
    except OSError as error:
        print(f"produce: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    with lines:
        records = ((customer_key(line), line) for line in read_records(lines))
        return send_to_kafka("produce", settings, topic, records, rate=args.rate)


def read_records(lines: IO[bytes]) -> Iterator[bytes]:
    """The records of a JSONL stream as raw bytes: line ends removed, blank lines skipped, nothing decoded."""
    for line in lines:
        record = line.rstrip(b"\r\n")
        if record.strip():
            yield record


def send_to_kafka(
    command: str,
    settings: Settings,
    topic: str,
    records: Iterable[tuple[bytes | None, bytes]],
    *,
    rate: float | None,
) -> int:
    """Produce ``records`` to ``topic``, print a summary and return the exit status."""
    # kafka-python loads only when a command actually produces, not for every CLI start.
    from kafka import KafkaAdminClient, KafkaProducer
    from kafka.errors import KafkaError

    from pipeline.adapters.connection_check import check_connection
    from pipeline.adapters.kafka_security import kafka_python_config

    try:
        # kafka-python hides a refused login or an untrusted certificate behind a timeout: check first.
        check_connection(settings.kafka)
    except ConfigurationError as error:
        return report_configuration_error(command, error)
    connection = kafka_python_config(settings.kafka)
    try:
        # Ask first: a broker with auto.create.topics.enable would otherwise create a one-partition topic
        # on the first send, and every customer would land on partition 0.
        admin = KafkaAdminClient(**connection)
        try:
            known = topic in admin.list_topics()
        finally:
            admin.close()
        if not known:
            print(
                f"{command}: topic {topic!r} does not exist at {settings.kafka.bootstrap_servers}; "
                "start a worker once (it creates its topics) or create the topic first",
                file=sys.stderr,
            )
            return 1
        producer = KafkaProducer(
            **connection,
            acks="all",
            linger_ms=20,
            batch_size=256 * 1024,
            allow_auto_create_topics=False,
            max_block_ms=30_000,
        )
    except KafkaError as error:
        print(f"{command}: cannot use Kafka at {settings.kafka.bootstrap_servers}: {error}", file=sys.stderr)
        return 1
    try:
        partitions = producer.partitions_for(topic) or set()
        print(f"{command}: producing to {topic} ({len(partitions)} partitions)", file=sys.stderr)
        summary = produce_records(producer, topic, records, rate=rate, progress=sys.stderr)
    finally:
        producer.close(timeout=30)
    print(summary.line())
    return 1 if summary.failed else 0


def produce_records(
    producer: Any,
    topic: str,
    records: Iterable[tuple[bytes | None, bytes]],
    *,
    rate: float | None = None,
    progress: IO[str] | None = None,
) -> ProduceSummary:
    """Send every (key, value) to ``topic`` at most ``rate`` per second, flush, and count what was acked.

    ``producer`` is a kafka-python ``KafkaProducer``; keyed records go where Kafka's murmur2 partitioner puts
    them. A progress line goes to ``progress`` about once a second.
    """
    bucket = TokenBucket(rate) if rate else None
    failures: list[BaseException] = []
    sent = sent_bytes = 0
    started = last_report = time.monotonic()
    for key, value in records:
        if bucket is not None:
            bucket.take()
        producer.send(topic, key=key, value=value).add_errback(failures.append)
        sent += 1
        sent_bytes += len(value)
        now = time.monotonic()
        if progress is not None and now - last_report >= PROGRESS_EVERY_S:
            last_report = now
            _report(progress, sent, sent_bytes, now - started)
    producer.flush()
    seconds = time.monotonic() - started
    if progress is not None and sent:
        _report(progress, sent, sent_bytes, seconds, final=True)
    if failures:
        print(f"first failure: {failures[0]!r}", file=progress or sys.stderr)
    return ProduceSummary(
        records=sent - len(failures), failed=len(failures), bytes=sent_bytes, seconds=seconds
    )


def _report(stream: IO[str], sent: int, sent_bytes: int, elapsed: float, *, final: bool = False) -> None:
    rate = sent / elapsed if elapsed > 0 else 0.0
    text = f"sent {sent:,} records, {sent_bytes / 1e6:,.1f} MB, {rate:,.0f}/s"
    if stream.isatty():
        stream.write(f"\r{text}" + ("\n" if final else ""))
    elif final or int(elapsed) % 10 == 0:
        stream.write(text + "\n")
    stream.flush()
