"""The window's lab pages, each built when it is first wanted.

A page (its plots, panels and views) is most of what start-up costs. So the window builds a page
only when its tab first comes to the front, a preset or the course opens it, or code asks for it
(``pages[key]``); its controller is made then too if it was not (``ui.controllers``). Until then
the tab holds an empty slot, and what a controller made before its page says (a refused setting
of the saved session) is kept and shown on the page's message line when it is built. ``built()``
gives the pages made so far, without making the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from PySide6.QtWidgets import QVBoxLayout, QWidget

from .labs import LABS


class PageSlot(QWidget):
    """A tab's widget: empty until its lab's page is built into it (``page``)."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.page = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)

    def hold(self, page) -> None:
        self.page = page
        self.layout().addWidget(page)
        page.show()  # now, not on the next turn of the event loop: its keys work at once


class Pages(Mapping):
    """Lab key -> page, built on first access. ``labs`` are the controllers (``Labs``, each made
    when first wanted); ``slots`` the tabs' widgets; ``on_built(page)`` is called once per page,
    right after it is made."""

    def __init__(self, labs, on_built: Callable[[object], None]) -> None:
        self.labs = labs
        self.slots = {entry.key: PageSlot(entry.key) for entry in LABS}
        self._on_built = on_built
        self._said: dict[str, tuple[str, bool]] = {}  # the last thing each unbuilt lab said
        labs.each(self._listen)

    def _listen(self, key: str, lab) -> None:
        lab.error.connect(lambda text: self._hold(key, text, True))
        lab.message.connect(lambda text: self._hold(key, text, False))

    def _hold(self, key: str, text: str, error: bool) -> None:
        if self.slots[key].page is None:
            self._said[key] = (text, error)

    def __getitem__(self, key: str):
        slot = self.slots[key]
        if slot.page is None:
            entry = next(e for e in LABS if e.key == key)
            page = entry.page(self.labs[key])
            slot.hold(page)
            if key in self._said:
                page.show_message(*self._said.pop(key))
            self._on_built(page)
        return slot.page

    def __iter__(self) -> Iterator[str]:
        return iter(self.slots)

    def __len__(self) -> int:
        return len(self.slots)

    def built(self) -> list:
        """The pages made so far."""
        return [slot.page for slot in self.slots.values() if slot.page is not None]

    def key_of(self, widget) -> str:
        """The lab key of a tab's widget (its slot) or of a page."""
        for key, slot in self.slots.items():
            if widget is slot or widget is slot.page:
                return key
        raise KeyError(widget)


__all__ = ["PageSlot", "Pages"]
