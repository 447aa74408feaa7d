"""One root exception for the product, with the few subclasses callers decide on.

The adapters catch ``InvalidRecord`` and dead-letter the record; ``ConfigurationError`` stops the start.
Anything else is a bug or a transient infrastructure failure, and is handled as such.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Root of every error the product raises on purpose."""


class ConfigurationError(PipelineError):
    """A setting, journey file or playbook is wrong; the message names the setting (and file and line)."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


class InvalidRecord(PipelineError):
    """An input record cannot be processed; it goes to the dead-letter topic with ``kind`` and the message.

    ``kind`` is one of the dead-letter reasons (``not_utf8``, ``not_json``, ``too_large``, ``validation``,
    ``unsupported_schema_version``, ``missing_key``, ...); ``field`` is the JSON path of the bad field,
    if any.
    """

    def __init__(self, kind: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.field = field


class LocalKafkaError(PipelineError):
    """The project's local Kafka broker could not be prepared, started or stopped."""
