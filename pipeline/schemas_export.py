"""JSON Schemas and the AsyncAPI document, generated from the pydantic contracts.

The models are the single source of truth; ``schemas/`` in the repository holds the generated copies that
integrators read, and a test fails when they drift. Output is deterministic: sorted keys, fixed layout.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import yaml
from pydantic import BaseModel

from pipeline.domain.event import MAX_ATTRIBUTES, RATING_RANGES, SUPPORTED_SCHEMA_VERSIONS, InteractionEvent
from pipeline.domain.records import ChurnAlert, DeadLetter, EnrichedInteraction, StageWindowResult

JSON_SCHEMA_DIALECT: Final[str] = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID_PREFIX: Final[str] = "urn:emotion-pipeline:schema:"
CONTRACT_VERSION: Final[str] = "1.0.0"
ASYNCAPI_FILE: Final[str] = "asyncapi.yaml"
CLOUDEVENTS_CONTENT_TYPE: Final[str] = "application/cloudevents+json; charset=UTF-8"
KAFKA_BINDING_VERSION: Final[str] = "0.5.0"

TopicRole = Literal["interactions", "enriched", "alerts", "stage_emotions", "dlq"]

# Default topic names (SPEC 3); each is configurable with EMOTION_PIPELINE_TOPICS__<ROLE>.
DEFAULT_TOPICS: Final[Mapping[TopicRole, str]] = {
    "interactions": "cx.interactions",
    "enriched": "cx.interactions.enriched",
    "alerts": "cx.alerts.churn-risk",
    "stage_emotions": "cx.stage-emotions",
    "dlq": "cx.interactions.dlq",
}


@dataclass(frozen=True)
class Contract:
    """One topic's value contract: the model, the file it is published as, and how it is keyed."""

    name: str
    file_name: str
    model: type[BaseModel]
    topic_role: TopicRole
    title: str
    description: str
    key_description: str
    # Input contracts describe what we accept; output contracts describe what we always write.
    mode: Literal["validation", "serialization"]
    content_type: str = "application/json"

    @property
    def schema_id(self) -> str:
        return f"{SCHEMA_ID_PREFIX}{self.file_name.removesuffix('.schema.json')}:v1"


_CUSTOMER_KEY = "The customer_id as UTF-8 bytes. All topics keyed by customer share one partition count."

CONTRACTS: Final[tuple[Contract, ...]] = (
    Contract(
        name="InteractionEvent",
        file_name="interaction-event.schema.json",
        model=InteractionEvent,
        topic_role="interactions",
        title="Interaction event",
        description=(
            "One customer contact or touch (call, chat, email, survey answer, social post, app or web "
            "action, store visit, IVR session), written by producers to the interactions topic. Unknown "
            "top-level fields are accepted and carried into the enriched record, but never used for any "
            "decision. Records that do not validate go to the dead-letter topic with the reason."
        ),
        key_description=_CUSTOMER_KEY,
        mode="validation",
    ),
    Contract(
        name="EnrichedInteraction",
        file_name="enriched-interaction.schema.json",
        model=EnrichedInteraction,
        topic_role="enriched",
        title="Enriched interaction",
        description=(
            "One valid interaction event with its Plutchik emotion, journey stage, experience (good, neutral "
            "or bad, with reasons) and pace labels. Unknown top-level fields of the input are kept inside "
            "`event` as received: carried along, never trusted."
        ),
        key_description=_CUSTOMER_KEY,
        mode="serialization",
    ),
    Contract(
        name="ChurnAlert",
        file_name="churn-alert.schema.json",
        model=ChurnAlert,
        topic_role="alerts",
        title="Churn-risk alert (CloudEvents 1.0)",
        description=(
            "A customer's churn-risk level changed: a CloudEvents 1.0 event in structured JSON mode. `id` is "
            "deterministic (the same input history yields the same id), so consumers deduplicate by `id`. "
            "`type` ends with the contract's major version (`.v1`). No raw customer text."
        ),
        key_description="The customer_id as UTF-8 bytes, equal to the CloudEvents `partitionkey` extension.",
        mode="serialization",
        content_type=CLOUDEVENTS_CONTENT_TYPE,
    ),
    Contract(
        name="StageWindowResult",
        file_name="stage-window.schema.json",
        model=StageWindowResult,
        topic_role="stage_emotions",
        title="Stage emotion window",
        description=(
            "The emotional map of one journey stage over one closed tumbling event-time window "
            "[window_start, window_end) in UTC, emitted once when the window closes. Deterministic: no "
            "wall-clock fields, so a repeat is identical and can be deduplicated by `window_id`."
        ),
        key_description="The window_id (`journey/stage/window_size_seconds/window_start_epoch_ms`) as UTF-8.",
        mode="serialization",
    ),
    Contract(
        name="DeadLetter",
        file_name="dead-letter.schema.json",
        model=DeadLetter,
        topic_role="dlq",
        title="Dead letter",
        description=(
            "An input record that could not be processed: the error kind, a message naming the field, the "
            "field's JSON path, where it was read from, and its original key and value bytes (base64)."
        ),
        key_description="The original record key, unchanged (normally the customer_id; may be absent).",
        mode="serialization",
    ),
)

# What each input field means (SPEC 4). The event model belongs to the domain; its documentation for
# integrators lives here, next to the schema it describes.
_EVENT_FIELD_DOCS: Final[dict[str, str]] = {
    "event_id": "Unique id of this event; the idempotency key (a redelivered event changes nothing).",
    "customer_id": "The customer; also the record key. Never a name or e-mail address.",
    "occurred_at": "Event time, RFC 3339 with an offset (e.g. 2024-05-01T09:30:00+08:00).",
    "channel": "Where the contact happened.",
    "journey": "Journey name (e.g. ecommerce, travel, telecom, banking); `default` when omitted.",
    "stage": "Explicit journey stage (touchpoint); inferred from text and channel when omitted.",
    "text": "What the customer said or wrote, any language, at most 20,000 characters.",
    "language": "BCP 47 language tag (en, zh-Hans, zh-Hant, ...); detected when omitted.",
    "rating": "A score the customer gave.",
    "selected_emotions": "Emotions the customer picked themselves (e.g. on a survey), with intensity 0..1.",
    "signals": "Operational facts about the contact.",
    "voice": "Upstream speech-analytics hints, each 0..1.",
    "agent_id": "The agent who handled the contact, if any.",
    "case_id": "The support case the contact belongs to, if any.",
    "attributes": f"Free-form flat string map, at most {MAX_ATTRIBUTES} entries; carried along, never used.",
    "schema_version": "Version of this contract.",
}
_NESTED_FIELD_DOCS: Final[dict[str, dict[str, str]]] = {
    "Rating": {
        "scale": "csat5 (1-5), nps10 (0-10) or stars5 (0-5).",
        "value": "The score, within its scale's range.",
    },
    "Signals": {
        "wait_seconds": "Time the customer waited before the contact was answered.",
        "hold_seconds": "Time the customer was put on hold.",
        "transfers": "How many times the contact was transferred.",
        "reached_human": "Whether the customer reached a human.",
        "resolved": "Whether the customer's issue was resolved by this contact.",
        "repeat_contact": "Whether this is a repeat contact about the same issue.",
        "scripted_reply": "Whether the customer got a scripted or canned reply.",
        "handle_seconds": "Total handling time of the contact.",
    },
    "Voice": {
        "arousal": "Vocal arousal, 0 calm .. 1 agitated.",
        "valence": "Vocal valence, 0 negative .. 1 positive.",
        "speech_rate": "Speech rate, 0 slow .. 1 fast.",
        "overtalk": "Share of time both parties spoke at once.",
    },
}


def contract_schema(contract: Contract) -> dict[str, Any]:
    """The JSON Schema (2020-12) of one contract, with ``$id``, title and description."""
    schema = contract.model.model_json_schema(mode=contract.mode)
    definitions: dict[str, Any] = schema.get("$defs", {})
    event_schema = schema if contract.model is InteractionEvent else definitions.get("InteractionEvent")
    if event_schema is not None:
        _document_event(event_schema, definitions)
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["$id"] = contract.schema_id
    schema["title"] = contract.title
    schema["description"] = contract.description
    return schema


def _document_event(event_schema: dict[str, Any], definitions: dict[str, Any]) -> None:
    """Add what the event model checks in code (and cannot express in types) plus field documentation."""
    properties = event_schema["properties"]
    for field_name, doc in _EVENT_FIELD_DOCS.items():
        properties[field_name].setdefault("description", doc)
    properties["schema_version"]["enum"] = sorted(SUPPORTED_SCHEMA_VERSIONS)
    _non_null_branch(properties["attributes"])["maxProperties"] = MAX_ATTRIBUTES
    event_schema["description"] = (
        "One customer contact or touch. Unknown top-level fields are allowed (additionalProperties): "
        "they are kept as received, never trusted."
    )
    for definition_name, field_docs in _NESTED_FIELD_DOCS.items():
        definition = definitions.get(definition_name)
        if definition is None:
            continue
        for field_name, doc in field_docs.items():
            definition["properties"][field_name].setdefault("description", doc)
    rating = definitions.get("Rating")
    if rating is not None:
        rating["allOf"] = [
            {
                "if": {"properties": {"scale": {"const": scale}}, "required": ["scale"]},
                "then": {"properties": {"value": {"minimum": low, "maximum": high}}},
            }
            for scale, (low, high) in sorted(RATING_RANGES.items())
        ]


def _non_null_branch(property_schema: dict[str, Any]) -> dict[str, Any]:
    branches: list[dict[str, Any]] = property_schema.get("anyOf", [property_schema])
    return next((branch for branch in branches if branch.get("type") != "null"), property_schema)


def asyncapi_document(topics: Mapping[TopicRole, str] = DEFAULT_TOPICS) -> dict[str, Any]:
    """The AsyncAPI 3.0 document: every topic, its key, its value schema (by ``$ref``) and who sends it."""
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for contract in CONTRACTS:
        role = contract.topic_role
        channel_id = _camel(role)
        topic = topics[role]
        channels[channel_id] = {
            "address": topic,
            "title": contract.title,
            "description": (
                f"{contract.description}\n\nDefault topic name `{DEFAULT_TOPICS[role]}`; set it with "
                f"`EMOTION_PIPELINE_TOPICS__{role.upper()}`."
            ),
            "messages": {contract.name: {"$ref": f"#/components/messages/{contract.name}"}},
            "bindings": {"kafka": {"topic": topic, "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        messages[contract.name] = _message(contract)
        action = "receive" if role == "interactions" else "send"
        operations[f"{action}{contract.name}"] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": (
                "The pipeline consumes producers' interaction events."
                if action == "receive"
                else f"The pipeline publishes {contract.title[0].lower()}{contract.title[1:]} records."
            ),
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{contract.name}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "emotion-pipeline topics",
            "version": CONTRACT_VERSION,
            "description": _ASYNCAPI_DESCRIPTION,
            "license": {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
        },
        "defaultContentType": "application/json",
        "servers": {
            "kafka": {
                "host": "localhost:9092",
                "protocol": "kafka",
                "description": (
                    "The Kafka cluster the pipeline runs against; bootstrap servers, SASL and TLS come from "
                    "EMOTION_PIPELINE_KAFKA__* settings."
                ),
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


_ASYNCAPI_DESCRIPTION: Final[str] = (
    "Topics of the customer-emotion stream pipeline. Producers write interaction events; the pipeline "
    "writes enriched interactions, churn-risk alerts (CloudEvents 1.0, structured mode), per-stage emotion "
    "windows and dead letters.\n\n"
    "Partitioning: every topic except the stage-emotions topic is keyed by customer_id, and topics that "
    "share keys must have the same partition count, so one customer's records stay in order on one "
    "partition. Delivery is at least once: deduplicate alerts by `id`, windows by `window_id`, enriched "
    "records by `event.event_id`.\n\n"
    "Versioning: each value carries its version (`schema_version` 1, or the `.v1` suffix of a CloudEvents "
    "`type`). Within version 1 only additive changes are made (new optional fields); consumers must ignore "
    "fields they do not know. A breaking change gets a new version."
)


def _message(contract: Contract) -> dict[str, Any]:
    message: dict[str, Any] = {
        "name": contract.name,
        "title": contract.title,
        "summary": contract.description.split(". ")[0].rstrip(".") + ".",
        "contentType": contract.content_type,
        "payload": {
            "schemaFormat": "application/schema+json;version=draft-2020-12",
            "schema": {"$ref": f"./{contract.file_name}"},
        },
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": contract.key_description},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }
    if contract.content_type == CLOUDEVENTS_CONTENT_TYPE:
        message["description"] = (
            "CloudEvents 1.0 structured content mode over the Kafka protocol binding: the whole event "
            "(attributes and `data`) is the JSON record value, the record header `content-type` is "
            f"`{CLOUDEVENTS_CONTENT_TYPE}`, and the record key is the `partitionkey` extension (the "
            "customer id). `time` is the triggering interaction's event time, so a redelivered alert is an "
            "exact repeat with the same `id`."
        )
        message["headers"] = {
            "type": "object",
            "properties": {"content-type": {"type": "string", "const": CLOUDEVENTS_CONTENT_TYPE}},
            "required": ["content-type"],
        }
    return message


def _camel(role: str) -> str:
    first, *rest = role.split("_")
    return first + "".join(part.capitalize() for part in rest)


def _json_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class _BlockTextDumper(yaml.SafeDumper):
    """Writes multi-line descriptions as literal blocks, the way a person would write them."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_BlockTextDumper.add_representer(str, _represent_text)


def render_files(topics: Mapping[TopicRole, str] = DEFAULT_TOPICS) -> dict[str, str]:
    """Every generated file's name and exact text: the schemas and ``asyncapi.yaml``."""
    files = {contract.file_name: _json_text(contract_schema(contract)) for contract in CONTRACTS}
    files[ASYNCAPI_FILE] = yaml.dump(
        asyncapi_document(topics),
        Dumper=_BlockTextDumper,
        sort_keys=True,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return files


def export_schemas(out_dir: Path, topics: Mapping[TopicRole, str] = DEFAULT_TOPICS) -> list[Path]:
    """Write every generated file into ``out_dir`` (created if missing); return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for file_name, text in render_files(topics).items():
        path = out_dir / file_name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def schema_drift(directory: Path, topics: Mapping[TopicRole, str] = DEFAULT_TOPICS) -> list[str]:
    """The generated files that are missing from ``directory`` or differ from what the models generate."""
    problems: list[str] = []
    for file_name, text in render_files(topics).items():
        path = directory / file_name
        if not path.is_file():
            problems.append(f"{file_name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{file_name}: differs from the models (run 'emotion-pipeline schemas export')")
    return problems
