"""The tuning lab's views, one class per lesson tab (``VIEWS[key]``), each in its own file: the
Scale lesson's histograms (``scale``). Each builds its plot items once and only calls
``setData`` in ``draw(rich)``; ``csv_lines()`` is the lesson's data for File > Export as CSV."""

from .caviar import CaviarView
from .halving import HalvingView
from .panda import PandaView
from .population import PopulationView
from .scale import ScaleView
from .search import CoarseView, SearchView

VIEWS = {"scale": ScaleView, "search": SearchView, "coarse": CoarseView, "caviar": CaviarView,
         "panda": PandaView, "halving": HalvingView, "population": PopulationView}

__all__ = ["VIEWS", "CaviarView", "CoarseView", "HalvingView", "PandaView", "PopulationView", "ScaleView",
           "SearchView"]
