"""The tuning lab's sweeps: real training runs, many at once, scored on validation accuracy."""

from __future__ import annotations

import math
import multiprocessing.connection
import re
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from simulator.training import ClassifierTrainer
from simulator.tuning import (
    AXES,
    RUN_ON,
    Axis,
    Objective,
    PopulationTraining,
    SearchSpace,
    SuccessiveHalving,
    Sweep,
    best_so_far,
    default_base,
    executor_for,
    explained,
    importance,
    marginal,
    ranking,
    run_search,
    successive_halving,
)
from simulator.tuning.sweep import remote_search


def objective(epochs: int = 4, dtype=np.float64, **changes) -> Objective:
    """In float64 (a search's default is float32), to compare trials with the trainer's runs."""
    return Objective(default_base().replace(**changes), epochs, dtype)


def trainer_curves(settings, epochs: int) -> ClassifierTrainer:
    trainer = ClassifierTrainer(settings)
    trainer.run_epochs(epochs)
    return trainer


def assert_same_curves(trial, history) -> None:
    np.testing.assert_allclose(trial.train_loss, history.train_loss, rtol=1e-12)
    np.testing.assert_allclose(trial.val_loss, history.test_loss, rtol=1e-12)
    np.testing.assert_array_equal(trial.val_acc, history.test_acc)


def assert_trials_equal(a, b) -> None:
    for x, y in zip(a, b, strict=True):
        assert (x.index, x.group) == (y.index, y.group)
        assert_same_training(x, y)


def assert_same_training(x, y) -> None:
    assert (x.params, x.status, x.reason, x.epochs) == (y.params, y.status, y.reason, y.epochs)
    np.testing.assert_allclose(x.train_loss, y.train_loss, rtol=1e-12)
    np.testing.assert_allclose(x.val_loss, y.val_loss, rtol=1e-12)
    np.testing.assert_array_equal(x.val_acc, y.val_acc)


# -- the objective ---------------------------------------------------------------------------------


def test_settings_for_maps_each_hyperparameter_onto_the_classifier_settings():
    obj = objective()
    c = obj.settings_for({"lr": 0.05, "beta": 0.95, "beta2": 0.99, "eps": 1e-7, "hidden_units": 8,
                          "layers": 3, "batch_size": 64, "decay_rate": 0.5})
    assert (c.lr, c.hidden, c.batch_size) == (0.05, [8, 8, 8], 64)
    assert c.hyper == {"beta1": 0.95, "beta2": 0.99, "eps": 1e-7}  # Adam's β is β1
    assert (c.schedule, c.schedule_params) == ("inverse_time", {"decay_rate": 0.5})
    assert objective(optimizer="momentum").settings_for({"beta": 0.8}).hyper == {"beta": 0.8}
    assert obj.settings_for({"layers": 1}).hidden == [16]


@pytest.mark.parametrize("optimizer, params, words", [
    ("sgd", {"beta": 0.9}, "β is not a hyperparameter of SGD"),
    ("momentum", {"eps": 1e-8}, "ε is not a hyperparameter of Momentum"),
    ("adam", {"lr": 0.0}, r"α must be in \(0, inf\), got 0"),
    ("adam", {"beta1": 1.0}, r"β1 must be in \[0, 1\), got 1"),
    ("adam", {"gamma": 1.0}, "unknown hyperparameter 'gamma'"),
    ("adam", {"hidden_units": 100}, r"hidden units must be in \[1, 64\], got 100"),
])
def test_a_trial_with_a_bad_hyperparameter_is_refused_before_training(optimizer, params, words):
    with pytest.raises(ValueError, match=words):
        Sweep(objective(optimizer=optimizer), [{"lr": 0.01}, params])


# -- a sweep trains as the trainer does ------------------------------------------------------------


@pytest.mark.parametrize("changes, params", [
    ({}, {"lr": 0.02, "beta1": 0.85, "decay_rate": 0.3}),
    ({"optimizer": "momentum"}, {"lr": 0.3, "beta": 0.8, "batch_size": 16, "hidden_units": 8}),
    ({"optimizer": "rmsprop", "dataset": "moons", "classes": 2}, {"lr": 0.01, "eps": 1e-6, "layers": 1}),
])
def test_a_one_trial_sweep_follows_the_classifier_trainer(changes, params):
    """In float64 a trial is the classifier trainer's run to 1e-12; in float32, a search's
    default, its losses agree to 1e-4 and its accuracies within one validation point."""
    trainer = trainer_curves(objective(**changes).settings_for(params), 5).history
    for dtype in (np.float64, np.float32):
        obj = objective(5, dtype, **changes)
        sweep = Sweep(obj, [params])
        steps = 0
        while sweep.step():
            steps += 1
        trial = sweep.trials[0]
        assert (steps + 1, trial.status, trial.epochs) == (5, "done", 5)
        assert trial.score == trial.val_acc[-1]
        if dtype is np.float64:
            assert_same_curves(trial, trainer)
        else:
            np.testing.assert_allclose(trial.train_loss, trainer.train_loss, rtol=1e-4)
            np.testing.assert_allclose(trial.val_loss, trainer.test_loss, rtol=1e-4)
            one_point = 1 / len(obj.data()[3])
            np.testing.assert_allclose(trial.val_acc, trainer.test_acc, atol=one_point + 1e-12)


def test_a_search_computes_in_float32_unless_asked_for_float64():
    assert Sweep(Objective(default_base(), 4), [{"lr": 0.01}]).groups[0].stack.theta.dtype == np.float32
    sweep = Sweep(Objective(default_base(), 4, "float64"), [{"lr": 0.01}])
    assert sweep.groups[0].stack.theta.dtype == np.float64
    reseeded = Sweep(Objective(default_base(), 4, "float64"), [{"lr": 0.01}], seed=3)
    assert reseeded.groups[0].stack.theta.dtype == np.float64  # a seed given keeps the dtype
    halving = SuccessiveHalving(SearchSpace([AXES["lr"]]), Objective(dtype="float64"), 3, 1)
    assert halving.sweep.groups[0].stack.theta.dtype == np.float64
    with pytest.raises(ValueError, match="dtype must be float32 or float64, got int64"):
        Objective(default_base(), 4, np.int64)


def test_each_trial_of_a_stack_trains_with_its_own_hyperparameters():
    space = SearchSpace([AXES["lr"], AXES["beta1"], AXES["eps"], AXES["decay_rate"]])
    params = space.random(6, seed=2)
    sweep = Sweep(objective(epochs=3), params)
    sweep.run()
    assert len(sweep.groups) == 1 and len({t.score for t in sweep.trials}) > 2
    for trial, p in zip(sweep.trials, params, strict=True):
        assert_same_training(trial, Sweep(objective(epochs=3), [p]).run()[0])


def test_trials_of_different_architectures_and_batch_sizes_train_in_separate_stacks():
    params = [{"hidden_units": 8, "batch_size": 16}, {"hidden_units": 4, "batch_size": 16},
              {"hidden_units": 8, "batch_size": 16}, {"hidden_units": 8, "batch_size": 64}]
    sweep = Sweep(objective(epochs=2), params)
    assert [t.group for t in sweep.trials] == [0, 1, 0, 2]
    assert [len(g) for g in sweep.groups] == [2, 1, 1]
    sweep.run()
    obj = objective(epochs=2)
    assert_same_curves(sweep.trials[3], trainer_curves(obj.settings_for(params[3]), 2).history)


def test_a_diverged_trial_is_recorded_with_its_reason_and_the_others_go_on():
    obj = objective(epochs=4, optimizer="sgd")
    sweep = Sweep(obj, [{"lr": 0.1}, {"lr": 50.0}, {"lr": 0.3}])
    sweep.run()
    ok, bad, ok2 = sweep.trials
    trainer = trainer_curves(obj.settings_for({"lr": 50.0}), 4)
    assert (bad.status, bad.reason) == ("diverged", trainer.reason)
    assert "the loss became" in bad.reason and "epoch 1" in bad.reason
    assert (ok.status, ok.epochs, ok2.status, ok2.epochs) == ("done", 4, "done", 4)
    assert_same_curves(ok2, trainer_curves(obj.settings_for({"lr": 0.3}), 4).history)
    for row in sweep.rows():
        assert all(math.isfinite(row[k]) for k in ("score", "val_loss", "epochs"))
    assert sweep.best(3)[-1] is bad and sweep.best()[0].status == "done"


def test_an_alpha_beyond_float32_diverges_with_its_reason_and_no_warning(recwarn):
    """A search computes in float32: α = 1e300 is inf there, so its trial diverges at once, said
    in words, as α = 50 does; the α kept with the trial is the one asked for."""
    sweep = Sweep(Objective(default_base(), 3), [{"lr": 0.01}, {"lr": 1e300}, {"lr": 0.01}])
    sweep.groups[0].set_hyper(2, "decay_rate", 1e300)  # a change beyond float32 too: α → 0
    sweep.run()
    ok, bad, stopped = sweep.trials
    assert (bad.status, bad.params["lr"]) == ("diverged", 1e300)
    assert "the learning rate is too large for these settings" in bad.reason
    assert ok.status == stopped.status == "done" and ok.score > stopped.score
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    eps = Sweep(Objective(default_base(), 1), [{"lr": 0.01, "eps": 1e-60}]).groups[0]
    assert eps.optimizer.hyper["eps"][0, 0] > 0  # ε below float32's range is its smallest, not 0


def test_rows_hold_the_results_table():
    sweep = Sweep(objective(epochs=2), [{"lr": 0.01}, {"lr": 0.1}])
    sweep.add([{"lr": 0.05}], round=1)
    sweep.run()
    rows = sweep.rows()
    assert [r["round"] for r in rows] == [0, 0, 1]
    assert set(rows[2]) == {"index", "round", "params", "status", "score", "val_loss", "epochs",
                            "reason"}
    assert rows[2]["params"] == {"lr": 0.05} and rows[2]["epochs"] == 2


def test_set_params_changes_one_live_trial_mid_training_and_marks_its_curve():
    p = {"lr": 0.05}
    sweep = Sweep(objective(epochs=5), [p, p])
    sweep.step()
    sweep.step()
    sweep.set_params(1, lr=0.001, beta1=0.5)
    with pytest.raises(ValueError, match=r"α must be in \(0, inf\)"):
        sweep.set_params(1, lr=-1.0)
    with pytest.raises(ValueError, match="hidden units cannot change"):
        sweep.set_params(0, hidden_units=4)
    sweep.run()
    a, b = sweep.trials
    assert b.marks == [(2, {"lr": 0.001, "beta1": 0.5})] and not a.marks
    assert b.params == {"lr": 0.001, "beta1": 0.5}
    assert a.val_loss[:3] == b.val_loss[:3] and a.val_loss[3] != b.val_loss[3]
    with pytest.raises(ValueError, match="done"):
        sweep.set_params(0, lr=0.01)


# -- whole searches ----------------------------------------------------------------------------------


def test_cancel_stops_a_search_and_keeps_partial_results():
    seen = []
    asks = []

    def cancelled() -> bool:
        asks.append(1)
        return len(asks) > 3

    space = SearchSpace([AXES["lr"], AXES["hidden_units"]])
    trials = run_search(space, objective(epochs=50), "random", 12, seed=1, cancelled=cancelled,
                        progress=lambda done, total, part: seen.append((done, total, len(part))))
    assert {t.status for t in trials} == {"cancelled"}
    assert 0 < max(t.epochs for t in trials) < 50
    assert seen and seen[0][1:] == (12, 12)


def test_grid_and_random_importance_puts_alpha_first_when_only_alpha_matters():
    space = SearchSpace([AXES["lr"], AXES["eps"]])  # ε hardly matters to Adam here
    for method in ("grid", "random"):
        trials = run_search(space, Objective(), method, 25, seed=0)  # the page's comparison
        shares = importance(trials, space)
        assert sum(shares.values()) == pytest.approx(1.0)
        assert ranking(shares) == ["lr", "eps"] and shares["lr"] > 0.9, (method, shares)


def test_successive_halving_keeps_the_top_third_and_trains_it_longer():
    space = SearchSpace([AXES["lr"]])
    result = successive_halving(space, objective(), n=9, min_epochs=2, keep=1 / 3, seed=4)
    first, second, third = result.rounds
    assert (len(first.indices), first.epochs, first.spent) == (9, 2, 18)
    at_two = sorted(range(9), key=lambda i: -result.trials[i].val_acc[2])
    assert set(first.kept) == set(at_two[:3]) and second.indices == first.kept
    assert (second.epochs, second.spent, third.epochs, third.spent) == (6, 12, 18, 12)
    assert len(third.indices) == 1 and result.spent == 42
    for t in result.trials:
        assert t.epochs == (18 if t.index in third.indices else 6 if t.index in first.kept else 2)


def test_population_training_copies_the_weights_of_strong_members():
    space = SearchSpace([Axis("lr", "log", 1e-3, 0.3)])
    pbt = PopulationTraining(objective(epochs=6), space, size=8, interval=2, seed=3)
    pbt.step()
    assert not pbt.events
    before = [m.params["lr"] for m in pbt.members]
    pbt.step()  # epoch 2: the weakest quarter copies the strongest
    assert len(pbt.events) == 2
    for epoch, weak, strong in pbt.events:
        assert epoch == 2
        np.testing.assert_array_equal(pbt.weights(weak), pbt.weights(strong))
        assert pbt.members[weak].params["lr"] == pytest.approx(before[strong] * 0.8) or \
            pbt.members[weak].params["lr"] == pytest.approx(min(before[strong] * 1.25, 0.3))
        assert pbt.members[weak].marks[-1][0] == 2
    strong_scores = sorted(m.val_acc[2] for m in pbt.members)
    assert all(pbt.members[s].val_acc[2] >= strong_scores[-2] for _, _, s in pbt.events)
    while pbt.step():
        pass
    assert all(len(h) == 6 for h in pbt.history) and all(m.epochs == 6 for m in pbt.members)
    assert {m.status for m in pbt.members} <= {"done", "diverged"}


@pytest.mark.parametrize("changes, message", [
    ({"size": 1}, "population size must be in [2, 1024], got 1"),
    ({"interval": 0}, "interval must be in [1, inf), got 0"),
])
def test_population_settings_refuse_what_the_engine_refuses(changes, message):
    """The settings check a population's arguments as the engine does (without building one: the
    tuning lab makes its settings at start-up), and settings that pass build one that trains."""
    from simulator.tuning.lessons import PopulationSettings
    with pytest.raises(ValueError, match=re.escape(message)):
        PopulationSettings(**changes)
    with pytest.raises(ValueError, match=re.escape(message)):
        PopulationTraining(objective(epochs=2), SearchSpace([Axis("lr", "log", 1e-3, 0.3)]),
                           changes.get("size", 4), changes.get("interval", 1))
    pbt = PopulationSettings(size=2, interval=1, epochs=1).build()
    assert pbt.step() is False and all(m.epochs == 1 for m in pbt.members)


# -- executors ------------------------------------------------------------------------------------------


def small_search(executor=None, progress=None):
    space = SearchSpace([AXES["lr"], AXES["hidden_units"]])
    return run_search(space, objective(epochs=3), "random", 6, seed=5, executor=executor,
                      progress=progress)


def test_a_process_pool_gives_the_local_results_with_partial_results_on_the_way():
    reports = []
    with ProcessPoolExecutor(2) as pool:
        remote = small_search(pool, lambda done, total, trials: reports.append(
            (done, total, [t.status for t in trials])))
    assert_trials_equal(remote, small_search())
    assert reports[-1][:2] == (6, 6) and [r[0] for r in reports] == sorted(r[0] for r in reports)
    for done, total, statuses in reports:
        assert statuses.count("done") == done and statuses.count("running") == total - done


@pytest.mark.slow
def test_a_dask_local_cluster_gives_the_local_results():
    import distributed  # in the test extra
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            executor_for("dask", cluster.scheduler_address) as executor:
        remote = small_search(executor)
    assert_trials_equal(remote, small_search())


def test_cancel_stops_a_search_on_an_executor_and_keeps_what_came_back():
    calls = []
    with executor_for("processes", workers=2) as pool:
        space = SearchSpace([AXES["lr"]])
        trials = run_search(space, objective(epochs=100), "random", 4, seed=0, executor=pool,
                            cancelled=lambda: calls.append(1) or len(calls) > 1)
    assert len(trials) == 4 and {t.status for t in trials} == {"cancelled"}
    assert all(t.epochs == 0 for t in trials)


def test_a_cancelled_search_leaves_no_worker_process_training():
    calls = []
    with executor_for("processes", workers=2) as pool:
        run_search(SearchSpace([AXES["lr"]]), objective(epochs=10_000), "random", 4, seed=0,
                   executor=pool, cancelled=lambda: calls.append(1) or len(calls) > 3)
        workers = list(pool._processes.values())
    assert workers
    # Ended on leaving the block, without a wait here: each one's sentinel is ready. (is_alive()
    # can read True for a moment while the pool's manager thread reaps an ended process.)
    ended = multiprocessing.connection.wait([p.sentinel for p in workers], timeout=0)
    assert len(ended) == len(workers)


def test_cancelling_searches_on_a_pool_leaves_no_error_in_its_threads(monkeypatch):
    """Play and Pause on a process pool printed `InvalidStateError: CANCELLED` tracebacks from
    the pool's manager thread: its workers were ended before it had dropped the cancelled tasks."""
    import threading
    import time

    failures = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    space = SearchSpace([AXES["lr"], AXES["eps"]])
    with executor_for("processes", workers=2) as pool:
        run_search(space, objective(epochs=1), "random", 2, executor=pool)  # the workers started
        for delay in (0.3, 0.45, 0.6):  # cancelled at various points, as Pause would
            start = time.perf_counter()
            run_search(space, objective(epochs=10_000), "random", 64, seed=0, executor=pool,
                       cancelled=lambda start=start, delay=delay: time.perf_counter() - start > delay)
        manager = pool._executor_manager_thread
    manager.join(timeout=10)
    assert not manager.is_alive() and not failures, failures


def test_executor_for_refuses_what_it_cannot_open():
    assert RUN_ON == ("here", "processes", "dask")
    with executor_for("here") as nothing:
        assert nothing is None
    with pytest.raises(ValueError, match="place to run trials 'gpu'"):
        with executor_for("gpu"):
            pass
    with pytest.raises(ValueError, match="scheduler's address"):
        with executor_for("dask"):
            pass


class _Listener:
    """Something on a port that is not a Dask scheduler: it accepts and stays silent, or answers
    every connection with ``reply`` (an HTTP server's 400, say)."""

    def __init__(self, reply: bytes | None = None) -> None:
        import socket
        import threading

        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.reply, self.held = reply, []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.held.append(conn)
            if self.reply is not None:
                conn.sendall(self.reply)

    def close(self) -> None:
        self.server.close()
        for conn in self.held:
            conn.close()


def _connecting(address: str, **kwargs) -> BaseException | None:
    """What ``executor_for("dask", address)`` raised, run in a thread that must end: an address
    that never answers used to hold the caller for ever (the thread is left behind if it does)."""
    import threading

    raised = []

    def attempt() -> None:
        try:
            with executor_for("dask", address, **kwargs):
                pass
        except BaseException as exc:  # noqa: BLE001 - the test reads it
            raised.append(exc)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), f"connecting to {address} never returned"
    return raised[0] if raised else None


@pytest.mark.parametrize("reply", [None, b"HTTP/1.0 400 Bad Request\r\n\r\n"], ids=["silent", "http"])
def test_an_address_that_answers_but_is_not_dask_is_refused_within_the_deadline(reply):
    listener = _Listener(reply)
    try:
        raised = _connecting(listener.address, connect_s=0.5)
    finally:
        listener.close()
    assert isinstance(raised, ValueError)
    assert listener.address in str(raised)
    assert "Dask scheduler" in str(raised)


def test_connecting_to_a_silent_address_stops_when_cancelled():
    import time

    from simulator.tuning.dask_cluster import ConnectCancelled

    listener = _Listener()
    start = time.monotonic()
    try:  # a deadline far away: only the cancel can end it
        raised = _connecting(listener.address, connect_s=3600,
                             cancelled=lambda: time.monotonic() - start > 0.3)
    finally:
        listener.close()
    assert isinstance(raised, ConnectCancelled)


# -- the views' numbers --------------------------------------------------------------------------------


def test_best_so_far_is_the_running_maximum_and_never_nan():
    np.testing.assert_array_equal(best_so_far([0.3, 0.5, 0.4, 0.7]), [0.3, 0.5, 0.5, 0.7])
    np.testing.assert_array_equal(best_so_far([math.nan, 0.2, math.nan]), [0.2, 0.2, 0.2])


def test_marginal_means_scores_per_bin_on_the_axis_scale():
    alpha = [1e-4, 2e-4, 0.5, 1.0]
    m = marginal(alpha, [0.1, 0.3, 0.8, 1.0], AXES["lr"], bins=4)
    np.testing.assert_allclose(m.u, [0.125, 0.875])  # two empty bins are left out
    np.testing.assert_allclose(m.mean, [0.2, 0.9])
    np.testing.assert_array_equal(m.count, [2, 2])
    assert m.x[0] == pytest.approx(10 ** -3.5)
    layers = marginal([1, 1, 3], [0.5, 0.7, 0.9], AXES["layers"])
    np.testing.assert_allclose(layers.x, [1, 3])  # a small discrete axis: one bin per value


def test_explained_share_is_one_for_an_exact_effect_and_zero_without_one():
    u = np.linspace(0, 1, 20)
    alpha = AXES["lr"].from_unit(u)
    steps = np.floor(u * 4).clip(0, 3)  # the score changes from bin to bin only
    assert explained(alpha, steps, AXES["lr"], bins=4) == pytest.approx(1.0)
    assert explained(alpha, np.ones(20), AXES["lr"]) == 0.0


def test_a_diverged_member_of_a_population_is_replaced_by_a_copy_of_a_strong_one():
    space = SearchSpace([Axis("lr", "log", 0.01, 100.0)])
    pbt = PopulationTraining(objective(epochs=4, optimizer="sgd"), space, size=8, interval=2, seed=0)
    pbt.step()
    diverged = [k for k, m in enumerate(pbt.members) if m.status == "diverged"]
    assert diverged and all(math.isfinite(v) for m in pbt.members for v in m.val_loss)
    assert all(pbt.history[k][-1] > 0 for k in diverged)  # the α it diverged with
    pbt.step()
    revived = [w for _, w, _ in pbt.events if w in diverged]
    assert revived
    for w in revived:
        assert pbt.members[w].status == "running" and pbt.members[w].reason == ""
        assert pbt.history[w][-1] == 0.0  # frozen until the copy


def test_objective_round_trips_and_refuses_what_a_stack_cannot_train():
    obj = objective(epochs=7, optimizer="momentum", hidden=[8])
    again = Objective.from_dict(obj.to_dict())
    assert again.to_dict() == obj.to_dict() and again.epochs == 7
    with pytest.raises(ValueError, match="batch norm"):
        objective(batchnorm=True)
    with pytest.raises(ValueError, match=r"epochs must be in \[1, "):
        objective(epochs=0)


def test_a_cluster_without_a_worker_says_so_instead_of_waiting_for_ever():
    """Every worker gone: the page said "Training…" for over 90 s with no message."""
    import distributed  # in the test extra

    from simulator.tuning.dask_cluster import DaskExecutor

    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster, \
            distributed.Client(cluster.scheduler_address) as client:
        executor = DaskExecutor(client, cluster.scheduler_address, no_workers_s=0.5)
        params = SearchSpace([AXES["lr"]]).search("random", 2, 0)
        with pytest.raises(RuntimeError, match="has had no worker for 0.5 s"):
            for n, _ in enumerate(remote_search(executor, objective(epochs=2), params)):
                if n > 600:  # 30 s of polls: it would have waited for ever
                    break


def test_a_scheduler_that_stops_during_a_search_is_said_in_words(capfd):
    """A killed scheduler gave "CancelledError: " on the page and distributed's tracebacks on
    stderr. A real scheduler and worker, as ``dask scheduler`` and ``dask worker`` start them;
    the scheduler is killed (SIGKILL) while the search trains."""
    import socket
    import subprocess
    import sys

    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host",
                                  "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                               "--nthreads", "1", "--no-nanny", "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with executor_for("dask", address, connect_s=60) as executor:
            params = SearchSpace([AXES["lr"]]).search("random", 2, 0)
            with pytest.raises(RuntimeError, match="stopped .*and dropped the search's trials"):
                for n, _ in enumerate(remote_search(executor, objective(epochs=10_000), params)):
                    if n == 5:
                        scheduler.kill()
                    if n > 2000:  # 100 s of polls: it would have waited for ever
                        break
    finally:
        for process in (scheduler, worker):
            process.kill()
            process.wait(timeout=30)
    assert "distributed.client - ERROR" not in capfd.readouterr().err
