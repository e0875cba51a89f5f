"""The locked dependencies have no known vulnerabilities (pip-audit against PyPI's vulnerability data), or each
one found has a dated waiver with a reason in `.pip-audit-waivers.toml`; an expired waiver fails.

The audit needs PyPI's per-release JSON API (`https://pypi.org/pypi/<name>/<version>/json`). Where that cannot be
reached (this project's build machines reach PyPI's package index but answer 404 there, and osv.dev does not
resolve) the audit is SKIPPED with the reason printed, so the skip shows in every run's summary;
`ICR_REQUIRE_AUDIT=1` (a release pipeline with the network) makes an unreachable service a failure instead, and
`ICR_OFFLINE=1` skips without trying.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
WAIVERS = ROOT / ".pip-audit-waivers.toml"
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"  # runtime + tests: auditing it audits both
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"
TIMEOUT_SECONDS = 300
WAIVER_FIELDS = {"id", "package", "reason", "expires"}


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if match:
            pins[_name(match.group(1))] = match.group(2)
    return pins


def load_waivers(path: Path = WAIVERS) -> list[dict[str, Any]]:
    return list(tomllib.loads(path.read_text()).get("waiver", []))


def waiver_problems(waivers: list[dict[str, Any]], today: date) -> list[str]:
    problems = []
    for index, waiver in enumerate(waivers):
        label = f"waiver {index + 1} ({waiver.get('id', '?')})"
        if set(waiver) != WAIVER_FIELDS:
            problems.append(f"{label}: needs exactly {sorted(WAIVER_FIELDS)}, has {sorted(waiver)}")
            continue
        if not str(waiver["reason"]).strip():
            problems.append(f"{label}: no reason")
        if not isinstance(waiver["expires"], date):
            problems.append(f"{label}: `expires` is not a date (write it as 2027-03-31, unquoted)")
        elif waiver["expires"] < today:
            problems.append(f"{label}: expired on {waiver['expires']}; renew it with a reason or upgrade")
    return problems


def unwaived(report: dict[str, Any], waivers: list[dict[str, Any]]) -> list[str]:
    """The vulnerabilities of pip-audit's JSON report no waiver covers, with the versions that fix them."""
    waived = {(_name(w["package"]), w["id"]) for w in waivers}
    found = []
    for dependency in report.get("dependencies", []):
        package = _name(dependency["name"])
        for vuln in dependency.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            if any((package, each) in waived for each in ids):
                continue
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            found.append(f"{dependency['name']} {dependency.get('version')}: {vuln['id']} (fixed in {fixes})")
    return found


def test_the_dev_lock_holds_every_runtime_pin():
    # auditing the dev lock audits the runtime too, as long as it pins the same versions
    runtime, dev = _pins(RUNTIME_LOCK), _pins(DEV_LOCK)
    assert runtime, "no pins read from requirements.lock"
    assert {name: version for name, version in runtime.items() if dev.get(name) != version} == {}


def test_the_waivers_name_a_package_an_advisory_a_reason_and_a_date_to_come():
    assert waiver_problems(load_waivers(), date.today()) == []


def test_an_expired_or_incomplete_waiver_is_refused():
    today = date(2026, 12, 7)
    ok = {"id": "GHSA-1", "package": "x", "reason": "not used", "expires": date(2026, 12, 7)}
    assert waiver_problems([ok], today) == []  # the last day still holds
    assert waiver_problems([{**ok, "expires": date(2026, 12, 6)}], today) == [
        "waiver 1 (GHSA-1): expired on 2026-12-06; renew it with a reason or upgrade"
    ]
    assert waiver_problems([{**ok, "reason": " "}], today) == ["waiver 1 (GHSA-1): no reason"]
    assert len(waiver_problems([{"id": "GHSA-1", "package": "x"}], today)) == 1


def test_a_waiver_covers_its_advisory_by_id_or_alias_and_nothing_else():
    report = {
        "dependencies": [
            {"name": "Some_Pkg", "version": "1.0", "vulns": [{"id": "PYSEC-1", "aliases": ["GHSA-a"]}]},
            {"name": "other", "version": "2.0", "vulns": [{"id": "GHSA-b", "fix_versions": ["2.1"]}]},
        ]
    }
    waiver = {"id": "GHSA-a", "package": "some-pkg", "reason": "r", "expires": date(2030, 1, 1)}
    assert unwaived(report, [waiver]) == ["other 2.0: GHSA-b (fixed in 2.1)"]
    assert len(unwaived(report, [])) == 2


def _unreachable(message: str) -> None:
    if os.environ.get("ICR_REQUIRE_AUDIT") == "1":
        pytest.fail(message)
    pytest.skip(message)


def test_no_known_vulnerabilities_in_the_locked_dependencies():
    if os.environ.get("ICR_OFFLINE") == "1":
        pytest.skip("ICR_OFFLINE=1: the dependency audit needs PyPI's vulnerability API")
    command = [str(PIP_AUDIT), "-r", str(DEV_LOCK), "--no-deps", "--disable-pip", "--progress-spinner", "off"]
    try:
        result = subprocess.run(
            [*command, "-f", "json"], capture_output=True, text=True, timeout=TIMEOUT_SECONDS, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        _unreachable(f"pip-audit took more than {TIMEOUT_SECONDS} s: is PyPI reachable?")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        tail = "\n".join(result.stderr.strip().splitlines()[-3:])
        _unreachable(f"pip-audit could not run (is PyPI reachable?):\n{tail}")
    skipped = [d for d in report["dependencies"] if "skip_reason" in d]
    if skipped:
        _unreachable(
            f"{len(skipped)} of {len(report['dependencies'])} locked packages could not be audited, e.g. "
            f"{skipped[0]['skip_reason']!r}: PyPI's vulnerability API (https://pypi.org/pypi/<name>/<version>/json) "
            "is unreachable or answers nothing here; the audit runs where it is reachable (ICR_REQUIRE_AUDIT=1 insists)."
        )
    assert unwaived(report, load_waivers()) == []
