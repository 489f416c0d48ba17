"""The project config file, `hmo-audit.toml`: the options people type on every run, as defaults the command line
overrides. Found in the working folder or the nearest folder above it (as ruff and pytest find theirs), or given
with `hmo-audit --config FILE` (or HMO_AUDIT_CONFIG); `--no-config` reads none. Read with tomllib.

    checklist = "maine-ch109"      # or a list, or a path to a checklist YAML (relative to this file)
    profile = "periodic-exam"
    cure_days = 45
    fail_on = "not_met"            # audit and batch
    select = ["1.03"]              # audit: requirements or sections to report
    skip = ["1.03-9"]
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from auditor.suggest import did_you_mean

CONFIG_NAME = "hmo-audit.toml"
FAIL_ON = ("never", "partial", "not_met")


class ConfigError(ValueError):
    """A config file that cannot be used: the message names the file, the key and what is expected."""


@dataclass
class Config:
    path: Path | None = None  # None: no config file is in effect
    values: dict = field(default_factory=dict)  # key -> value, as validated


# key -> (what it must be, in words, check)
def _is_list_of_str(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


_KEYS = {
    "checklist": ("a checklist name or path, or a list of them", lambda v: isinstance(v, str) and bool(v.strip())
                  or _is_list_of_str(v) and bool(v)),
    "profile": ("a profile name (see `hmo-audit checklists`)", lambda v: isinstance(v, str) and bool(v.strip())),
    "cure_days": ("a whole number of days, 0 or more", lambda v: isinstance(v, int) and not isinstance(v, bool)
                  and v >= 0),
    "fail_on": (f"one of {', '.join(FAIL_ON)}", lambda v: v in FAIL_ON),
    "select": ("a list of requirement or section ids", _is_list_of_str),
    "skip": ("a list of requirement or section ids", _is_list_of_str),
}
KEYS = tuple(_KEYS)


def find(start: Path | None = None) -> Path | None:
    """The nearest hmo-audit.toml in `start` (the working folder) or a folder above it."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def load(path: Path) -> Config:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    values = {}
    for key, value in data.items():
        if key not in _KEYS:
            raise ConfigError(f"{path}: unknown setting {key!r}{did_you_mean(key, KEYS)} (settings: "
                              f"{', '.join(KEYS)})")
        expected, valid = _KEYS[key]
        if not valid(value):
            raise ConfigError(f"{path}: {key}: expected {expected}, got {value!r}")
        if key == "checklist":
            names = [value] if isinstance(value, str) else value
            # A path in the file is relative to the file, not to wherever the command is run from.
            value = [str((path.parent / n).resolve()) if n.endswith((".yaml", ".yml")) or "/" in n else n
                     for n in names]
        values[key] = value
    return Config(path=path, values=values)


def resolve(given: str | None, no_config: bool) -> Config:
    """The config in effect: none with --no-config; the file given (--config, HMO_AUDIT_CONFIG); else the nearest."""
    if no_config:
        return Config()
    given = given or os.environ.get("HMO_AUDIT_CONFIG") or None
    if given:
        if not Path(given).is_file():
            raise ConfigError(f"{given}: no such config file (given with --config or HMO_AUDIT_CONFIG)")
        return load(Path(given))
    found = find()
    return load(found) if found else Config()


# The commands each setting applies to, under click's parameter names.
_PARAMS = {"checklist": "checklists", "profile": "profile", "cure_days": "cure_days", "fail_on": "fail_on",
           "select": "select", "skip": "skip"}
_COMMANDS = {"audit": KEYS, "deadlines": ("checklist", "profile", "cure_days"),
             "batch": ("checklist", "profile", "cure_days", "fail_on")}


def default_map(config: Config) -> dict:
    """click's default_map: each command's defaults from the config (the command line still overrides them)."""
    out: dict = {}
    for command, keys in _COMMANDS.items():
        defaults = {_PARAMS[k]: config.values[k] for k in keys if k in config.values}
        if defaults:
            out[command] = defaults
    return out
