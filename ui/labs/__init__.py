"""LABS: the registry of Descent's labs. The main window, the menus, the saved session and the
command line loop over it; nothing outside a lab's folder names the lab.

Adding a lab: a folder ``ui/labs/<key>/`` (controller, page, panel, explain, views, presets.json),
its engine modules under ``simulator/``, and one ``LabEntry`` below. See CONTRIBUTING.md.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Option:
    """A command-line option a lab offers: ``--flag VALUE`` calls ``apply(controller, value)``,
    which returns False (having said why through the controller's ``error``) to refuse it."""

    flag: str
    help: str
    apply: Callable[[object, str], bool]
    metavar: str = "VALUE"


@dataclass(frozen=True)
class LabEntry:
    """One lab: its key (in files and on the command line), title, its controller and page
    classes (as "module:Class", imported when first used), command-line options, and older keys
    its saved states used. Its presets are ``presets.json`` in its folder."""

    key: str
    title: str
    controller_path: str
    page_path: str
    options: tuple[Option, ...] = ()
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def controller(self) -> type:
        return _load(self.controller_path)

    @property
    def page(self) -> type:
        return _load(self.page_path)

    @property
    def presets_path(self) -> Path:
        return HERE / self.key / "presets.json"

    def make_page(self):
        """A new page around a new controller."""
        return self.page(self.controller())

    def presets(self) -> list[dict]:
        """The lab's classroom presets; an unreadable file gives none, not a crash."""
        try:
            data = json.loads(self.presets_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(data, list):
            return []
        return [{**p, "page": self.key} for p in data
                if isinstance(p, dict) and isinstance(p.get("name"), str) and "settings" in p]


def _load(path: str) -> type:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


LABS: tuple[LabEntry, ...] = (
    LabEntry("optimizers", "Optimizers", "ui.labs.optimizers.controller:OptimizerController",
        "ui.labs.optimizers.page:OptimizerPage",
        options=(Option("--surface", "start the optimizer lab on this loss surface (e.g. ravine, "
                                     "rosenbrock)", lambda lab, v: lab.set_surface(v), "NAME"),),
        aliases=("optimizer",)),
    LabEntry("classifier", "Classifier", "ui.labs.classifier.controller:ClassifierController",
        "ui.labs.classifier.page:ClassifierPage"),
    LabEntry("batchnorm", "Batch norm", "ui.labs.batchnorm.controller:BatchNormController",
        "ui.labs.batchnorm.page:BatchNormPage"),
    LabEntry("tuning", "Tuning", "ui.labs.tuning.controller:TuningController",
        "ui.labs.tuning.page:TuningPage"),
)
LAB_KEYS = tuple(entry.key for entry in LABS)


def entry_for(key: str) -> LabEntry:
    """The lab with this key (or an older alias of it); ValueError naming the keys otherwise."""
    for entry in LABS:
        if key == entry.key or key in entry.aliases:
            return entry
    raise ValueError(f"unknown page {key!r}; choose one of {', '.join(LAB_KEYS)}")
