"""What several views derive from the same plan is derived once, per plan object, and never shared
between two plans (a filtered or hypothesised plan is a new object)."""

import dataclasses
import gc

from dashboard import memo, metrics


def test_computed_once_per_plan_object_and_forgotten_with_it(plan):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    mine = dataclasses.replace(plan)
    assert memo.per_object(mine, "essai", compute) == 1
    assert memo.per_object(mine, "essai", compute) == 1          # kept
    other = dataclasses.replace(plan)
    assert memo.per_object(other, "essai", compute) == 2         # another plan: computed again
    key = id(other)
    del other
    gc.collect()
    assert key not in memo._KEPT                                # released with its plan


def test_planned_periods_of_a_filtered_plan_are_its_own_and_a_caller_cannot_change_them(plan):
    every = metrics.planned_periods(plan)
    axe_3 = metrics.planned_periods(metrics.filter_plan(plan, metrics.Filters(axes=(3,))))
    assert len(every) == len(plan.actions) and set(axe_3["axe"]) == {3} and len(axe_3) < len(every)
    every.loc[:, "titre"] = "changé"
    assert "changé" not in set(metrics.planned_periods(plan)["titre"])
