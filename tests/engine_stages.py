"""Stages used by tests/test_train.py. Worker processes import this module (the tests put tests/ on PYTHONPATH)."""
import os
import time
from dataclasses import dataclass
from pathlib import Path

from physix.train import RegressionConfig, RegressionStage


@dataclass
class FaultyConfig(RegressionConfig):
    crash_marker: str = ""     # crash once: when this file does not exist yet, create it and crash
    crash_at_call: int = 0     # ... on this training forward call of this process (1-based); 0: never
    crash_rank: int = 1        # ... on this rank
    step_delay: float = 0.0    # seconds to sleep per training forward (so a test can kill mid-run)


class FaultyStage(RegressionStage):
    "The regression stage, slowed down and/or crashing once on one rank."
    Config = FaultyConfig
    calls = 0

    def loss(self, model, batch):
        c = self.config
        if model.training:
            type(self).calls += 1
            time.sleep(c.step_delay)
            rank = int(os.environ.get("RANK", 0))
            if c.crash_at_call and type(self).calls == c.crash_at_call and rank == c.crash_rank and not Path(c.crash_marker).exists():
                Path(c.crash_marker).write_text("crashed once")
                raise RuntimeError(f"injected crash on rank {rank} at call {type(self).calls}")
        return super().loss(model, batch)
