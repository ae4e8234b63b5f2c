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


# --- memo.Shared: what every session shares -------------------------------------------------------

def counting(fn=lambda *a, **k: (a, tuple(sorted(k.items())))):
    calls = []

    def compute(*args, **kwargs):
        calls.append(args)
        return fn(*args, **kwargs)

    return compute, calls


def plain_key(*args, **kwargs):
    return args + tuple(sorted(kwargs.items()))


def test_shared_computes_each_key_once_and_drops_the_least_recently_used():
    compute, calls = counting()
    cached = memo.Shared(compute, plain_key, max_entries=2)
    assert cached(1) == ((1,), ()) and cached(1) == ((1,), ())
    cached(2)
    cached(1)          # 1 used last: 2 is the least recently used
    cached(3)          # a third key: 2 goes
    assert calls == [(1,), (2,), (3,)]
    cached(1)
    cached(2)
    assert calls == [(1,), (2,), (3,), (2,)]


def test_shared_keeps_no_exception_and_leaves_an_unkeyable_call_uncached():
    attempts = []

    def flaky(x):
        attempts.append(x)
        if len(attempts) == 1:
            raise OSError("base indisponible")
        return x * 2

    cached = memo.Shared(flaky, plain_key)
    try:
        cached(4)
    except OSError:
        pass
    assert cached(4) == 8 and cached(4) == 8
    assert attempts == [4, 4]              # computed again after the failure, then kept

    compute, calls = counting(lambda xs: sum(xs))
    cached = memo.Shared(compute, plain_key)
    assert cached([1, 2]) == 3 and cached([1, 2]) == 3
    assert len(calls) == 2                 # a list is no key: computed each time, never wrongly shared


def test_shared_values_expire_after_their_ttl(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: now[0])
    compute, calls = counting()
    cached = memo.Shared(compute, plain_key, ttl=60)
    cached("url")
    now[0] += 59
    cached("url")
    assert len(calls) == 1
    now[0] += 2
    cached("url")
    assert len(calls) == 2
    cached.clear()
    cached("url")
    assert len(calls) == 3


def test_shared_computes_once_when_many_threads_ask_at_once():
    import threading
    import time

    def slow(x):
        time.sleep(0.2)
        return object()

    compute, calls = counting(slow)
    cached = memo.Shared(compute, plain_key)
    results = []
    threads = [threading.Thread(target=lambda: results.append(cached("plan"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert all(r is results[0] for r in results) and len(results) == 8


def test_shared_enters_its_context_around_each_computation_only():
    entered = []

    class Spinner:
        def __enter__(self):
            entered.append("début")

        def __exit__(self, *exc):
            entered.append("fin")

    cached = memo.Shared(lambda x: x, plain_key, computing=Spinner)
    cached(1)
    cached(1)
    assert entered == ["début", "fin"]


def test_after_a_failed_computation_the_waiters_compute_one_at_a_time():
    import threading
    import time

    running, most, attempts = [0], [0], []
    lock = threading.Lock()

    def failing_first(x):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            attempts.append(x)
            first = len(attempts) == 1
        time.sleep(0.1)
        with lock:
            running[0] -= 1
        if first:
            raise OSError("base indisponible")
        return "moteur"

    cached = memo.Shared(failing_first, plain_key)
    results = []

    def ask():
        try:
            results.append(cached("url"))
        except OSError:
            results.append("échec")

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads[:5]:
        t.start()
        time.sleep(0.01)  # waiting while the first computes
    time.sleep(0.12)      # the first has failed, a waiter computes again…
    threads[5].start()    # …when one more caller comes
    for t in threads:
        t.join()
    assert most[0] == 1                        # never two computations at once
    assert len(attempts) == 2                  # the failure, then one computation for every waiter
    assert sorted(results) == ["moteur"] * 5 + ["échec"]


def test_a_value_is_kept_even_when_leaving_its_spinner_interrupts_the_caller():
    class Interrupting:  # Streamlit's spinner: leaving it may raise a rerun of the page
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            raise KeyboardInterrupt("relance de la page")

    compute, calls = counting()
    cached = memo.Shared(compute, plain_key, computing=Interrupting)
    try:
        cached("plan")
    except KeyboardInterrupt:
        pass
    cached.computing = None
    assert cached("plan") == (("plan",), ()) and len(calls) == 1   # kept: not computed again


def test_who_waits_for_another_callers_computation_sees_the_spinner_too():
    import threading
    import time

    shown = []

    class Spinner:
        def __enter__(self):
            shown.append(threading.current_thread().name)

        def __exit__(self, *exc):
            return False

    cached = memo.Shared(lambda x: time.sleep(0.2) or x, plain_key, computing=Spinner)
    threads = [threading.Thread(target=cached, args=("plan",), name=f"visiteur {i}") for i in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert sorted(shown) == ["visiteur 0", "visiteur 1"]
