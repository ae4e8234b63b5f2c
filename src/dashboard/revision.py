"""A revised plan before it is stored: checked as `validate-plan` checks it, compared with the version in
force (`metrics.plan_diff`), matched against the versions already stored. Writes nothing.

Shared by the page Données → Plan and `python -m dashboard plan import`. It stands above the plan and
the metrics: `plan.versions` keeps the versions without knowing how two of them compare.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from dashboard.metrics.plan_diff import PlanDiff, plan_diff
from dashboard.plan import Plan, Problem, versions


@dataclass(frozen=True)
class Preview:
    """An uploaded workbook checked against the current version, before anything is stored.

    problems: every problem of the workbook (then plan and diff are None); diff: metrics.plan_diff
    from the current version; same_as: an existing version with the very same workbook."""

    file_name: str
    sha256: str
    problems: tuple[Problem, ...] = ()
    plan: Plan | None = None
    current: versions.Version | None = None
    diff: PlanDiff | None = None
    same_as: versions.Version | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def preview_import(engine: Engine, data: bytes, file_name: str) -> Preview:
    """Check a revised workbook and compare it with the current version; writes nothing."""
    sha = hashlib.sha256(data).hexdigest()
    plan, problems = versions.check_workbook(data, file_name)
    if problems:
        return Preview(file_name, sha, tuple(problems))
    versions.ensure_first_version(engine)
    vid = versions.current_id(engine)
    current = versions.get(engine, vid) if vid is not None else None
    diff = plan_diff(versions.current_plan(engine), plan) if current is not None else None
    same = next((v for v in versions.history(engine) if v.sha256 == sha), None)
    return Preview(file_name, sha, (), plan, current, diff, same)
