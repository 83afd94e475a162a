"""One-shot phase diagrams: game class, equilibrium set and "is cooperation rational" over a grid
of two factors, in closed form with numpy (no solver per cell).

For a 2x2 bimatrix game (A, B) with actions (C, D):

* (i, j) is a pure equilibrium iff A[i, j] >= A[1-i, j] and B[i, j] >= B[i, 1-j];
* a completely mixed equilibrium exists iff each lab can be made indifferent by the other's mix:
  the column lab cooperates with q = (A11 - A01) / ((A00 - A10) - (A01 - A11)) and the row lab
  with p = (B11 - B10) / ((B00 - B01) - (B10 - B11)), both strictly inside (0, 1);
* cooperation is rational for the row lab iff delta(tau) = tau(R - T) + (1 - tau)(S - P) > 0.

The tests compare these closed forms with nashpy on randomly sampled cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coopsim.games import game_model
from coopsim.games.stage import expand_labs
from coopsim.theory.stage_game import classify, cooperates, cooperation_advantage, critical_trust
from coopsim.scenario.spec import Scenario
from coopsim.scenario.loading import ScenarioError, parse_dotted_path, with_overrides

PURE_LABELS = ("CC", "CD", "DC", "DD")
FACTORS = ("trust", "shared_upside", "advantage", "exposure", "shared_downside")
MATRIX_KEYS = ("R", "S", "T", "P")


@dataclass(frozen=True)
class Axis:
    """One axis of a phase diagram: a dotted scenario path and its values."""

    path: str
    values: np.ndarray


def _lab_arrays(scenario: Scenario, lab_index: int, axes: list[Axis], grids: list[np.ndarray]):
    """(trust, R, S, T, P) arrays over the grid for one of the two one-shot labs."""
    lab = expand_labs(scenario)[lab_index]
    spec_index = _spec_index(scenario, lab_index)
    spec = scenario.labs[spec_index]
    values = {"trust": lab.trust, **lab.payoffs.factors()}
    matrix = {"R": lab.payoffs.R, "S": lab.payoffs.S, "T": lab.payoffs.T, "P": lab.payoffs.P}
    for axis, grid in zip(axes, grids):
        parts = parse_dotted_path(axis.path)
        if parts[0] == "game" and len(parts) == 2:
            name = parts[1]
            if name in FACTORS and getattr(spec, name, None) is None:
                values[name] = grid
            elif name in MATRIX_KEYS:
                matrix[name] = grid
        elif parts[:2] == ("labs", spec_index) and len(parts) == 3 and parts[2] in FACTORS:
            values[parts[2]] = grid
    R, S, T, P = game_model(scenario).stage_payoffs({**values, **matrix})
    shape = grids[0].shape
    return tuple(np.broadcast_to(np.asarray(v, dtype=float), shape) for v in (values["trust"], R, S, T, P))


def _spec_index(scenario: Scenario, lab_index: int) -> int:
    position = 0
    for index, spec in enumerate(scenario.labs):
        position += spec.count
        if lab_index < position:
            return index
    raise IndexError(lab_index)


def phase_table(scenario: Scenario, x: Axis, y: Axis, source: str = "<scenario>") -> pd.DataFrame:
    """The phase table of any model that provides one (``phase``), its axes checked first
    (:class:`ScenarioError` naming the bad axis, or ``game.model`` for a model without one)."""
    model = game_model(scenario)
    if not model.provides("phase"):
        raise ScenarioError(source, f"the {scenario.game.model} model has no phase diagram",
                            field="game.model")
    return model.phase(scenario, x, y, source)


def check_axes(scenario: Scenario, axes: list[Axis], source: str) -> None:
    """Every axis must name a factor the phase diagram can vary, with valid end values."""
    if not game_model(scenario).provides("stage_game"):
        raise ScenarioError(source, f"the {scenario.game.model} model has no 2x2 stage game to map")
    for axis in axes:
        try:
            parts = parse_dotted_path(axis.path)
        except ValueError as exc:
            raise ScenarioError(source, str(exc), field=axis.path) from None
        allowed = (
            (parts[0] == "game" and len(parts) == 2 and parts[1] in FACTORS + MATRIX_KEYS)
            or (parts[0] == "labs" and len(parts) == 3 and parts[2] in FACTORS)
        )
        if not allowed:
            raise ScenarioError(
                source,
                "phase diagrams vary one-shot factors: game.<factor>, game.R/S/T/P or "
                "labs[i].<factor>, with factor one of " + ", ".join(FACTORS),
                field=axis.path,
            )
        if parts[0] == "game" and parts[1] in FACTORS:
            overriding = [i for i, lab in enumerate(scenario.labs) if getattr(lab, parts[1]) is not None]
            if len(overriding) == len(scenario.labs):
                raise ScenarioError(
                    source,
                    f"every lab sets its own {parts[1]}, so varying the game's value changes "
                    "nothing; vary a lab's value instead: "
                    + ", ".join(f"labs[{i}].{parts[1]}" for i in overriding),
                    field=axis.path,
                )
        for value in (axis.values.min(), axis.values.max()):
            with_overrides(scenario, {axis.path: float(value)}, source)


def pure_equilibria(A: tuple, B: tuple) -> np.ndarray:
    """Boolean array [..., 4]: whether CC, CD, DC, DD are (weak) pure equilibria.

    A and B are (x00, x01, x10, x11) tuples of arrays (row action first)."""
    a00, a01, a10, a11 = A
    b00, b01, b10, b11 = B
    return np.stack(
        [
            (a00 >= a10) & (b00 >= b01),
            (a01 >= a11) & (b01 >= b00),
            (a10 >= a00) & (b10 >= b11),
            (a11 >= a01) & (b11 >= b10),
        ],
        axis=-1,
    )


def mixed_equilibrium(A: tuple, B: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(exists, p, q): a completely mixed equilibrium where the row lab cooperates with p and the
    column lab with q, both strictly inside (0, 1)."""
    a00, a01, a10, a11 = A
    b00, b01, b10, b11 = B
    with np.errstate(divide="ignore", invalid="ignore"):
        q = (a11 - a01) / ((a00 - a10) - (a01 - a11))
        p = (b11 - b10) / ((b00 - b01) - (b10 - b11))
    exists = (q > 0) & (q < 1) & (p > 0) & (p < 1)
    return exists, p, q


def equilibrium_labels(pure: np.ndarray, mixed: np.ndarray) -> np.ndarray:
    """'CC+DD+mixed'-style names of each cell's equilibrium set (one lookup per cell: the set
    is encoded as 5 bits, CC CD DC DD mixed)."""
    names = np.array(
        ["+".join([n for k, n in enumerate(PURE_LABELS) if code >> k & 1] + (["mixed"] if code >> 4 & 1 else []))
         for code in range(32)],
        dtype=object,
    )
    code = (pure.astype(np.int64) << np.arange(4)).sum(axis=-1) + (np.asarray(mixed, dtype=np.int64) << 4)
    return names[code]


def phase_grid(scenario: Scenario, x: Axis, y: Axis) -> pd.DataFrame:
    """The tidy phase table: one row per (x, y) cell with class, equilibria and rationality."""
    X, Y = np.meshgrid(x.values, y.values, indexing="xy")
    row = _lab_arrays(scenario, 0, [x, y], [X, Y])
    col = _lab_arrays(scenario, 1, [x, y], [X, Y])
    trust, R, S, T, P = row
    _, R2, S2, T2, P2 = col
    A = (R, S, T, P)  # row lab: A[i, j] with i its own action
    B = (R2, T2, S2, P2)  # column lab's payoff indexed (row action, column action)
    pure = pure_equilibria(A, B)
    mixed, p, q = mixed_equilibrium(A, B)
    row_class, col_class = classify(R, S, T, P), classify(R2, S2, T2, P2)
    game_class = row_class.copy()
    differ = row_class != col_class
    # As GameClass.key writes it: a side that is itself a boundary goes in parentheses.
    side = lambda key: f"({key})" if ":" in key else key  # noqa: E731
    game_class[differ] = [f"asymmetric:{side(a)}|{side(b)}" for a, b in zip(row_class[differ], col_class[differ])]
    delta = cooperation_advantage(R, S, T, P, trust)
    tau_star = critical_trust(R, S, T, P)
    return pd.DataFrame(
        {
            x.path: X.ravel(),
            y.path: Y.ravel(),
            "game_class": game_class.ravel(),
            "equilibria": equilibrium_labels(pure, mixed).ravel(),
            "mixed_row_cooperation": np.where(mixed, p, np.nan).ravel(),
            "mixed_column_cooperation": np.where(mixed, q, np.nan).ravel(),
            "critical_trust": np.where((tau_star >= 0) & (tau_star <= 1), tau_star, np.nan).ravel(),
            "cooperation_rational": cooperates(delta).ravel(),
            "advantage_of_cooperating": delta.ravel(),
        }
    )
