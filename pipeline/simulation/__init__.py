"""Synthetic, reproducible, bilingual customer traffic for demos, crash tests and benchmarks (SPEC 4-7).

``generate(SimulationConfig(...))`` yields the records a fleet of producers would send: customers walking
through the built-in journeys in English and Chinese (simplified and traditional), with personas whose
bad experiences, recoveries, operational signals and surveys tell one consistent story, plus duplicates,
late and out-of-order arrivals and malformed records. Pure Python; no Kafka.
"""

from pipeline.simulation.config import SimulationConfig
from pipeline.simulation.generator import SimulatedRecord, TrafficPlan, generate, plan_traffic
from pipeline.simulation.malformed import MALFORMED_KINDS, MalformedKind
from pipeline.simulation.story import BAD_KIND_RULES, EventIntent
from pipeline.simulation.wire import customer_key, encode_event

__all__ = [
    "BAD_KIND_RULES",
    "MALFORMED_KINDS",
    "EventIntent",
    "MalformedKind",
    "SimulatedRecord",
    "SimulationConfig",
    "TrafficPlan",
    "customer_key",
    "encode_event",
    "generate",
    "plan_traffic",
]
