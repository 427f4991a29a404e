"""constraints.txt pins every dependency pyproject.toml names, so no deploy picks a new major."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_dependency_and_extra_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for extra in project["optional-dependencies"].values() for r in extra}
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _sep, version = line.partition("==")
            pinned[_name(name)] = version
    assert not wanted - set(pinned), "pin these in constraints.txt: " + ", ".join(
        sorted(wanted - set(pinned)))
    assert all(re.fullmatch(r"\d[\w.+-]*", v) for v in pinned.values())
