"""The base of every section of the organisation file, and the one message a bad file gets.

Every section is a :class:`Strict` model: a key the model does not know is refused, never
ignored (issue 17: ``alert:``, ``low_stok:`` and ``digest: {kpiz: …}`` loaded silently and the
defaults applied). :func:`describe` turns pydantic's errors into one line per problem, naming
the key path and, for an unknown key, the closest known key (``difflib``)::

    unknown key 'low_stok' in alerts — did you mean 'low_stock'?
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError


class Strict(BaseModel):
    """A config section that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid")


def _unwrap(annotation: Any) -> Any:
    """``X | None`` → ``X`` (other unions stay as they are)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _fields_at(root: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The field names of the model found by following ``loc`` from ``root`` ([] when none)."""
    annotation: Any = root
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        elif get_origin(annotation) in (list, dict, tuple, set):  # an index or a key
            annotation = get_args(annotation)[-1] if get_args(annotation) else None
        else:
            return []
    annotation = _unwrap(annotation)
    return list(annotation.model_fields) if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []


def _path(loc: Sequence[str | int], raw: Any) -> str:
    """``clinics[north].channels``: list items named by their ``key`` when they have one."""
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            label = item.get("key") if isinstance(item, dict) and item.get("key") else part
            out += f"[{label}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def suggestion(word: str, known: Sequence[str]) -> str:
    """`` — did you mean 'x'?`` for the closest of ``known`` (difflib), or ``""``."""
    near = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" — did you mean '{near[0]}'?" if near else ""


def describe(exc: ValidationError, root: type[BaseModel], raw: Any, prefix: str = "") -> str:
    """One line per problem in ``exc``, ``; ``-joined, key paths from ``root`` (``prefix`` first)."""
    lines: list[str] = []
    for err in exc.errors():
        loc = [*([prefix] if prefix else []), *err["loc"]]
        inner = list(err["loc"])
        if err["type"] == "extra_forbidden":
            key, parent = str(inner[-1]), inner[:-1]
            where = _path(loc[:-1], {prefix: raw} if prefix else raw) or "the organisation file"
            hint = suggestion(key, _fields_at(root, parent))
            lines.append(f"unknown key '{key}' in {where}{hint}")
        else:
            where = _path(loc, {prefix: raw} if prefix else raw)
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{where}: {msg}" if where else msg)
    return "; ".join(dict.fromkeys(lines))
