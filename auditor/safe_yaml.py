"""YAML from a submission (submission.yaml, overrides.yaml, data files), read with bounds: its size, its depth,
what its aliases expand to; UTF-8 only; and every failure one sentence naming the file and the line or field.

PyYAML's own loader builds an alias-bomb's shared structure cheaply, but whatever then walks it (validation,
`str()`, an error message quoting the input) expands it: 688 bytes became 7.7 GB. Here the composed node graph is
measured first, and the document refused if it would expand past `MAX_VALUES` values. Dates stay strings (pydantic
parses them and names the field of an impossible one, such as 2025-02-30).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1_048_576  # a submission.yaml is a few hundred bytes; an overrides file of 500 decisions ~150 KB
MAX_DEPTH = 64
MAX_VALUES = 100_000


class ConfigFileError(ValueError):
    """A YAML file that cannot be read as given; the message is one sentence naming the file."""


class _Loader(yaml.SafeLoader):
    """SafeLoader with a depth limit while composing (20,000 nested brackets otherwise end in RecursionError)."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(f"nested more than {MAX_DEPTH} levels deep (line {mark.line + 1})")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# Timestamps as the strings they are: the models parse them, and say which field holds an impossible date.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _expanded_size(node: yaml.Node, limit: int) -> int:
    """How many values the node stands for once aliases are expanded, counted up to just past `limit`."""
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in memo:
            return memo[key]
        if key in active:
            raise yaml.YAMLError("an alias refers to a value that contains it (a recursive alias)")
        active.add(key)
        total = 1
        if isinstance(n, yaml.SequenceNode):
            for child in n.value:
                total += size(child)
                if total > limit:
                    break
        elif isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                total += size(k) + size(v)
                if total > limit:
                    break
        active.discard(key)
        memo[key] = total
        return total

    return size(node)


def _line(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"line {mark.line + 1}: " if mark is not None else ""
    return f"{where}{' '.join(str(problem).split())}"[:200]


def loads(text: str, name: str = "YAML") -> Any:
    """Parse YAML text with the limits; ConfigFileError names `name`."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, MAX_VALUES) > MAX_VALUES:
            raise ConfigFileError(f"{name}: its aliases expand to more than {MAX_VALUES:,} values (an alias bomb?); "
                                  "write the values out")
        return loader.construct_document(node)
    except ConfigFileError:
        raise
    except yaml.YAMLError as exc:
        raise ConfigFileError(f"{name}: not valid YAML ({_line(exc)})") from exc
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a value PyYAML cannot build
        raise ConfigFileError(f"{name}: a value cannot be read ({' '.join(str(exc).split())[:160]})") from exc
    finally:
        loader.dispose()


def load(path: str | Path) -> Any:
    """A YAML file of the submission, read with the limits: size, UTF-8, depth and alias expansion."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_BYTES:
        raise ConfigFileError(f"{path}: larger than {MAX_BYTES // 1024:,} KB; a configuration file this size is no "
                              "configuration file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigFileError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
                              "save it as UTF-8") from exc
    return loads(text, str(path))


def short(value: Any, limit: int = 60) -> str:
    """A value for an error message: scalars shown (cut to `limit`), collections only named, never expanded."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple | set):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def validation_message(exc, name: str, model=None) -> str:
    """A pydantic ValidationError as one sentence, addressed the way the YAML reads (overrides[2].status: ...),
    saying what is expected in words and quoting at most a short scalar of the input. With the `model` validated,
    an unknown key gets the nearest known one ("did you mean 'hmo_name'?")."""
    parts = []
    errors = exc.errors(include_url=False, include_input=True)
    for error in errors[:5]:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
        message = _expected(error)
        if error["type"] == "extra_forbidden" and model is not None and error["loc"]:
            from auditor.suggest import did_you_mean

            known = _fields_at(model, error["loc"][:-1])
            message += did_you_mean(str(error["loc"][-1]), known)
            if known and not message.endswith("?"):
                message += f" (fields here: {', '.join(sorted(known))})"
        value = error.get("input")
        quiet = isinstance(value, dict | list) or error["type"] in ("missing", "extra_forbidden")
        shown = "" if quiet else f" (got {short(value)})"
        parts.append(f"{where or 'the file'}: {message}{shown}")
    more = f"; and {len(errors) - 5} more" if len(errors) > 5 else ""
    return f"{name}: " + "; ".join(parts) + more


# pydantic's error types in the words of someone editing a YAML file.
_EXPECTED = {
    "int_parsing": "expected a whole number", "int_type": "expected a whole number",
    "int_from_float": "expected a whole number", "float_parsing": "expected a number",
    "float_type": "expected a number",
    "bool_parsing": "expected true or false", "bool_type": "expected true or false",
    "date_parsing": "expected a date as YYYY-MM-DD", "date_from_datetime_parsing": "expected a date as YYYY-MM-DD",
    "date_type": "expected a date as YYYY-MM-DD", "date_from_datetime_inexact": "expected a date as YYYY-MM-DD",
    "string_type": "expected text", "missing": "required, but not given", "extra_forbidden": "not a field of this file",
    "dict_type": "expected `name: value` lines (a mapping)", "list_type": "expected a list",
}


def _expected(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _EXPECTED:
        # pydantic's own detail after the comma says which part is wrong ("day value is outside expected range")
        _, comma, detail = str(error["msg"]).partition(", ")
        return _EXPECTED[kind] + (f" ({detail})" if comma and kind.startswith("date") else "")
    if kind in ("greater_than_equal", "greater_than", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "")
        words = {"greater_than_equal": "or more", "greater_than": "exclusive: more than", "less_than": "less than",
                 "less_than_equal": "or less"}[kind]
        return f"expected {bound} {words}" if words.startswith("or") else f"expected a number {words} {bound}"
    if kind == "literal_error" and "expected" in ctx:
        return f"expected {ctx['expected']}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def _fields_at(model, loc: tuple) -> list[str]:
    """The field names a model accepts at `loc` (walking nested models, lists and dicts), best effort: [] when a
    union or a custom type hides them."""
    import typing

    from pydantic import BaseModel

    def models(annotation) -> list:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [annotation]
        found = []
        for arg in typing.get_args(annotation):
            found += models(arg)
        return found

    current = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        nxt = []
        for m in current:
            field = m.model_fields.get(part) or next((f for f in m.model_fields.values() if f.alias == part), None)
            if field is not None:
                nxt += models(field.annotation)
        if not nxt:  # a dict key (a name of the user's), or a union member's tag: stay on the models found
            continue
        current = nxt
    return sorted({f.alias or n for m in current for n, f in m.model_fields.items()})
