"""The tuning lab's lessons, one tab each, in the order of the tabs. Each is a ``Lesson``: its
settings and engine objects, and a run that Play, Step and Reset drive when its tab is in front."""

from .base import Lesson, check_keys
from .caviar import CaviarLesson
from .coarse import CoarseLesson
from .halving import HalvingLesson
from .panda import PandaLesson
from .population import PopulationLesson
from .scale import ScaleLesson
from .search import SearchLesson

LESSONS: tuple[type[Lesson], ...] = (ScaleLesson, SearchLesson, CoarseLesson, CaviarLesson, PandaLesson,
                                      HalvingLesson, PopulationLesson)
LESSON_KEYS = tuple(cls.key for cls in LESSONS)

__all__ = ["LESSONS", "LESSON_KEYS", "CaviarLesson", "CoarseLesson", "HalvingLesson", "Lesson", "PandaLesson",
           "PopulationLesson", "ScaleLesson", "SearchLesson", "check_keys"]
