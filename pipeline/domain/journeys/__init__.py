"""Customer journeys and their stages: YAML definitions, a compiled cue matcher each, stage inference."""

from pipeline.domain.journeys.catalog import JourneyCatalog, builtin_journeys, load_journeys
from pipeline.domain.journeys.model import DEFAULT_JOURNEY, UNKNOWN_STAGE, Journey, Stage

__all__ = [
    "DEFAULT_JOURNEY",
    "UNKNOWN_STAGE",
    "Journey",
    "JourneyCatalog",
    "Stage",
    "builtin_journeys",
    "load_journeys",
]
