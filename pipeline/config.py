"""One frozen settings object, read from the environment (prefix ``EMOTION_PIPELINE_``, ``__`` for nesting).

Validated at start: a wrong value stops the start with a message that names the setting, e.g.
``EMOTION_PIPELINE_KAFKA__SASL_PASSWORD: required when security_protocol is SASL_SSL``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.domain.alert_builder import AlertSettings
from pipeline.domain.churn import ChurnPolicy
from pipeline.domain.errors import ConfigurationError
from pipeline.domain.experience import ExperienceRules
from pipeline.domain.pii import PiiPolicy
from pipeline.stage_windows import WindowSettings

ENV_PREFIX = "EMOTION_PIPELINE_"

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]

_SECTION = ConfigDict(frozen=True, extra="forbid")


class KafkaSettings(BaseModel):
    """How to reach the Kafka cluster, including SASL and TLS."""

    model_config = _SECTION

    bootstrap_servers: str = "127.0.0.1:9092"
    client_id: str = "emotion-pipeline"
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    ssl_key_password: SecretStr | None = None
    ssl_check_hostname: bool = True

    @model_validator(mode="after")
    def _security_is_complete(self) -> KafkaSettings:
        if self.security_protocol.startswith("SASL"):
            for name in ("sasl_mechanism", "sasl_username", "sasl_password"):
                if getattr(self, name) is None:
                    raise ValueError(f"{name} is required when security_protocol is {self.security_protocol}")
        for name in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
            path = getattr(self, name)
            if path is not None and not Path(path).is_file():
                raise ValueError(f"{name} {path} does not exist or is not a file")
        if (self.ssl_certfile is None) != (self.ssl_keyfile is None):
            raise ValueError("ssl_certfile and ssl_keyfile go together (client certificate and its key)")
        return self

    @property
    def servers(self) -> list[str]:
        return [server.strip() for server in self.bootstrap_servers.split(",") if server.strip()]


TopicName = Annotated[str, Field(min_length=1, max_length=249, pattern=r"^[A-Za-z0-9._-]+$")]


class TopicSettings(BaseModel):
    """Topic names and sizes (SPEC 3). Topics that share keys must have the same partition count."""

    model_config = _SECTION

    interactions: TopicName = "cx.interactions"
    enriched: TopicName = "cx.interactions.enriched"
    alerts: TopicName = "cx.alerts.churn-risk"
    stage_emotions: TopicName = "cx.stage-emotions"
    dlq: TopicName = "cx.interactions.dlq"
    partitions: Annotated[int, Field(ge=1, le=10_000)] = 8
    replication_factor: Annotated[int, Field(ge=1, le=10)] = 1
    create: bool = True

    @model_validator(mode="after")
    def _names_distinct(self) -> TopicSettings:
        names = [self.interactions, self.enriched, self.alerts, self.stage_emotions, self.dlq]
        if len(set(names)) != len(names):
            raise ValueError("topic names must be distinct")
        return self


class WorkerSettings(BaseModel):
    """The stream worker: identity, local state, HTTP server, batching."""

    model_config = _SECTION

    app_id: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._-]+$")] = (
        "emotion-pipeline"
    )
    workdir: Path = Path(".worker")
    store: Literal["rocksdb", "memory"] = "rocksdb"
    web_host: str = "127.0.0.1"
    web_port: Annotated[int, Field(ge=1, le=65535)] = 6066
    api_token: SecretStr | None = None
    max_record_bytes: Annotated[int, Field(ge=1024, le=16 * 1024 * 1024)] = 1024 * 1024
    max_event_future_seconds: Annotated[int, Field(ge=0)] = 2 * 86_400
    batch_size: Annotated[int, Field(ge=1, le=10_000)] = 500
    # A batch is handed over when full or when no more records are waiting (adapters/batching.py); this is
    # the longest a record already fetched can wait for its batch to be handed over.
    batch_within_seconds: Annotated[float, Field(gt=0, le=10)] = 0.05
    # A fetch returns once this many bytes are ready or after the wait: below saturation, Faust's fixed 1 byte
    # made the consumer ask the broker again after every few records (docs/performance.md).
    fetch_min_bytes: Annotated[int, Field(ge=1, le=64 * 1024 * 1024)] = 32 * 1024
    fetch_max_wait_ms: Annotated[int, Field(ge=0, le=10_000)] = 10
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    session_timeout_seconds: Annotated[float, Field(ge=3, le=600)] = 30.0
    heartbeat_interval_seconds: Annotated[float, Field(gt=0, le=60)] = 3.0
    commit_interval_seconds: Annotated[float, Field(gt=0, le=60)] = 1.0
    # All RocksDB databases of a worker (one per table and partition) share one block cache of this size,
    # their memtables charged to it (adapters/rocksdb_memory.py); a memtable is flushed at the buffer size.
    rocksdb_memory_mib: Annotated[int, Field(ge=8, le=65_536)] = 64
    rocksdb_write_buffer_mib: Annotated[int, Field(ge=1, le=1024)] = 4


class EmotionSettings(BaseModel):
    """Which emotion engine labels text, and its options (e.g. a local model path)."""

    model_config = _SECTION

    engine: str = "lexicon"
    options: dict[str, str] = Field(default_factory=dict)


class JourneySettings(BaseModel):
    """Journey definition files or directories that add to or override the built-in journeys."""

    model_config = _SECTION

    paths: list[Path] = Field(default_factory=list)


class PlaybookSettings(BaseModel):
    """The recommended-action playbook file (the built-in one when unset)."""

    model_config = _SECTION

    path: Path | None = None


class Settings(BaseSettings):
    """Everything the product reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", frozen=True, extra="forbid", case_sensitive=False
    )

    kafka: KafkaSettings = KafkaSettings()
    topics: TopicSettings = TopicSettings()
    worker: WorkerSettings = WorkerSettings()
    emotion: EmotionSettings = EmotionSettings()
    journeys: JourneySettings = JourneySettings()
    playbook: PlaybookSettings = PlaybookSettings()
    experience: ExperienceRules = ExperienceRules()
    churn: ChurnPolicy = ChurnPolicy()
    windows: WindowSettings = WindowSettings()
    alerts: AlertSettings = AlertSettings()
    pii: PiiPolicy = PiiPolicy()


def env_name(location: tuple[str | int, ...]) -> str:
    """The environment variable that sets the field at a validation-error location."""
    parts = [str(part).upper() for part in location if not isinstance(part, int)]
    return ENV_PREFIX + "__".join(parts)


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; raise ConfigurationError naming the environment variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        raise ConfigurationError(env_name(tuple(first["loc"])), first["msg"]) from None
