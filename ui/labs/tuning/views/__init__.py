"""The tuning lab's views, one class per tab: ``ScaleView`` (the scale lesson's histograms).
Each builds its plot items once and only calls ``setData`` in ``draw()``."""

from .scale import ScaleView

__all__ = ["ScaleView"]
