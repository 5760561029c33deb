"""The tuning lab's lessons, engine half: each lesson's settings (a frozen dataclass, checked when
made) and its run (build, advance, reset, done), Qt-free and clock-free. The lab's registry,
``ui.labs.tuning.LESSONS``, pairs each with its panel, view and explanation.

- ``base``: ``Lesson``, what every lesson is to the window; ``check_keys``, ``whole_fields``.
- ``copies``: the window's copies of what a worker trains (``copy_trial``, ``snapshot``, ``Feed``).
- ``settings``: ``SearchSettings``, a search over two hyperparameters (``RUN_ON``: where).
- ``scale``, ``search``, ``repeats``, ``coarse``, ``caviar``, ``panda``, ``halving``,
  ``population``, ``retest``: the nine lessons, in the notes' order.
"""

from .base import Lesson, check_keys, whole_fields
from .caviar import MAX_MODELS, CaviarLesson, CaviarSettings
from .coarse import CoarseLesson
from .copies import Feed, apply_tails, apply_trials, copy_trial, snapshot
from .halving import HalvingLesson, HalvingSettings
from .panda import TUNABLE, PandaLesson, PandaSettings
from .population import PopulationLesson, PopulationSettings
from .repeats import Repeats, RepeatsLesson, RepeatsSettings
from .retest import RetestLesson, RetestSettings
from .scale import ScaleLesson
from .search import METHODS, SearchLesson
from .settings import DEFAULT_ADDRESS, RUN_ON, SearchSettings

__all__ = ["DEFAULT_ADDRESS", "MAX_MODELS", "METHODS", "RUN_ON", "TUNABLE", "CaviarLesson", "CaviarSettings",
           "CoarseLesson", "Feed", "HalvingLesson", "HalvingSettings", "Lesson", "PandaLesson",
           "PandaSettings", "PopulationLesson", "PopulationSettings", "Repeats", "RepeatsLesson",
           "RepeatsSettings", "RetestLesson", "RetestSettings", "ScaleLesson", "SearchLesson",
           "SearchSettings", "apply_tails", "apply_trials", "check_keys", "whole_fields", "copy_trial",
           "snapshot"]
