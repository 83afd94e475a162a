"""Lab by lab: each kind of lab's long-run cooperation, payoff and trust in each variant.

A *kind* is a scenario lab entry (``count: N`` makes N labs of one kind), so a scenario with many
identical labs gives a short table. For every variant, kind and replicate, each measure is
averaged over the kind's labs and over the long run (the final ``long_run_rounds`` rounds of the
``summary``, as the variant's long-run cooperation); then, across replicates, the mean and a 95%
interval by :func:`coopsim.theory.intervals.mean_interval` (a BCa bootstrap for the shares
cooperation and trust, Student t for payoffs; the point itself with one replicate).

Columns of :func:`lab_summary`: variant, kind, labs (labs of the kind), replicates, then
``{measure}_mean``, ``{measure}_low``, ``{measure}_high`` for cooperation (share of the kind's
choices that cooperate), payoff (payoff per round, before public costs) and trust (mean belief
that a partner cooperates).
"""

from __future__ import annotations

import pandas as pd

from coopsim.theory.intervals import mean_interval

LAB_MEASURES = {"cooperation": (0.0, 1.0), "payoff": (None, None), "trust": (0.0, 1.0)}


def long_run_lab_rows(labs: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """The rows of the ``labs`` table inside each variant's long-run window."""
    tails = summary.set_index("variant")["long_run_rounds"]
    last = labs.groupby("variant", sort=False)["round"].transform("max")
    window = labs["variant"].map(tails).astype(int)
    return labs[labs["round"] > last - window]


def lab_summary(labs: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """One row per variant x kind (scenario order): see the module docstring."""
    late = long_run_lab_rows(labs, summary)
    rows = []
    for (variant, kind), table in late.groupby(["variant", "kind"], sort=False):
        per_replicate = table.groupby("replicate", sort=True)[list(LAB_MEASURES)].mean()
        row = {"variant": variant, "kind": kind, "labs": table["lab"].nunique(),
               "replicates": len(per_replicate)}
        for measure, bounds in LAB_MEASURES.items():
            values = per_replicate[measure].dropna().to_numpy(dtype=float)
            mean, low, high = mean_interval(values, bounds) if values.size else (float("nan"),) * 3
            row |= {f"{measure}_mean": mean, f"{measure}_low": low, f"{measure}_high": high}
        rows.append(row)
    return pd.DataFrame(rows)


def kinds_differ(table: pd.DataFrame | None) -> bool:
    """Whether a lab summary has more than one kind of lab (else it repeats the variant summary)."""
    return table is not None and not table.empty and table["kind"].nunique() > 1
