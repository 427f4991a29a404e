"""The matcher must stay a pure library: importing it loads no web or database stack."""

import json
import subprocess
import sys

import matching

FORBIDDEN = ("flask", "sqlalchemy", "sqlmodel", "spt", "yaml")


def test_importing_matching_loads_no_flask_database_or_spt():
    code = (
        "import json, sys, matching, matching.evaluate; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert loaded.isdisjoint(FORBIDDEN), loaded & set(FORBIDDEN)


def test_public_api_names_are_all_importable():
    missing = [name for name in matching.__all__ if not hasattr(matching, name)]
    assert missing == []
