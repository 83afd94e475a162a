"""One exploration of a scenario: the edited settings, the one-shot verdict, the live model.

Edits are kept as dotted-path overrides of the scenario as loaded and applied together with
:func:`coopsim.scenario.loading.with_overrides`, so every state the page shows is a validated
scenario. An edit that makes the scenario invalid is kept (the page shows what the analyst
typed) together with the CLI's message; the verdict and the model stay at the last valid
settings until the problem is fixed.

The live model is replicate 0 of the chosen variant: a :class:`coopsim.abm.LabModel` on the
stream ``SeedSequence([seed, variant position, 0])``, stepped one round at a time, exactly as
`coopsim run` seeds it. So a saved scenario, run with `coopsim run`, gives the same rounds in
replicate 0 of that variant.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from coopsim.abm import LabModel, replicate_seed
from coopsim.explore.controls import Control, controls_for, variant_names
from coopsim.scenario.loading import ScenarioError, resolve_variants, with_overrides
from coopsim.scenario.spec import Scenario
from coopsim.games.stage import expand_labs

SCHEMA_COMMENT = "# yaml-language-server: $schema=scenario.schema.json\n"


def scenario_yaml(scenario: Scenario) -> str:
    """A scenario as YAML that `coopsim validate` accepts and `coopsim run` reproduces: every
    value of the validated model (defaults filled in), variants kept, with the schema comment."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    if not data.get("variants"):
        data.pop("variants", None)
    return SCHEMA_COMMENT + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


class Explorer:
    """The state behind the page (one analyst; the server serialises calls)."""

    def __init__(self, scenario: Scenario, source: str):
        self.original = scenario
        self.source = source
        self.overrides: dict[str, Any] = {}
        self.scenario = scenario  # the last valid settings
        self.error: ScenarioError | None = None
        self.variant = variant_names(scenario)[0]
        self.reset()

    # ------------------------------------------------------------------ settings

    def set(self, path: str, value: Any) -> None:
        """Apply one edit; on a bad combination keep the previous scenario and record why."""
        self.overrides[path] = value
        self._apply()

    def select_variant(self, name: str) -> None:
        if name not in variant_names(self.scenario):
            raise ValueError(f"no variant named {name!r}")
        self.variant = name
        self.reset()

    def _apply(self) -> None:
        try:
            scenario = with_overrides(self.original, self.overrides, source=f"{self.source} (as edited)")
        except ScenarioError as exc:
            self.error = exc
            return
        self.error = None
        self.scenario = scenario
        self.reset()

    def controls(self) -> list[Control]:
        """The controls of the chosen variant, showing any pending (invalid) edits as typed."""
        return [
            Control(**{**c.as_json(), "value": self.overrides.get(c.path, c.value)})
            for c in controls_for(self.scenario, self.variant)
        ]

    def variant_scenario(self) -> Scenario:
        """The chosen variant as a complete scenario."""
        return resolve_variants(self.scenario)[self.variant]

    # ------------------------------------------------------------------ the live model

    def reset(self) -> None:
        """A fresh model of the chosen variant at round 0."""
        variant = self.variant_scenario()
        position = variant_names(self.scenario).index(self.variant)
        seed = replicate_seed(self.scenario.seed, position, 0)
        self.model = LabModel(variant, rng=np.random.default_rng(seed))
        self.rounds = variant.dynamics.rounds
        self.labs = [lab.name for lab in expand_labs(variant)]
        self.history: list[dict[str, Any]] = []

    @property
    def round(self) -> int:
        """Rounds played so far."""
        return len(self.history)

    @property
    def finished(self) -> bool:
        return self.round >= self.rounds

    def step(self, rounds: int = 1) -> int:
        """Play up to `rounds` more rounds (never past the scenario's `dynamics.rounds`)."""
        played = 0
        while played < rounds and not self.finished:
            self.model.step()
            m = self.model
            self.history.append({
                "round": self.round,
                "cooperation": float(m.cooperation_rate),
                "trust": float(m.mean_trust),
                "incidents": int(m.incidents),
                "welfare": float(m.welfare),
                "labs": {
                    # NaN: the lab sat out this round (random pairs, odd count)
                    name: {"cooperation": None if c != c else c, "trust": t, "incidents": i}
                    for name, c, t, i in zip(self.labs, m.lab_cooperation, m.lab_trust, m.lab_incidents)
                },
            })
            played += 1
        return played

    # ------------------------------------------------------------------ saving

    def save(self, destination: str | Path) -> Path:
        """Write the current settings as a scenario file; refuse while an edit is invalid, and
        never overwrite the scenario being explored. The file appears whole or not at all."""
        if self.error is not None:
            raise self.error
        path = Path(destination).expanduser()
        if path.suffix not in (".yaml", ".yml"):
            raise ValueError(f"{path}: a scenario file name ends in .yaml")
        if path.exists() and path.resolve() == Path(self.source).resolve():
            raise ValueError(f"{path} is the scenario being explored; choose another name")
        if not path.parent.is_dir():
            raise ValueError(f"{path.parent}: no such folder")
        text = scenario_yaml(self.scenario)
        handle, staging = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(staging, path)
        except BaseException:
            Path(staging).unlink(missing_ok=True)
            raise
        return path
