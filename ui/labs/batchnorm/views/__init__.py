"""The batch-norm lab's views, one per tab: ``StatsView``, ``TestTimeView``, ``TwinsView``,
``LayerView``, ``BiasView``, ``RegularizerView``.
Each builds its plot items once and only calls ``setData`` in ``draw()``."""

from .bias import BiasView
from .layer import LayerView
from .regularizer import RegularizerView
from .stats import StatsView
from .test_time import TestTimeView
from .twins import TwinsView

__all__ = ["BiasView", "LayerView", "RegularizerView", "StatsView", "TestTimeView", "TwinsView"]
