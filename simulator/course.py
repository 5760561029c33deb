"""A course path: the notes in order, as one guided lesson through the labs. Qt-free.

A path is a list of steps. Each step names the notes' point it teaches (``quote``), the lab and
the preset it opens (or its own ``settings``, with the claim to ``measure``), a ``question`` for
the class with two to four ``answers``, and ``reveal``: which answer the measurement gives. The
answer is never written into the path: ``reveal`` maps what the claim's function measures on the
run in front ("holds", or "fails") to an answer, and the same function is the claim the preset's
test measures on several seeds. A run that does not show the claim reveals "fails"'s answer, or,
where the path names none, that this run did not show it.

The JSON form (``read_path``)::

    {"title": "...", "steps": [{"quote": "...", "lab": "optimizers", "preset": "Ravine: ...",
      "question": "...", "answers": ["SGD", "Momentum"], "reveal": {"holds": 1}}, ...]}

A bad path gets a ValueError naming the step (from 1) and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .claims import Verdict

OUTCOMES = ("holds", "fails")
STEP_FIELDS = ("quote", "lab", "preset", "settings", "view", "measure", "question", "do", "answers",
               "reveal")
MAX_STEPS = 500
MAX_TEXT = 2000


@dataclass(frozen=True)
class Step:
    """One step of a path (see the module's docstring). ``preset`` names a preset of ``lab``;
    without one, ``settings`` (the lab's saved settings) and ``measure`` say what to run and
    measure, and ``view`` which tab to open. ``do``: what the class must do beyond Play for the
    run to answer (press a button, change α while it trains), shown under the question."""

    quote: str
    lab: str
    question: str
    answers: tuple[str, ...]
    reveal: Mapping[str, int]
    preset: str = ""
    settings: Mapping[str, Any] | None = None
    measure: str = ""
    view: str = ""
    do: str = ""

    def answer_for(self, verdict: Verdict) -> int | None:
        """The answer the measurement reveals: the index of ``reveal["holds"]`` or
        ``reveal["fails"]``; None where the run did not show the claim and the path names no
        answer for that."""
        return self.reveal.get("holds" if verdict.holds else "fails")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"quote": self.quote, "lab": self.lab}
        if self.preset:
            out["preset"] = self.preset
        else:
            out["settings"] = dict(self.settings or {})
            out["measure"] = self.measure
            if self.view:
                out["view"] = self.view
        out["question"] = self.question
        if self.do:
            out["do"] = self.do
        out.update(answers=list(self.answers), reveal=dict(self.reveal))
        return out


@dataclass(frozen=True)
class CoursePath:
    title: str
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "steps": [s.to_dict() for s in self.steps]}

    def labs(self) -> set[str]:
        return {s.lab for s in self.steps}


@dataclass(frozen=True)
class Known:
    """What a path may name: each lab's presets by name (each a dict with its "measure") and each
    lab's claims (``simulator.claims.<lab>.CLAIMS``), by key."""

    presets: Mapping[str, Mapping[str, Mapping[str, Any]]]
    claims: Mapping[str, Mapping[str, Any]]


def _text(where: str, name: str, value: Any, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{where}: {name} must be a text, got {value!r:.60}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{where}: {name} is {len(value):,} characters long; at most {MAX_TEXT:,}")
    return value.strip()


def read_step(data: Any, number: int, known: Known) -> Step:
    """Step ``number`` (from 1) of a path, checked against what ``known`` holds."""
    where = f"step {number}"
    if not isinstance(data, dict):
        raise ValueError(f"{where}: a step is a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(STEP_FIELDS))
    if unknown:
        raise ValueError(f"{where}: unknown field {unknown[0]!r}; a step has {', '.join(STEP_FIELDS)}")
    lab = _text(where, "lab", data.get("lab"))
    if lab not in known.presets:
        raise ValueError(f"{where}: lab {lab!r:.40} is not one of {', '.join(known.presets)}")
    preset = _text(where, "preset", data.get("preset"), required=False)
    settings, measure = data.get("settings"), _text(where, "measure", data.get("measure"), required=False)
    if preset:
        if preset not in known.presets[lab]:
            raise ValueError(f"{where}: the {lab} lab has no preset {preset!r:.60}")
        measure = measure or str(known.presets[lab][preset].get("measure", ""))
        settings = None
    elif not isinstance(settings, dict):
        raise ValueError(f"{where}: a step needs a preset, or settings (a JSON object) and a measure")
    if measure not in known.claims.get(lab, {}):
        raise ValueError(f"{where}: measure {measure!r:.40} is not a claim of the {lab} lab")
    answers = data.get("answers")
    if not isinstance(answers, list) or not 2 <= len(answers) <= 4:
        raise ValueError(f"{where}: answers must be a list of 2 to 4 texts, got {answers!r:.60}")
    answers = tuple(_text(where, f"answer {i + 1}", a) for i, a in enumerate(answers))
    reveal = data.get("reveal")
    if not isinstance(reveal, dict) or "holds" not in reveal or set(reveal) - set(OUTCOMES):
        raise ValueError(f"{where}: reveal must map \"holds\" (and may map \"fails\") to an answer's "
                         f"number from 0, got {reveal!r:.60}")
    for outcome, i in reveal.items():
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(answers):
            raise ValueError(f"{where}: reveal[{outcome!r}] must be an answer's number from 0 to "
                             f"{len(answers) - 1}, got {i!r:.20}")
    return Step(quote=_text(where, "quote", data.get("quote")), lab=lab,
                question=_text(where, "question", data.get("question")), answers=answers,
                reveal=dict(reveal), preset=preset, settings=settings, measure=measure,
                view=_text(where, "view", data.get("view"), required=False),
                do=_text(where, "do", data.get("do"), required=False))


def read_path(data: Any, known: Known) -> CoursePath:
    """A path from its JSON form; ValueError naming the step and field of the first problem."""
    if not isinstance(data, dict):
        raise ValueError(f"a path is a JSON object with \"title\" and \"steps\", got {type(data).__name__}")
    unknown = sorted(set(data) - {"title", "steps"})
    if unknown:
        raise ValueError(f"unknown path field {unknown[0]!r}; a path has title and steps")
    title = _text("the path", "title", data.get("title", "A course path"))
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise ValueError("a path's steps must be a non-empty list")
    if len(steps) > MAX_STEPS:
        raise ValueError(f"a path has at most {MAX_STEPS} steps, got {len(steps):,}")
    return CoursePath(title, tuple(read_step(s, i + 1, known) for i, s in enumerate(steps)))


@dataclass
class Progress:
    """Where a class or a student is on a path: the step in front (``index``), each step's picked
    answer (``picks``) and each revealed one with the measurement's words (``revealed``: index ->
    (answer or None, text))."""

    index: int = 0
    picks: dict[int, int] = field(default_factory=dict)
    revealed: dict[int, tuple[int | None, str]] = field(default_factory=dict)

    def confirmed(self) -> list[int]:
        """The steps whose picked answer the run confirmed."""
        return sorted(i for i, (answer, _) in self.revealed.items()
                      if answer is not None and self.picks.get(i) == answer)

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "picks": {str(k): v for k, v in self.picks.items()},
                "revealed": {str(k): [a, t] for k, (a, t) in self.revealed.items()}}

    @classmethod
    def from_dict(cls, data: Any, path: CoursePath) -> Progress:
        """Saved progress on ``path``; what does not fit the path (a step or an answer that is not
        there) is dropped, not an error: the path may have changed since."""
        if not isinstance(data, dict):
            return cls()
        n = len(path.steps)

        def step_of(key: Any) -> int | None:
            try:
                i = int(key)
            except (TypeError, ValueError):
                return None
            return i if 0 <= i < n else None

        index = step_of(data.get("index", 0)) or 0
        picks = {}
        for k, v in (data.get("picks") or {}).items() if isinstance(data.get("picks"), dict) else ():
            i = step_of(k)
            if i is not None and isinstance(v, int) and not isinstance(v, bool) and \
                    0 <= v < len(path.steps[i].answers):
                picks[i] = v
        revealed = {}
        raw = data.get("revealed")
        for k, v in raw.items() if isinstance(raw, dict) else ():
            i = step_of(k)
            if i is None or not isinstance(v, list) or len(v) != 2 or not isinstance(v[1], str):
                continue
            a = v[0]
            if a is None or (isinstance(a, int) and not isinstance(a, bool) and
                             0 <= a < len(path.steps[i].answers)):
                revealed[i] = (a, v[1])
        return cls(index, picks, revealed)


def results_rows(path: CoursePath, progress: Progress) -> list[dict[str, str]]:
    """One row per step: the question, the answer picked, the answer measured and whether the
    run confirmed the prediction ("yes", "no", or "" where not both are known)."""
    rows = []
    for i, step in enumerate(path.steps):
        pick = progress.picks.get(i)
        answer, text = progress.revealed.get(i, (None, ""))
        confirmed = "" if pick is None or answer is None else ("yes" if pick == answer else "no")
        rows.append({"step": str(i + 1), "lab": step.lab, "question": step.question,
                     "predicted": step.answers[pick] if pick is not None else "",
                     "measured": step.answers[answer] if answer is not None else "",
                     "confirmed": confirmed, "measurement": text})
    return rows


__all__ = ["CoursePath", "Known", "MAX_STEPS", "OUTCOMES", "Progress", "Step", "read_path", "read_step",
           "results_rows"]
