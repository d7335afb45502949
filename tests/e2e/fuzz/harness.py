"""Schemathesis against a live gateway's own `/schema`: every operation, every check.

One function, `fuzz(base_url, report_dir, ...)`, runs the schemathesis CLI (all four phases:
examples, coverage, fuzzing, stateful over the schema's links) as a child process and
returns what it found, per operation, from its JUnit report. The e2e test module
(test_schema_fuzz.py) runs it against a stack of its own; by hand, against any stack:

    .venv/bin/python -m tests.e2e.fuzz.harness http://127.0.0.1:PORT \
        [--include-path-regex '^/api/(segment|export)'] [-H 'Authorization: Bearer ...']

(any further arguments go to `schemathesis run` as they are).

Bounded for `make test`: a few examples per operation (`MAX_EXAMPLES`), a fixed seed (the
same cases on every run, so a failure is reproducible and never flaky), short request
timeouts (an SSE stream is cut, not waited on), and no example database written to disk.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA_PATH = "/schema/openapi.json"
CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = 4
SEED = 13
REQUEST_TIMEOUT_SECONDS = 10
WORKERS = 2


@dataclass(frozen=True)
class FuzzReport:
    """One schemathesis run: its exit code, its console output, and the failing check
    codes (ST103: undocumented status, ...) of each operation that failed any."""

    returncode: int
    output: str
    operations: int
    failures: dict[str, list[str]] = field(default_factory=dict)

    @property
    def failing_checks(self) -> int:
        """Operations x failing checks: the number to get down to zero."""
        return sum(len(codes) for codes in self.failures.values())

    def summary(self) -> str:
        lines = [f"{len(self.failures)} of {self.operations} operations fail "
                 f"{self.failing_checks} checks"]
        lines += [f"  {name}: {', '.join(codes)}" for name, codes in sorted(self.failures.items())]
        return "\n".join(lines)


def schemathesis_command(
    base_url: str, report_dir: Path, *extra: str, config: Path = CONFIG
) -> list[str]:
    return [
        str(Path(sys.executable).with_name("schemathesis")), "--no-color",
        "--config-file", str(config), "run", base_url.rstrip("/") + SCHEMA_PATH,
        "--checks", "all", "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
        "--workers", str(WORKERS), "--request-timeout", str(REQUEST_TIMEOUT_SECONDS),
        "--generation-database", "none", "--report", "junit",
        "--report-junit-path", str(report_dir / "junit.xml"), *extra,
    ]


def fuzz(
    base_url: str, report_dir: Path, *extra: str, timeout: float = 600, config: Path = CONFIG
) -> FuzzReport:
    """Run schemathesis against `base_url` (its cwd and reports under `report_dir`);
    `config` is a schemathesis.toml (CONFIG, or one that adds to it, `with_parameters`)."""
    done = _run(base_url, report_dir, extra, timeout, config)
    operations, failures, crashed = _read_junit(report_dir / "junit.xml")
    output = done.stdout + done.stderr
    if crashed:
        # An operation whose only problem is schemathesis's own crash while generating its
        # cases (no request failed a check): on Python 3.11, hypothesis's `ast.parse` in two
        # worker threads at once can raise "AST constructor recursion depth mismatch", and
        # hypothesis then reports "Inconsistent results". Run those operations once more,
        # alone; whatever that run finds (a check failure or the same crash) stands.
        again_dir = report_dir / "again"
        names = [arg for name in crashed for arg in ("--include-name", name)]
        redone = _run(base_url, again_dir,
                      (*extra, *names, "--phases", "examples,coverage,fuzzing"), timeout, config)
        _, again, still = _read_junit(again_dir / "junit.xml")
        for name in crashed:
            del failures[name]
        failures.update(again)
        failures.update({name: ["error"] for name in still})
        output += "\n\n(run again alone: " + ", ".join(crashed) + ")\n" + redone.stdout
    return FuzzReport(done.returncode, output, operations, failures)


def _run(
    base_url: str, report_dir: Path, extra: tuple[str, ...], timeout: float, config: Path
) -> subprocess.CompletedProcess[str]:
    report_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        schemathesis_command(base_url, report_dir, *extra, config=config), cwd=report_dir,
        capture_output=True, text=True, timeout=timeout, check=False,
    )


def with_parameters(path: Path, **values: str) -> Path:
    """CONFIG plus fixed values for the named parameters (`project_id="..."`), written to
    `path`: every operation that takes one is sent that value, e.g. another user's id."""
    fixed = "".join(f'"{name}" = "{value}"\n' for name, value in values.items())
    path.write_text(f"{CONFIG.read_text()}\n[parameters]\n{fixed}")
    return path


def _read_junit(path: Path) -> tuple[int, dict[str, list[str]], list[str]]:
    """Operations run, the failing check codes of each, and the operations whose only
    problem is an internal schemathesis error (a JUnit `error` with no `failure`)."""
    if not path.exists():
        return 0, {}, []
    failures: dict[str, list[str]] = {}
    crashed: list[str] = []
    cases = ET.parse(path).getroot().iter("testcase")
    operations = 0
    for case in cases:
        # Besides one test case per operation, the stateful phase reports as one of its own.
        name = case.get("name", "?")
        operations += name != "Stateful tests"
        failed, errors = list(case.iter("failure")), list(case.iter("error"))
        codes = sorted({
            code.strip() for problem in [*failed, *errors]
            for code in (problem.get("message") or problem.tag).split(",")
        })
        if codes:
            failures[name] = codes
        if errors and not failed and name != "Stateful tests" and "Runtime Error" in "".join(
            (e.get("message") or "") + (e.text or "") for e in errors
        ):
            crashed.append(name)
    return operations, failures, crashed


if __name__ == "__main__":
    url, *rest = sys.argv[1:]
    report = fuzz(url, Path("schemathesis-report").resolve(), *rest)
    print(report.output)
    print(report.summary())
    sys.exit(report.returncode)
