"""``emotion-pipeline demo``: the whole product on one machine in a minute or two.

A local Kafka broker, a real worker subprocess, synthetic bilingual traffic produced at a steady rate, a
live terminal view of what comes out (alerts, dead letters, enriched records) and, at the end, the journey
map read back from the worker's HTTP API. ``run_demo`` is the entry point; ``DemoOptions`` its input.
"""

from pipeline.demo.plan import DemoOptions, DemoPlan, plan_demo
from pipeline.demo.session import run_demo

__all__ = ["DemoOptions", "DemoPlan", "plan_demo", "run_demo"]
