"""Each lesson's controls, by lesson key. A lesson panel takes (lab, binder), binds its widgets
with the binder, and has ``show_iteration()`` (its progress line)."""

from .caviar import CaviarPanel
from .halving import HalvingPanel
from .panda import PandaPanel
from .population import PopulationPanel
from .scale import ScalePanel
from .search import CoarsePanel, SearchPanel

PANELS = {"scale": ScalePanel, "search": SearchPanel, "coarse": CoarsePanel, "caviar": CaviarPanel,
          "panda": PandaPanel, "halving": HalvingPanel, "population": PopulationPanel}

__all__ = ["PANELS", "CaviarPanel", "CoarsePanel", "HalvingPanel", "PandaPanel", "PopulationPanel",
           "ScalePanel", "SearchPanel"]
