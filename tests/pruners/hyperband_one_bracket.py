#!/usr/bin/python3
"""Optuna's decisions for HyperbandTest.OneBracketDecidesAndRecordsRungsAsOptuna
(tests/pruners/pruner_test.cc). Run with Debian's python3-optuna (3.1):
    /usr/bin/python3 tests/pruners/hyperband_one_bracket.py

HyperbandPruner(min_resource=10, max_resource=20, reduction_factor=3) on a maximized study: one
bracket (floor(log3(20 / 10)) + 1), whose rungs are at steps 10 and 30. Three peers, replayed as
reports and asks, leave the rung values the C++ test gives them: trial 0 reports 8 at step 10
(asked: alone, promoted, rung 0 = 8) and 9 at step 30 (asked: rung 1 = 9), trials 1 and 2 report
4 and 2 at step 10 (asked: rung 0 = 4, 2); all three complete. Then a fresh study per case: the
judged trial reports its values and is asked once. Prints each case's decision and the rung
values Optuna recorded on the judged trial."""
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def judge(reports):
    study = optuna.create_study(
        direction="maximize", study_name="study",
        pruner=optuna.pruners.HyperbandPruner(min_resource=10, max_resource=20,
                                              reduction_factor=3))
    for peer in ([(10, 8), (30, 9)], [(10, 4)], [(10, 2)]):
        trial = study.ask()
        for step, value in peer:
            trial.report(value, step)
            trial.should_prune()
        study.tell(trial, peer[-1][1])
    if not reports:
        return None, [{k: v for k, v in sorted(t.system_attrs.items())} for t in study.trials]
    trial = study.ask()
    for step, value in reports:
        trial.report(value, step)
    prune = trial.should_prune()
    stored = study._storage.get_trial(trial._trial_id).system_attrs
    rungs = {k: v for k, v in sorted(stored.items()) if k.startswith("completed_rung_")}
    return prune, rungs


print("optuna", optuna.__version__)
print("peers' rungs:", judge([])[1])
for reports in ([(10, 1)], [(10, 5)], [(10, 8)], [(10, 9)], [(10, 9), (30, 8.5)]):
    prune, rungs = judge(reports)
    print(f"reports {reports}: {'prune' if prune else 'keep'}; rungs {rungs}")
