"""One sample of simulated traffic shared by the simulation tests (generating it is the slow part)."""

from __future__ import annotations

import pytest

from pipeline.simulation import SimulatedRecord, SimulationConfig, generate


@pytest.fixture(scope="session")
def sample_config() -> SimulationConfig:
    # Dense enough (stories squeezed eightfold) that displaced records really arrive after later ones.
    return SimulationConfig(seed=20250303, customers=360, speedup=8.0, malformed_rate=0.02)


@pytest.fixture(scope="session")
def sample(sample_config: SimulationConfig) -> list[SimulatedRecord]:
    return list(generate(sample_config))
