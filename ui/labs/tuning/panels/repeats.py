"""The Repeats lesson's controls: how many repeats, the trials per search (a square: k × k for
the grid), the epochs per trial and the seed; a progress bar and Cancel while it runs."""

from __future__ import annotations

from simulator.tuning import MAX_SEED
from simulator.tuning.trials import MAX_EPOCHS

from .whole_run import WholeRunPanel


class RepeatsPanel(WholeRunPanel):
    TITLE = "Repeated searches (α and ε)"
    SPINS = (("repeats", "repeats", 200), ("budget", "trials per search", 100),
             ("epochs", "epochs per trial", MAX_EPOCHS), ("seed", "seed", MAX_SEED))
    READING = ("One search of each kind settles little: nearby α's differ by a few points from "
               "training noise alone. Here both searches are repeated with other initial weights and "
               "other random draws. Top: the best found against the trials spent. Bottom: how often "
               "each best came up.")

    def status(self, lesson) -> str:
        if not lesson.found.count:
            return "Press Play to repeat both searches in the background."
        win, tie, lose = lesson.found.wins()
        return (f"{lesson.found.count} of {lesson.settings.repeats} repeats: random won {win}, "
                f"tied {tie}, lost {lose}")
