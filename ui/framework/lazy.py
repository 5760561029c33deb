"""A tab's view made when it is first wanted, not at start-up.

A page's secondary tabs (the optimizer lab's Sections, Basin map, Momentum map, Critical points
and EWA) hold plots that cost a third of the page's making, and most lessons never open them.
``LazyView`` stands in the tab: it makes its view the first time the tab is shown or the view
is asked for, and holds it from then on.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyView(QWidget):
    """A tab's widget that makes its view (``make()``, which returns it up to date with the
    lab) when it is first shown or asked for. What the stand-in does not have, the view does:
    ``lazy.draw()`` makes the view if need be and draws it. ``built`` is the view if it was
    made, else None: a page's frame draws only views that exist."""

    def __init__(self, make: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make = make
        self._view: QWidget | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)

    @property
    def view(self) -> QWidget:
        if self._view is None:
            self._view = self._make()
            self.layout().addWidget(self._view)
            self._view.show()  # now, not on the layout's next turn: a refresh can see it on screen
        return self._view

    @property
    def built(self) -> QWidget | None:
        return self._view

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.view  # noqa: B018 - made as it comes to the front
        super().showEvent(event)

    def __getattr__(self, name: str):
        if name.startswith("_"):  # not the view's: and never made while this one is made
            raise AttributeError(name)
        return getattr(self.view, name)


def drawn(view: QWidget, *calls: str) -> QWidget:
    """``view`` after calling each of its methods ``calls`` (default: ``draw``): a view made
    late shows the lab as it is."""
    for call in calls or ("draw",):
        getattr(view, call)()
    return view
