"""The classifier lab's views, one class per plot or tab: built once, then ``draw``."""

from .curves import CurvesView
from .network import NetworkView
from .probe import ProbeView, WorkedExample
from .regions import RegionView

__all__ = ["CurvesView", "NetworkView", "ProbeView", "RegionView", "WorkedExample"]
