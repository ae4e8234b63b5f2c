"""What every session shares (ui.shared, ui.cache_view): keyed on what the arguments stand for: a plan
its identity in force or its tables, filters their choices, a table its values (or its store state), never on an object that
merely looks alike."""

import dataclasses

import pandas as pd

from dashboard import metrics, ui


def test_a_view_is_computed_once_per_plan_filters_and_values(plan):
    calls = []

    def build(p, filters, values, table):
        calls.append((filters.axes, dict(values)))
        return len(calls)

    view = ui.cache_view(build)
    table = pd.DataFrame({"action_id": [1, 2], "montant": [10.0, 20.0]})
    assert view(plan, metrics.Filters(axes=(1,)), {"part": 50.0}, table) == 1
    assert view(plan, metrics.Filters(axes=(1,)), {"part": 50.0}, table.copy()) == 1   # same values: shared
    assert view(plan, metrics.Filters(axes=(2,)), {"part": 50.0}, table) == 2          # other filters
    assert view(plan, metrics.Filters(axes=(1,)), {"part": 60.0}, table) == 3          # other hypothesis
    changed = table.assign(montant=[10.0, 99.0])
    assert view(plan, metrics.Filters(axes=(1,)), {"part": 50.0}, changed) == 4        # other values
    assert ui.cache_view(build) is view                                                # one wrapper per function


def test_a_plan_made_otherwise_is_not_taken_for_the_one_in_force(plan, tmp_path):
    """A plan without a version from another workbook (a test's, a hypothesised copy) keys on its contents."""
    other = dataclasses.replace(plan, version=None, source=str(tmp_path / "autre.xlsx"),
                                actions=plan.actions.iloc[:-1])
    assert ui.partage.args_key(other) != ui.partage.args_key(dataclasses.replace(plan, version=None))


def test_two_plans_of_one_version_that_differ_by_a_table_never_share_a_value(plan):
    """Plan.with_frames keeps the version and the source: the key is the plan's tables, not its version."""
    stored = dataclasses.replace(plan, version="version 3 · abc")
    axe_1 = stored.with_frames(actions=stored.actions[stored.actions["axe"] == 1])
    axe_2 = stored.with_frames(actions=stored.actions[stored.actions["axe"] == 2])
    assert axe_1.version == axe_2.version == stored.version and axe_1.source == axe_2.source
    keys = {ui.partage.args_key(p) for p in (stored, axe_1, axe_2)}
    assert len(keys) == 3
    same = stored.with_frames(actions=stored.actions[stored.actions["axe"] == 1].copy())
    assert ui.partage.args_key(same) == ui.partage.args_key(axe_1)  # same tables, another object: shared

    calls = []
    view = ui.cache_view(lambda p: calls.append(1) or len(p.actions))
    assert view(axe_1) == int((plan.actions["axe"] == 1).sum())
    assert view(axe_2) == int((plan.actions["axe"] == 2).sum())
    assert view(same) == view(axe_1) and len(calls) == 2


def test_the_key_of_nested_arguments_and_of_what_has_none():
    assert ui.partage.args_key([1, (2, 3)], d={"a": [1]}) == ui.partage.args_key([1, (2, 3)], d={"a": [1]})
    assert ui.partage.args_key([1, 2]) != ui.partage.args_key((1, 2))
    calls = []
    shared = ui.shared()(lambda values: calls.append(1) or len(calls))
    assert shared({1, 2}) == 1 and shared({1, 2}) == 2  # a set has no key: computed each time, never shared
    assert shared(frozenset({1, 2})) == 3 and shared(frozenset({1, 2})) == 3
