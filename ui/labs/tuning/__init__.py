"""The tuning lab: hyperparameter search on real training runs, one lesson per tab.

``LESSONS`` is its registry, the way ``ui.labs.LABS`` holds labs: one ``LessonEntry`` per lesson,
in the notes' order. Nothing else spells a lesson's key: the controller makes one engine lesson
per entry (``simulator.tuning.lessons``), the page one tab (``view``), the panel one set of
controls (``panel``) and the readout column its text (``explain``), each handed the entry's key.
Adding a lesson is its engine half, a panel, a view, an explanation and one entry below.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from simulator.tuning.lessons import (
    CaviarLesson,
    CoarseLesson,
    HalvingLesson,
    Lesson,
    PandaLesson,
    PopulationLesson,
    RepeatsLesson,
    RetestLesson,
    ScaleLesson,
    SearchLesson,
)


@dataclass(frozen=True)
class LessonEntry:
    """One lesson: its key (in saved settings and ``TuningController.configure``), its tab's
    title, its engine class, and where its panel, view and explanation are ("module:name",
    imported when first used, so the engine half and the text load without Qt). A panel is made
    as ``Panel(lab, binder, key)``, a view as ``View(lab, key)``; ``explain(lesson)`` gives the
    readout column's HTML."""

    key: str
    title: str
    lesson: type[Lesson]
    panel_path: str
    view_path: str
    explain_path: str

    @property
    def panel(self) -> type:
        return _load(self.panel_path)

    @property
    def view(self) -> type:
        return _load(self.view_path)

    @property
    def explain(self):
        return _load(self.explain_path)


def _load(path: str):
    module, name = path.split(":")
    return getattr(importlib.import_module(module, __name__), name)


P, V, E = ".panels.", ".views.", ".explain_search:"
LESSONS: tuple[LessonEntry, ...] = (
    LessonEntry("scale", "Scale", ScaleLesson, P + "scale:ScalePanel", V + "scale:ScaleView",
                ".explain:scale_html"),
    LessonEntry("search", "Grid vs random", SearchLesson, P + "search:SearchPanel", V + "search:SearchView",
                E + "search_html"),
    LessonEntry("repeats", "Repeats", RepeatsLesson, P + "repeats:RepeatsPanel", V + "repeats:RepeatsView",
                E + "repeats_html"),
    LessonEntry("coarse", "Coarse to fine", CoarseLesson, P + "search:CoarsePanel", V + "search:CoarseView",
                E + "coarse_html"),
    LessonEntry("retest", "Re-test", RetestLesson, P + "retest:RetestPanel", V + "retest:RetestView",
                E + "retest_html"),
    LessonEntry("caviar", "Caviar", CaviarLesson, P + "caviar:CaviarPanel", V + "caviar:CaviarView",
                E + "caviar_html"),
    LessonEntry("panda", "Panda", PandaLesson, P + "panda:PandaPanel", V + "panda:PandaView",
                E + "panda_html"),
    LessonEntry("halving", "Halving", HalvingLesson, P + "halving:HalvingPanel", V + "halving:HalvingView",
                E + "halving_html"),
    LessonEntry("population", "Population", PopulationLesson, P + "population:PopulationPanel",
                V + "population:PopulationView", E + "population_html"),
)
KEYS = tuple(entry.key for entry in LESSONS)


def lesson_entry(key: str) -> LessonEntry:
    return LESSONS[KEYS.index(key)]


__all__ = ["KEYS", "LESSONS", "LessonEntry", "lesson_entry"]
