"""Kafka security end to end: a broker with SCRAM-SHA-512 and PLAIN over TLS, and clear refusals.

A second broker (the session one is plaintext) listens only on SASL_SSL with a certificate from a CA the
test makes. The worker and ``produce`` run as subprocesses configured from the environment, as in
production; a secured kafka-python consumer built by the product's own ``kafka_python_config`` reads the
result. Wrong credentials, a mechanism the listener does not enable and an untrusted CA must stop a command
with a message that names the user, the mechanism or the setting, not hang or print a traceback; the
rarer refusals are checked in process, through the same ``check_connection`` every command calls.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaConsumer
from kafka.admin import NewTopic
from kafka.structs import TopicPartition
from support.kafka import WorkerProcess, wait_for
from support.tls import TlsMaterial, make_tls_material, make_unrelated_ca, openssl_available

from pipeline.adapters.connection_check import check_connection
from pipeline.adapters.kafka_security import kafka_python_config, ssl_context
from pipeline.config import KafkaSettings
from pipeline.devtools import local_kafka
from pipeline.domain.errors import ConfigurationError

BROKER_USER, BROKER_PASSWORD = "broker", "broker-secret"
SCRAM_USER, SCRAM_PASSWORD = "alice", "alice-secret"
PLAIN_USER, PLAIN_PASSWORD = "paula", "paula-secret"
PARTITIONS = 2
EVENTS = 30
# Guards against a hang only; a clear refusal takes about as long as the command needs to start.
REFUSAL_GUARD_S = 90


@dataclass(frozen=True)
class SecureBroker:
    bootstrap: str
    tls: TlsMaterial

    def env(self, user: str, password: str, mechanism: str = "SCRAM-SHA-512") -> dict[str, str]:
        return {
            "EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS": self.bootstrap,
            "EMOTION_PIPELINE_KAFKA__SECURITY_PROTOCOL": "SASL_SSL",
            "EMOTION_PIPELINE_KAFKA__SASL_MECHANISM": mechanism,
            "EMOTION_PIPELINE_KAFKA__SASL_USERNAME": user,
            "EMOTION_PIPELINE_KAFKA__SASL_PASSWORD": password,
            "EMOTION_PIPELINE_KAFKA__SSL_CAFILE": str(self.tls.ca_cert),
        }

    def settings(self, user: str, password: str, mechanism: str = "SCRAM-SHA-512") -> KafkaSettings:
        return KafkaSettings(
            bootstrap_servers=self.bootstrap, security_protocol="SASL_SSL", sasl_mechanism=mechanism,
            sasl_username=user, sasl_password=password, ssl_cafile=self.tls.ca_cert,
        )


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    if not openssl_available():
        pytest.skip("needs the openssl command line")
    return make_tls_material(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory: pytest.TempPathFactory, tls: TlsMaterial) -> Iterator[SecureBroker]:
    base = tmp_path_factory.mktemp("secure-kafka")
    listener = local_kafka.sasl_ssl_listener(
        ca_cert=tls.ca_cert, broker_cert=tls.broker_cert, broker_key=tls.broker_key,
        broker_user=BROKER_USER, broker_password=BROKER_PASSWORD, plain_users={PLAIN_USER: PLAIN_PASSWORD},
    )
    credentials = (
        local_kafka.scram_credential("SCRAM-SHA-512", BROKER_USER, BROKER_PASSWORD),
        local_kafka.scram_credential("SCRAM-SHA-512", SCRAM_USER, SCRAM_PASSWORD),
    )
    directory = base / "broker"
    broker = local_kafka.start(directory, listener=listener, scram_credentials=credentials,
                               watch_pid=os.getpid(), heap="512m")
    try:
        yield SecureBroker(broker.bootstrap, tls)
    finally:
        local_kafka.stop(directory)


def _events(prefix: str) -> list[bytes]:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    texts = ("The refund still hasn't arrived, this is a disgrace.", "问题解决了，非常感谢客服的耐心！",
             "Can you tell me when my package ships?")
    return [
        orjson.dumps({
            "event_id": f"{prefix}-{number:03d}",
            "customer_id": f"cust-{number % 7}",
            "occurred_at": (start + timedelta(minutes=number)).isoformat(),
            "channel": "chat",
            "journey": "ecommerce",
            "text": texts[number % len(texts)],
        })
        for number in range(EVENTS)
    ]


def _topic_env(unique: str) -> dict[str, str]:
    return {
        "EMOTION_PIPELINE_TOPICS__INTERACTIONS": f"in-{unique}",
        "EMOTION_PIPELINE_TOPICS__ENRICHED": f"enriched-{unique}",
        "EMOTION_PIPELINE_TOPICS__ALERTS": f"alerts-{unique}",
        "EMOTION_PIPELINE_TOPICS__STAGE_EMOTIONS": f"stages-{unique}",
        "EMOTION_PIPELINE_TOPICS__DLQ": f"dlq-{unique}",
        "EMOTION_PIPELINE_TOPICS__PARTITIONS": str(PARTITIONS),
    }


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], env={**os.environ, **env}, capture_output=True, text=True,
        check=False, timeout=REFUSAL_GUARD_S, stdin=subprocess.DEVNULL,
    )


def _read_values(settings: KafkaSettings, topic: str, expected: int, timeout_s: float) -> list[bytes]:
    consumer = KafkaConsumer(**kafka_python_config(settings), enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        values: list[bytes] = []
        deadline = time.monotonic() + timeout_s
        while len(values) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                values.extend(message.value for message in batch)
        return values
    finally:
        consumer.close()


def _topic_exists(settings: KafkaSettings, topic: str) -> bool:
    consumer = KafkaConsumer(**kafka_python_config(settings))
    try:
        return topic in consumer.topics()
    finally:
        consumer.close()


@pytest.mark.broker
def test_worker_enriches_events_produced_over_scram_and_tls(
    secure_broker: SecureBroker, start_worker: Callable[..., WorkerProcess], tmp_path: Path, unique: str
) -> None:
    security = secure_broker.env(SCRAM_USER, SCRAM_PASSWORD)
    topics = _topic_env(unique)
    worker = start_worker({
        **security, **topics,
        "EMOTION_PIPELINE_WORKER__APP_ID": f"secure-{unique}",
        "EMOTION_PIPELINE_WORKER__WORKDIR": str(tmp_path / "state"),
        "EMOTION_PIPELINE_WORKER__WEB_PORT": str(local_kafka.free_port()),
        "EMOTION_PIPELINE_WORKER__STORE": "memory",
        "EMOTION_PIPELINE_WORKER__LOG_LEVEL": "WARNING",
    }, name="secure")
    settings = secure_broker.settings(SCRAM_USER, SCRAM_PASSWORD)
    enriched_topic = topics["EMOTION_PIPELINE_TOPICS__ENRICHED"]
    created = wait_for(lambda: not worker.alive() or _topic_exists(settings, enriched_topic), timeout_s=60)
    assert worker.alive(), worker.log()[-3000:]
    assert created, "the worker did not create its topics"

    events = tmp_path / "events.jsonl"
    events.write_bytes(b"\n".join(_events(unique)) + b"\n")
    produced = _cli(["produce", str(events)], {**security, **topics})
    assert produced.returncode == 0, produced.stderr
    assert f"produced {EVENTS} records" in produced.stdout

    values = _read_values(settings, enriched_topic, EVENTS, timeout_s=60)
    assert worker.alive(), worker.log()[-3000:]
    enriched_ids = sorted(orjson.loads(value)["event"]["event_id"] for value in values)
    assert enriched_ids == [f"{unique}-{number:03d}" for number in range(EVENTS)]


def _create_topic(settings: KafkaSettings, topic: str) -> None:
    admin = KafkaAdminClient(**kafka_python_config(settings))
    try:
        admin.create_topics([NewTopic(topic, 1, 1)])
    finally:
        admin.close()


@pytest.mark.broker
def test_sasl_plain_over_tls_produces_and_consumes(
    secure_broker: SecureBroker, tmp_path: Path, unique: str
) -> None:
    settings = secure_broker.settings(PLAIN_USER, PLAIN_PASSWORD, "PLAIN")
    topic = f"plain-{unique}"
    _create_topic(settings, topic)
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"\n".join(_events(unique)) + b"\n")

    plain_env = secure_broker.env(PLAIN_USER, PLAIN_PASSWORD, "PLAIN")
    produced = _cli(["produce", str(events), "--topic", topic], plain_env)

    assert produced.returncode == 0, produced.stderr
    assert sorted(_read_values(settings, topic, EVENTS, timeout_s=30)) == sorted(_events(unique))


@pytest.mark.broker
@pytest.mark.parametrize(
    ("command", "mechanism", "user"),
    [
        (["worker"], "SCRAM-SHA-512", SCRAM_USER),
        (["produce", "-"], "SCRAM-SHA-512", SCRAM_USER),
        (["simulate", "--events", "10", "--topic", "never-written"], "SCRAM-SHA-512", SCRAM_USER),
        (["produce", "-"], "PLAIN", PLAIN_USER),
    ],
    ids=["worker-scram", "produce-scram", "simulate-scram", "produce-plain"],
)
def test_wrong_password_is_refused_with_user_and_mechanism(
    secure_broker: SecureBroker, tmp_path: Path, command: list[str], mechanism: str, user: str
) -> None:
    env = {**secure_broker.env(user, "not-the-password", mechanism),
           "EMOTION_PIPELINE_WORKER__WORKDIR": str(tmp_path / "state"),
           "EMOTION_PIPELINE_WORKER__WEB_PORT": str(local_kafka.free_port())}

    result = _cli(command, env)

    assert result.returncode == 2, result.stderr[-3000:]
    assert f"authentication failed for user '{user}' via mechanism {mechanism}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "not-the-password" not in result.stderr + result.stdout


@pytest.mark.broker
def test_right_credentials_pass_the_connection_check(secure_broker: SecureBroker) -> None:
    check_connection(secure_broker.settings(SCRAM_USER, SCRAM_PASSWORD))
    check_connection(secure_broker.settings(PLAIN_USER, PLAIN_PASSWORD, "PLAIN"))


@pytest.mark.broker
def test_mechanism_the_listener_does_not_enable_is_named(secure_broker: SecureBroker) -> None:
    kafka = secure_broker.settings(SCRAM_USER, SCRAM_PASSWORD, "SCRAM-SHA-256")

    with pytest.raises(ConfigurationError, match="does not accept SASL mechanism SCRAM-SHA-256") as raised:
        check_connection(kafka)
    assert raised.value.setting == "EMOTION_PIPELINE_KAFKA__SASL_MECHANISM"


@pytest.mark.broker
def test_untrusted_broker_certificate_names_the_ca_setting(
    secure_broker: SecureBroker, tmp_path: Path
) -> None:
    other_ca = make_unrelated_ca(tmp_path / "other")
    kafka = secure_broker.settings(SCRAM_USER, SCRAM_PASSWORD).model_copy(update={"ssl_cafile": other_ca})

    with pytest.raises(ConfigurationError, match="could not be verified against") as raised:
        check_connection(kafka)
    assert raised.value.setting == "EMOTION_PIPELINE_KAFKA__SSL_CAFILE"
    assert str(other_ca) in str(raised.value)


@pytest.mark.broker
def test_plaintext_client_on_a_tls_listener_points_at_the_protocol(secure_broker: SecureBroker) -> None:
    with pytest.raises(ConfigurationError, match="EMOTION_PIPELINE_KAFKA__SECURITY_PROTOCOL matches"):
        check_connection(KafkaSettings(bootstrap_servers=secure_broker.bootstrap), timeout_s=10)


@pytest.mark.parametrize(
    ("field", "setting"),
    [
        ("ssl_cafile", "EMOTION_PIPELINE_KAFKA__SSL_CAFILE"),
        ("ssl_certfile", "EMOTION_PIPELINE_KAFKA__SSL_CERTFILE"),
    ],
)
def test_a_file_that_is_not_pem_names_its_setting(
    tls: TlsMaterial, tmp_path: Path, field: str, setting: str
) -> None:
    not_pem = tmp_path / "not-a-certificate.txt"
    not_pem.write_text("this is not a certificate\n")
    files = {"ssl_cafile": tls.ca_cert, "ssl_certfile": tls.client_cert, "ssl_keyfile": tls.client_key,
             field: not_pem}
    kafka = KafkaSettings(security_protocol="SSL", **files)

    with pytest.raises(ConfigurationError, match=setting) as raised:
        ssl_context(kafka)
    assert str(not_pem) in str(raised.value)


def test_nothing_listening_names_the_bootstrap_setting() -> None:
    address = f"127.0.0.1:{local_kafka.free_port()}"

    with pytest.raises(ConfigurationError, match=f"cannot talk to Kafka at {address}") as raised:
        check_connection(KafkaSettings(bootstrap_servers=address), timeout_s=5)
    assert raised.value.setting == "EMOTION_PIPELINE_KAFKA__BOOTSTRAP_SERVERS"
