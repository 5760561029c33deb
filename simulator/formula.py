"""Typed formulas f(x, y): read with a whitelisted grammar, evaluated and differentiated exactly.

``parse`` turns text into a tree of ``Node``s with a tokenizer and a recursive-descent parser
(nothing is ever handed to Python's ``eval``): numbers, x, y, pi, e, + - * / ** (and unary minus),
parentheses, and sin, cos, exp, log, sqrt, tanh, abs. Constant parts are folded as they are read,
within bounds, so ``9**9**9`` is refused at once. ``evaluate`` gives f and ``dual`` gives f and its
gradient (forward-mode dual numbers: exact, not finite differences), with NumPy over arrays of
points. Every refusal is a ValueError naming the offending part and its column (counted from 1).
The surface made from a formula is in ``simulator.typed_surface``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_CHARS = 500
MAX_DEPTH = 32  # nested parentheses, functions and signs
MAX_VALUE = 1e15  # |numbers| in the formula, and |f| and |grad f| on the domain
MAX_EXPONENT = 100.0  # |a constant exponent|
NAMES = {"x": None, "y": None, "pi": math.pi, "e": math.e}
ALLOWED = "numbers, x, y, pi, e, + - * / **, parentheses and sin, cos, exp, log, sqrt, tanh, abs"

# name -> (f(u), f'(u) given u and f(u))
FUNCTIONS = {
    "sin": (np.sin, lambda u, v: np.cos(u)),
    "cos": (np.cos, lambda u, v: -np.sin(u)),
    "exp": (np.exp, lambda u, v: v),
    "log": (np.log, lambda u, v: 1.0 / u),
    "sqrt": (np.sqrt, lambda u, v: 0.5 / v),
    "tanh": (np.tanh, lambda u, v: 1.0 - v * v),
    "abs": (np.abs, lambda u, v: np.sign(u)),
}

_TOKEN = re.compile(r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_]\w*)"
                    r"|(?P<op>\*\*|[-+*/(),^.]))")


@dataclass(frozen=True)
class Node:
    """One part of a formula: ``op`` is "num", "x", "y", "neg", + - * / **, or a function's name;
    ``col`` and ``src`` say where it was typed, for messages."""

    op: str
    args: tuple[Node, ...] = ()
    value: float = 0.0
    col: int = 1
    src: str = ""


# -- reading ----------------------------------------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, column) for each token, then ("end", "", column)."""
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None:  # reported when the parser reaches it, so a name before it is named first
            col = len(text) - len(text[pos:].lstrip()) + 1
            out.append(("bad", text[col - 1], col))
            break
        kind = m.lastgroup
        out.append((kind, m.group(kind), m.start(kind) + 1))
        pos = m.end()
    out.append(("end", "", len(text) + 1))
    return out


class _Parser:
    """expr := term (+|- term)*; term := unary (*|/ unary)*; unary := (-|+) unary | power;
    power := atom (** unary)?; atom := number | name | function ( expr ) | ( expr )."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int]:
        return self.toks[self.i]

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def node(self, op: str, args: tuple[Node, ...], start: int) -> Node:
        """A node for the text from column ``start`` to the last token taken, folded if constant."""
        end = self.toks[self.i][2] - 1 if self.i < len(self.toks) else len(self.text)
        return _fold(Node(op, args, 0.0, start, self.text[start - 1:end].strip()))

    def parse(self) -> Node:
        tree = self.expr()
        kind, tok, col = self.peek()
        if kind == "bad":
            raise ValueError(f"unexpected character {tok!r} at column {col}; use {ALLOWED}")
        if kind != "end":
            hint = ": write 2*x, not 2x" if kind in ("name", "num") or tok == "(" else ""
            raise ValueError(f"expected an operator at column {col}, found {tok!r}{hint}")
        return tree

    def expr(self) -> Node:
        start = self.peek()[2]
        left = self.term()
        while self.peek()[1] in ("+", "-"):
            _, op, col = self.take()
            left = self.node(op, (left, self.term()), start)
        return left

    def term(self) -> Node:
        start = self.peek()[2]
        left = self.unary()
        while self.peek()[1] in ("*", "/"):
            _, op, col = self.take()
            left = self.node(op, (left, self.unary()), start)
        return left

    def unary(self) -> Node:
        kind, tok, col = self.peek()
        if tok in ("-", "+"):
            self.take()
            self._enter(col)
            arg = self.unary()
            self.depth -= 1
            return self.node("neg", (arg,), col) if tok == "-" else arg
        base = self.atom()
        if self.peek()[1] == "^":
            raise ValueError(f"use ** for powers, not ^ (column {self.peek()[2]})")
        if self.peek()[1] == "**":
            _, _, pcol = self.take()
            self._enter(pcol)
            exponent = self.unary()
            self.depth -= 1
            return self.node("**", (base, exponent), col)
        return base

    def atom(self) -> Node:
        kind, tok, col = self.take()
        if kind == "num":
            return Node("num", value=_number(tok, col), col=col, src=tok)
        if kind == "name":
            return self._name(tok, col)
        if tok == "(":
            self._enter(col)
            inner = self.expr()
            self.depth -= 1
            self._expect(")", col)
            return inner
        if kind == "bad":
            raise ValueError(f"unexpected character {tok!r} at column {col}; use {ALLOWED}")
        found = "the end of the formula" if kind == "end" else repr(tok)
        raise ValueError(f"expected a number, x, y, a function or '(' at column {col}, found {found}")

    def _name(self, name: str, col: int) -> Node:
        nxt = self.peek()
        if nxt[1] == ".":
            after = self.toks[self.i + 1][1]
            raise ValueError(f"attribute access '{name}.{after}' at column {col} is not allowed; "
                             f"use {ALLOWED}")
        if nxt[1] == "(":
            if name not in FUNCTIONS:
                raise ValueError(f"unknown function {name!r} at column {col}; the functions are "
                                 f"{', '.join(FUNCTIONS)}")
            self.take()
            self._enter(col)
            arg = self.expr()
            self.depth -= 1
            if self.peek()[1] == ",":
                raise ValueError(f"{name} takes one argument (a second one starts at column "
                                 f"{self.peek()[2]})")
            self._expect(")", col)
            return self.node(name, (arg,), col)
        if name in FUNCTIONS:
            raise ValueError(f"{name} at column {col} is a function: write {name}(...)")
        if name not in NAMES:
            raise ValueError(f"unknown name {name!r} at column {col}; use {ALLOWED}")
        value = NAMES[name]
        return Node(name, col=col, src=name) if value is None else Node("num", value=value, col=col,
                                                                         src=name)

    def _expect(self, tok: str, opened: int) -> None:
        kind, got, col = self.take()
        if got != tok:
            found = "the end of the formula" if kind == "end" else repr(got)
            raise ValueError(f"expected {tok!r} at column {col} to close the '(' at column {opened}, "
                             f"found {found}")

    def _enter(self, col: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ValueError(f"the formula is nested too deeply at column {col} (at most {MAX_DEPTH} "
                             "levels of parentheses, functions and signs)")


def _number(tok: str, col: int) -> float:
    value = float(tok)
    if not abs(value) <= MAX_VALUE:
        raise ValueError(f"the number {tok} at column {col} is too large: numbers must be within "
                         f"±{MAX_VALUE:g}")
    return value


def _fold(node: Node) -> Node:
    """A node whose arguments are all numbers, as a number; ValueError if it is out of bounds."""
    if node.op == "**" and node.args[1].op == "num" and abs(node.args[1].value) > MAX_EXPONENT:
        b = node.args[1]
        raise ValueError(f"the exponent {b.src} at column {b.col} is {b.value:g}: exponents must be "
                         f"within ±{MAX_EXPONENT:g}")
    if not all(a.op == "num" for a in node.args):
        return node
    with np.errstate(all="ignore"):
        value = float(evaluate(node, np.float64(0.0), np.float64(0.0)))
    if not abs(value) <= MAX_VALUE:
        what = "is undefined" if math.isnan(value) else "is too large"
        raise ValueError(f"{node.src} at column {node.col} {what}: values must be within ±{MAX_VALUE:g}")
    return Node("num", value=value, col=node.col, src=node.src)


def parse(text: Any) -> Node:
    """The formula's tree; ValueError naming the offending part and its column."""
    if not isinstance(text, str):
        raise ValueError(f"a formula must be text, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("the formula is empty: type f(x, y), for example x**2 + 3*y**2")
    if len(text) > MAX_CHARS:
        raise ValueError(f"the formula has {len(text)} characters; at most {MAX_CHARS}")
    control = next((i for i, ch in enumerate(text) if not ch.isprintable()), None)
    if control is not None:
        raise ValueError(f"the formula must be one line of text: column {control + 1} holds "
                         f"{text[control]!r}")
    # What a teacher may paste from notes: − × · as - * * (same length, so columns stay right).
    return _Parser(text.translate(_TYPOGRAPHIC)).parse()


_TYPOGRAPHIC = str.maketrans({"−": "-", "×": "*", "·": "*"})


def uses_variables(node: Node) -> bool:
    return node.op in ("x", "y") or any(uses_variables(a) for a in node.args)


# -- evaluating ---------------------------------------------------------------------------------------


def evaluate(node: Node, x, y):
    """f at points (x, y) (arrays or scalars; NumPy warnings are the caller's)."""
    op, args = node.op, node.args
    if op == "num":
        return node.value
    if op == "x":
        return x
    if op == "y":
        return y
    if op == "neg":
        return -evaluate(args[0], x, y)
    if op in FUNCTIONS:
        return FUNCTIONS[op][0](evaluate(args[0], x, y))
    a, b = evaluate(args[0], x, y), evaluate(args[1], x, y)
    return _BINARY[op](a, b)


_BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power}


def _scale(d, k):
    """The chain rule's d * k, where d = 0 gives 0 even if k is infinite (sqrt(x**2) at 0)."""
    if isinstance(d, float) and d == 0.0:
        return 0.0
    return np.where(d == 0, 0.0, np.multiply(d, k))


def dual(node: Node, x, y, check=None):
    """(f, df/dx, df/dy) at points (x, y), by forward-mode differentiation. ``check(node, triple)``
    is called bottom-up, so the first part that is not finite is the one it reports."""
    op, args = node.op, node.args
    if op in ("num", "x", "y"):
        out = (node.value, 0.0, 0.0) if op == "num" else (x, 1.0, 0.0) if op == "x" else (y, 0.0, 1.0)
    elif op == "neg":
        v, dx, dy = dual(args[0], x, y, check)
        out = (-v, -dx, -dy)
    elif op in FUNCTIONS:
        u, dx, dy = dual(args[0], x, y, check)
        f, fp = FUNCTIONS[op]
        v = f(u)
        k = fp(u, v)
        out = (v, _scale(dx, k), _scale(dy, k))
    else:
        out = __dual_binary(op, dual(args[0], x, y, check), dual(args[1], x, y, check), args[1])
    if check is not None:
        check(node, out)
    return out


def __dual_binary(op: str, a, b, right: Node):
    (u, ux, uy), (w, wx, wy) = a, b
    if op == "+":
        return u + w, ux + wx, uy + wy
    if op == "-":
        return u - w, ux - wx, uy - wy
    if op == "*":
        return u * w, ux * w + u * wx, uy * w + u * wy
    if op == "/":
        v = u / w
        return v, (ux - v * wx) / w, (uy - v * wy) / w
    if right.op == "num":  # u ** c
        c = right.value
        k = c * u ** (c - 1.0) if c != 0 else 0.0
        return u**c, _scale(ux, k), _scale(uy, k)
    v = u**w  # u ** w = exp(w log u)
    k_u, k_w = v * w / u, v * np.log(u)
    return v, _scale(ux, k_u) + _scale(wx, k_w), _scale(uy, k_u) + _scale(wy, k_w)


__all__ = ["ALLOWED", "FUNCTIONS", "MAX_CHARS", "MAX_VALUE", "Node", "dual", "evaluate", "parse",
           "uses_variables"]
