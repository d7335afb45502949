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
    report_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        schemathesis_command(base_url, report_dir, *extra, config=config), cwd=report_dir,
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    operations, failures = _read_junit(report_dir / "junit.xml")
    return FuzzReport(done.returncode, done.stdout + done.stderr, operations, failures)


def with_parameters(path: Path, **values: str) -> Path:
    """CONFIG plus fixed values for the named parameters (`project_id="..."`), written to
    `path`: every operation that takes one is sent that value, e.g. another user's id."""
    fixed = "".join(f'"{name}" = "{value}"\n' for name, value in values.items())
    path.write_text(f"{CONFIG.read_text()}\n[parameters]\n{fixed}")
    return path


def _read_junit(path: Path) -> tuple[int, dict[str, list[str]]]:
    if not path.exists():
        return 0, {}
    failures: dict[str, list[str]] = {}
    cases = ET.parse(path).getroot().iter("testcase")
    operations = 0
    for case in cases:
        # Besides one test case per operation, the stateful phase reports as one of its own.
        operations += case.get("name") != "Stateful tests"
        codes = sorted({
            code.strip() for problem in [*case.iter("failure"), *case.iter("error")]
            for code in (problem.get("message") or problem.tag).split(",")
        })
        if codes:
            failures[case.get("name", "?")] = codes
    return operations, failures


if __name__ == "__main__":
    url, *rest = sys.argv[1:]
    report = fuzz(url, Path("schemathesis-report").resolve(), *rest)
    print(report.output)
    print(report.summary())
    sys.exit(report.returncode)
