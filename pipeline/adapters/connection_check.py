"""Fail fast, with the reason, when the configured Kafka connection cannot work.

Both Kafka clients hide why a connection failed: aiokafka (under Faust) logs the error and raises
"Unable to bootstrap", and kafka-python retries until its timeout and then says the same. A wrong password
thus looked like a 30-second hang followed by a vague error. One connection made before anything else
starts, with aiokafka's own connection class (what the worker uses), surfaces the real reason: refused
authentication, an unsupported mechanism, an untrusted certificate, a protocol that does not match the
listener, or an unreachable address, each as a ``ConfigurationError`` naming the setting to fix.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from typing import Final

import aiokafka.errors as kafka_errors
from aiokafka.conn import create_conn, get_ip_port_afi
from aiokafka.protocol.metadata import MetadataRequest

from pipeline.adapters.kafka_security import ssl_context
from pipeline.config import KafkaSettings, env_name
from pipeline.domain.errors import ConfigurationError

DEFAULT_TIMEOUT_S: Final[float] = 15.0

_AUTHENTICATION_FAILURES: Final = (
    kafka_errors.SaslAuthenticationFailed,
    kafka_errors.AuthenticationFailedError,
    kafka_errors.IllegalSaslStateError,
)


def _setting(name: str) -> str:
    return env_name(("kafka", name))


def check_connection(kafka: KafkaSettings, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
    """Connect to a bootstrap server, authenticate and read metadata; ConfigurationError if that fails.

    Runs on a private event loop and leaves no current loop behind, so a Faust worker can start right after.
    """
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(probe_connection(kafka, timeout_s))
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.wait(pending))
        loop.close()


async def probe_connection(kafka: KafkaSettings, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
    """The check of ``check_connection`` for callers that already run an event loop."""
    context = ssl_context(kafka)
    failures: list[str] = []
    for server in kafka.servers:
        host, port, _ = get_ip_port_afi(server)
        port = 9092 if port < 0 else port
        try:
            await asyncio.wait_for(_read_metadata(kafka, host, port, context), timeout_s)
        except (OSError, TimeoutError, kafka_errors.KafkaError) as error:
            _raise_if_definite(kafka, f"{host}:{port}", error)
            failures.append(f"{host}:{port}: {_describe(error, timeout_s)}")
        else:
            return
    raise ConfigurationError(
        _setting("bootstrap_servers"),
        f"cannot talk to Kafka at {kafka.bootstrap_servers} with security protocol "
        f"{kafka.security_protocol} ({'; '.join(failures)}); check the address, and that "
        f"{_setting('security_protocol')} matches the broker's listener",
    )


async def _read_metadata(kafka: KafkaSettings, host: str, port: int, context: ssl.SSLContext | None) -> None:
    password = kafka.sasl_password.get_secret_value() if kafka.sasl_password is not None else None
    connection = await create_conn(
        host,
        port,
        client_id=kafka.client_id,
        request_timeout_ms=30_000,
        ssl_context=context,
        security_protocol=kafka.security_protocol,
        sasl_mechanism=kafka.sasl_mechanism or "PLAIN",
        sasl_plain_username=kafka.sasl_username,
        sasl_plain_password=password,
    )
    try:
        # SASL succeeded once the connection exists; a metadata answer shows a broker that serves us.
        await connection.send(MetadataRequest([]))
    finally:
        with contextlib.suppress(Exception):
            await connection.close()


def _raise_if_definite(kafka: KafkaSettings, server: str, error: BaseException) -> None:
    """Raise for failures another bootstrap server would repeat: credentials, mechanism, trust."""
    if isinstance(error, _AUTHENTICATION_FAILURES):
        raise ConfigurationError(
            f"{_setting('sasl_username')} / {_setting('sasl_password')}",
            f"authentication failed for user {kafka.sasl_username!r} via mechanism {kafka.sasl_mechanism} "
            f"at {server}: check the user name, password and mechanism (broker said: {_message(error)})",
        ) from None
    if isinstance(error, kafka_errors.UnsupportedSaslMechanismError):
        raise ConfigurationError(
            _setting("sasl_mechanism"),
            f"the broker at {server} does not accept SASL mechanism {kafka.sasl_mechanism}; use one that its "
            "listener enables (sasl.enabled.mechanisms)",
        ) from None
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = error.verify_message or _message(error)
        if "mismatch" in reason or "hostname" in reason:
            raise ConfigurationError(
                _setting("bootstrap_servers"),
                f"the TLS certificate of {server} is not valid for that name ({reason}); connect by a "
                f"name the certificate lists, or set {_setting('ssl_check_hostname')}=false only for testing",
            ) from None
        trusted = kafka.ssl_cafile if kafka.ssl_cafile is not None else "the system's default CA certificates"
        raise ConfigurationError(
            _setting("ssl_cafile"),
            f"the TLS certificate of {server} could not be verified against {trusted} ({reason}); set it to "
            "the CA certificate (PEM) that signed the broker's certificate",
        ) from None


def _describe(error: BaseException, timeout_s: float) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout_s:g} s"
    if isinstance(error, ssl.SSLError):
        return f"TLS handshake failed: {error.reason or _message(error)}"
    cause = error.__cause__
    if isinstance(error, kafka_errors.KafkaConnectionError) and cause is not None:
        return f"{_message(error)}: {_message(cause)}"
    return _message(error)


def _message(error: BaseException) -> str:
    text = str(error).strip()
    return text or type(error).__name__
