"""The Halving lesson's controls: how many trials start, the epochs of the first round and the
seed; a progress bar and Cancel while it runs in the worker."""

from __future__ import annotations

from simulator.tuning import MAX_SEED

from .whole_run import WholeRunPanel


class HalvingPanel(WholeRunPanel):
    TITLE = "Successive halving"
    SPINS = (("trials", "trials at first", 729), ("min_epochs", "epochs in round 1", 100),
             ("seed", "seed", MAX_SEED))
    READING = ("Round 1 trains every trial briefly; each round keeps the best third and trains them "
               "longer, until one is left. The bars are the epochs each round spent: a fixed budget "
               "spread over many short runs and a few long ones.")

    def status(self, lesson) -> str:
        if lesson.result is not None:
            return f"Done: {len(lesson.result.rounds)} rounds, {lesson.result.spent} epochs"
        if lesson.trials:
            return f"{len(lesson.trials)} trials; the longest has trained {lesson.iteration} epochs"
        return "Press Play to run successive halving in the background."
