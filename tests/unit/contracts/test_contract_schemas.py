"""The published schemas and AsyncAPI document: in sync with the models, valid, and complete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from pipeline.cli import main
from pipeline.schemas_export import (
    ASYNCAPI_FILE,
    CLOUDEVENTS_CONTENT_TYPE,
    CONTRACTS,
    DEFAULT_TOPICS,
    Contract,
    render_files,
    schema_drift,
)

SPEC_TOPICS = {
    "cx.interactions",
    "cx.interactions.enriched",
    "cx.alerts.churn-risk",
    "cx.stage-emotions",
    "cx.interactions.dlq",
}


def test_committed_schemas_match_the_models(schemas_dir: Path) -> None:
    assert schema_drift(schemas_dir) == [], "run: emotion-pipeline schemas export --out schemas"


def test_generation_is_deterministic() -> None:
    assert render_files() == render_files()


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda contract: contract.file_name)
def test_each_schema_is_valid_2020_12_and_documented(schemas_dir: Path, contract: Contract) -> None:
    schema = json.loads((schemas_dir / contract.file_name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:emotion-pipeline:schema:")
    assert schema["title"]
    assert len(schema["description"]) > 40


def test_schema_ids_are_distinct(schemas_dir: Path) -> None:
    ids = [json.loads((schemas_dir / c.file_name).read_text(encoding="utf-8"))["$id"] for c in CONTRACTS]
    assert len(set(ids)) == len(ids)


def test_output_schemas_require_every_field_the_producer_writes(schemas_dir: Path) -> None:
    enriched = json.loads((schemas_dir / "enriched-interaction.schema.json").read_text(encoding="utf-8"))
    assert set(enriched["required"]) == set(enriched["properties"])
    alert = json.loads((schemas_dir / "churn-alert.schema.json").read_text(encoding="utf-8"))
    # dataschema is left out of the event when it is not configured (CloudEvents: absent, not null).
    assert set(alert["properties"]) - set(alert["required"]) == {"dataschema"}


def test_unknown_input_fields_are_declared_kept_but_untrusted(schemas_dir: Path) -> None:
    event = json.loads((schemas_dir / "interaction-event.schema.json").read_text(encoding="utf-8"))
    enriched = json.loads((schemas_dir / "enriched-interaction.schema.json").read_text(encoding="utf-8"))
    assert event["additionalProperties"] is True
    assert enriched["$defs"]["InteractionEvent"]["additionalProperties"] is True
    assert "never trusted" in enriched["properties"]["event"]["description"]
    assert enriched["additionalProperties"] is False


def asyncapi(schemas_dir: Path) -> Any:
    return yaml.safe_load((schemas_dir / ASYNCAPI_FILE).read_text(encoding="utf-8"))


def test_asyncapi_lists_every_spec_topic_with_its_schema_file(schemas_dir: Path) -> None:
    document = asyncapi(schemas_dir)
    assert document["asyncapi"] == "3.0.0"
    channels = document["channels"]
    assert {channel["address"] for channel in channels.values()} == SPEC_TOPICS
    messages = document["components"]["messages"]
    for message in messages.values():
        reference = message["payload"]["schema"]["$ref"]
        assert (schemas_dir / reference).is_file(), reference


def test_asyncapi_states_keys_and_cloudevents_mode(schemas_dir: Path) -> None:
    messages = asyncapi(schemas_dir)["components"]["messages"]
    keys = {name: message["bindings"]["kafka"]["key"]["description"] for name, message in messages.items()}
    assert "window_id" in keys["StageWindowResult"]
    for name in ("InteractionEvent", "EnrichedInteraction", "ChurnAlert"):
        assert "customer_id" in keys[name]
    alert = messages["ChurnAlert"]
    assert alert["contentType"] == CLOUDEVENTS_CONTENT_TYPE
    assert "structured" in alert["description"]
    assert alert["headers"]["properties"]["content-type"]["const"] == CLOUDEVENTS_CONTENT_TYPE


def test_asyncapi_operations_point_at_existing_channels(schemas_dir: Path) -> None:
    document = asyncapi(schemas_dir)
    for operation in document["operations"].values():
        channel_id = operation["channel"]["$ref"].removeprefix("#/channels/")
        assert channel_id in document["channels"]
        assert operation["action"] in {"send", "receive"}


def test_topic_names_are_configurable() -> None:
    topics = dict(DEFAULT_TOPICS)
    topics["alerts"] = "crm.churn-alerts"
    document = yaml.safe_load(render_files(topics)[ASYNCAPI_FILE])
    assert document["channels"]["alerts"]["address"] == "crm.churn-alerts"


def test_cli_export_then_check_passes_and_a_changed_file_fails(tmp_path: Path) -> None:
    assert main(["schemas", "export", "--out", str(tmp_path)]) == 0
    assert main(["schemas", "check", "--dir", str(tmp_path)]) == 0
    target = tmp_path / "churn-alert.schema.json"
    target.write_text(target.read_text(encoding="utf-8").replace('"1.0"', '"1.1"'), encoding="utf-8")
    assert main(["schemas", "check", "--dir", str(tmp_path)]) == 1


def test_cli_check_fails_on_a_missing_file(tmp_path: Path) -> None:
    assert main(["schemas", "export", "--out", str(tmp_path)]) == 0
    (tmp_path / ASYNCAPI_FILE).unlink()
    assert main(["schemas", "check", "--dir", str(tmp_path)]) == 1
