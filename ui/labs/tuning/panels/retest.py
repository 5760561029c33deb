"""The Re-test lesson's controls: the α values in the grid, how many times the data grows, the
epochs per trial and the seed; a progress bar and Cancel while both searches train."""

from __future__ import annotations

from simulator.tuning import MAX_SEED

from .whole_run import WholeRunPanel


class RetestPanel(WholeRunPanel):
    TITLE = "Re-test after the data grew (α)"
    SPINS = (("grid", "α values", 40), ("growth", "data grows ×", 20), ("epochs", "epochs per trial", 200),
             ("seed", "seed", MAX_SEED))
    READING = ("The notes: intuitions get stale; re-test your hyperparameters occasionally. The same "
               "grid of α is searched on the data as it was and after it grew, everything else "
               "equal: with more data an epoch is more steps, and the best α moves.")

    def status(self, lesson) -> str:
        r = lesson.result
        if r is None:
            points = lesson.settings.points
            return (f"Press Play: α searched on {points['before']:,} points, then on "
                    f"{points['after']:,}.")
        return (f"Best α {r.best['before'][0]:.2g} → {r.best['after'][0]:.2g}; the old one loses "
                f"{100 * r.lost:.1f} points on the new data.")
