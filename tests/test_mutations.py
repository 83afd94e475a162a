"""Mutation checks: each plausible bug in the policy code must make the suite fail.

Each case copies the package to a temporary folder, applies one textual mutation and runs the
tests that guard it in a subprocess; the test passes only if those tests fail. A mutation whose
original text no longer exists fails loudly, so the list cannot silently go stale.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
POLICY_TESTS = ["tests/test_policy.py", "-k", "by_hand or nine or one_line"]

MUTATIONS = {
    "liability ignored": (
        "coopsim/policy/liability.py", "rules.defector_pays = True", "pass", POLICY_TESTS),
    "shared incident cost charged once on mutual defection": (
        "coopsim/policy/incidents.py", "np.array([[0.0, 1.0], [1.0, 2.0]])",
        "np.array([[0.0, 1.0], [1.0, 1.0]])", POLICY_TESTS),
    "joint-research exposure floor removed": (
        "coopsim/policy/joint_research.py",
        "np.minimum(sucker + self.spec.exposure_reduction, 0.0)",
        "sucker + self.spec.exposure_reduction", POLICY_TESTS),
    "subsidy applied to R only": (
        "coopsim/policy/base.py", "expected[:, COOPERATE, :] += self.subsidy",
        "expected[:, COOPERATE, COOPERATE] += self.subsidy", POLICY_TESTS),
    "audit fine applied to T only": (
        "coopsim/policy/base.py", "expected[:, DEFECT, :] -= self.expected_fine",
        "expected[:, DEFECT, COOPERATE] -= self.expected_fine", POLICY_TESTS),
    "factor-distance non-negativity rule removed": (
        "coopsim/theory/stage_game.py", 'NON_NEGATIVE_FACTORS = {"exposure", "shared_downside"}',
        "NON_NEGATIVE_FACTORS = set()", ["tests/test_factor_distance_rules.py"]),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_the_suite_catches_the_mutation(name, tmp_path):
    path, original, mutant, tests = MUTATIONS[name]
    copy = tmp_path / "checkout"
    for part in ("coopsim", "tests"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy)
    target = copy / path
    text = target.read_text()
    assert text.count(original) == 1, f"mutation '{name}' is stale: {original!r} not found once"
    target.write_text(text.replace(original, mutant))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=copy, capture_output=True, text=True, env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1, f"the suite did not catch '{name}':\n{result.stdout[-2000:]}"
