"""Kafka security settings turned into what each client library expects (Faust/aiokafka, kafka-python)."""

from __future__ import annotations

import ssl
from typing import Any

import faust

from pipeline.config import KafkaSettings, env_name
from pipeline.domain.errors import ConfigurationError


def ssl_context(kafka: KafkaSettings) -> ssl.SSLContext | None:
    """A TLS context from the CA file and optional client certificate, or None for plaintext.

    A file that is not what its setting says (not PEM, wrong key password) is a ConfigurationError naming it.
    """
    if kafka.security_protocol not in ("SSL", "SASL_SSL"):
        return None
    try:
        context = ssl.create_default_context(cafile=str(kafka.ssl_cafile) if kafka.ssl_cafile else None)
    except (ssl.SSLError, OSError) as error:
        raise ConfigurationError(
            env_name(("kafka", "ssl_cafile")),
            f"{kafka.ssl_cafile} is not a readable PEM CA certificate ({error})",
        ) from None
    context.check_hostname = kafka.ssl_check_hostname
    if kafka.ssl_certfile is not None and kafka.ssl_keyfile is not None:
        password = kafka.ssl_key_password.get_secret_value() if kafka.ssl_key_password else None
        try:
            context.load_cert_chain(str(kafka.ssl_certfile), str(kafka.ssl_keyfile), password=password)
        except (ssl.SSLError, OSError) as error:
            raise ConfigurationError(
                f"{env_name(('kafka', 'ssl_certfile'))} / {env_name(('kafka', 'ssl_keyfile'))}",
                f"cannot load the client certificate {kafka.ssl_certfile} with key {kafka.ssl_keyfile} "
                f"({error}); both must be PEM, the key matching the certificate, and "
                f"{env_name(('kafka', 'ssl_key_password'))} set if the key is encrypted",
            ) from None
    return context


def faust_credentials(kafka: KafkaSettings) -> Any:
    """Faust's ``broker_credentials`` for the configured protocol (None for PLAINTEXT)."""
    context = ssl_context(kafka)
    if kafka.security_protocol.startswith("SASL"):
        assert kafka.sasl_password is not None  # enforced by KafkaSettings
        return faust.SASLCredentials(
            username=kafka.sasl_username,
            password=kafka.sasl_password.get_secret_value(),
            mechanism=kafka.sasl_mechanism,
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def kafka_python_config(kafka: KafkaSettings) -> dict[str, Any]:
    """Keyword arguments for kafka-python clients (producer, consumer, admin)."""
    config: dict[str, Any] = {
        "bootstrap_servers": kafka.servers,
        "client_id": kafka.client_id,
        "security_protocol": kafka.security_protocol,
    }
    if kafka.security_protocol.startswith("SASL"):
        assert kafka.sasl_password is not None
        config.update(
            sasl_mechanism=kafka.sasl_mechanism,
            sasl_plain_username=kafka.sasl_username,
            sasl_plain_password=kafka.sasl_password.get_secret_value(),
        )
    context = ssl_context(kafka)
    if context is not None:
        config["ssl_context"] = context
    return config
