"""Colours, names and the course's notation, shared by every page."""

from __future__ import annotations

import math
import re

from simulator.optimizers import OPTIMIZERS

# Okabe-Ito, colour-blind safe.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
OPTIMIZER_COLORS = {
    "sgd": OKABE_ITO["orange"],
    "momentum": OKABE_ITO["sky_blue"],
    "rmsprop": OKABE_ITO["bluish_green"],
    "adam": OKABE_ITO["reddish_purple"],
}
CLASS_COLORS = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion",
                                        "reddish_purple", "sky_blue", "yellow", "black")]
ERROR_COLOR = "#a00"
NOTE_STYLE = "color: #444;"
HINT_STYLE = "color: #666; font-size: 11px;"
INVALID_BACKGROUND = "#ffd6d6"
HIGHLIGHT_BACKGROUND = "#fff3c4"
OK_COLOR = "#1b7a3a"  # a prediction the run confirmed

# Display names of the optimizers, from the engine's classes.
LABELS = {name: cls.title for name, cls in OPTIMIZERS.items()}
# Which hyperparameter a single "β" field edits, per optimizer (Adam's is β1).
BETA_KEY = {"momentum": "beta", "rmsprop": "beta", "adam": "beta1"}


def class_color(k: int) -> str:
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def num(v: float, digits: int = 4) -> str:
    """A number for the text panels; never 'nan' on screen."""
    v = float(v)
    return f"{v:.{digits}g}" if math.isfinite(v) else "—"


_SUBSCRIPT = re.compile(r"\b([vs])_(dW|db)\b")
_SUPERSCRIPT = re.compile(r"\^(corrected|t|\{[^}]*\})")


def notation_html(text: str) -> str:
    """The engine's plain notation ('v_dW^corrected', 'β1^t') as HTML (sub- and superscripts)."""
    text = _SUBSCRIPT.sub(r"\1<sub>\2</sub>", text)
    text = _SUPERSCRIPT.sub(lambda m: f"<sup>{m.group(1).strip('{}')}</sup>", text)
    return text.replace("z_norm", "z<sub>norm</sub>").replace("W_new", "W<sub>new</sub>")


# -- zoom and themes: what the View menu changes (``ui.framework.presentation``) ----------------

_PX = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)px")
_HEX = re.compile(r"#[0-9a-fA-F]{3,6}\b")
# Each theme's replacements for the colours the widgets' own style sheets name.
THEME_COLORS: dict[str, dict[str, str]] = {
    "light": {},
    "dark": {"#444": "#d0d0d0", "#666": "#b0b0b0", "#333": "#e0e0e0", "#000": "#ffffff",
             "#555": "#c0c0c0", "#777": "#a8a8a8", ERROR_COLOR: "#ff8080",
             INVALID_BACKGROUND: "#7a2020", HIGHLIGHT_BACKGROUND: "#4d4400", "#d8c070": "#8a7a30",
             OK_COLOR: "#7ee29a"},
    "high contrast": {"#444": "#ffffff", "#666": "#ffffff", "#333": "#ffffff", "#000": "#ffffff",
                      "#555": "#ffffff", "#777": "#e0e0e0", ERROR_COLOR: "#ff6b6b",
                      INVALID_BACKGROUND: "#6a0000", HIGHLIGHT_BACKGROUND: "#000000", "#d8c070": "#ffd700",
                      OK_COLOR: "#7dff9a"},
}


THEME = {"name": "light"}  # the theme in force (``presentation.Presentation.set_theme`` sets it)


def themed(color: str) -> str:
    """``color`` (one a widget names in its text, such as ERROR_COLOR) in the theme in force."""
    return {k.lower(): v for k, v in THEME_COLORS.get(THEME["name"], {}).items()}.get(color.lower(), color)


def recolor(text: str, theme: str) -> str:
    """``text`` (a style sheet or HTML that names light-theme colours) in ``theme``'s colours."""
    colors = {k.lower(): v for k, v in THEME_COLORS.get(theme, {}).items()}
    return _HEX.sub(lambda m: colors.get(m.group(0).lower(), m.group(0)), text) if colors else text


def restyle(sheet: str, zoom: float, theme: str) -> str:
    """A widget's style sheet at ``zoom`` (pixel font sizes scaled) in ``theme`` (its colours
    replaced by the theme's)."""
    return recolor(_PX.sub(lambda m: f"font-size: {float(m.group(1)) * zoom:.3g}px", sheet), theme)
