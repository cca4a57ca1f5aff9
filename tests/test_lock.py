"""requirements.lock, the dependency set the README's commands install, stays true to pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[canonicalize_name(m.group(1))] = Version(m.group(2))
    return pins


def test_every_dependency_is_pinned_within_its_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    pins = _pins()
    missing = [spec for spec in wanted if canonicalize_name(Requirement(spec).name) not in pins]
    assert not missing, f"not in requirements.lock (run bash tools/relock.sh --keep): {missing}"
    outside = [
        f"{spec} (locked {pins[canonicalize_name(Requirement(spec).name)]})"
        for spec in wanted
        if not Requirement(spec).specifier.contains(pins[canonicalize_name(Requirement(spec).name)], prereleases=True)
    ]
    assert not outside, f"locked outside pyproject's range (re-lock): {outside}"


def test_the_readme_and_ci_install_through_the_lock() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(python3 -m venv .*?)\n```", readme)
    assert len(commands) >= 2, "the README's two set-up commands"
    assert all("pip install -c requirements.lock -e " in c for c in commands[:2]), commands[:2]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -q -c requirements.lock -e ".[dev]"' in ci
    assert "readme-main-job.sh" in ci
