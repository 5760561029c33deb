"""The batch-norm lab's views, one per tab: ``StatsView``, ``TestTimeView``, ``TwinsView``.
Each builds its plot items once and only calls ``setData`` in ``draw()``."""

from .stats import StatsView
from .test_time import TestTimeView
from .twins import TwinsView

__all__ = ["StatsView", "TestTimeView", "TwinsView"]
