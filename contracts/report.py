"""What a contract run found, per operation: a readable summary and JUnit XML for CI."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

MESSAGE_LIMIT = 600


@dataclass(frozen=True)
class Finding:
    """One distinct failure: the operation, the check that failed, and what it said."""
    operation: str
    check: str
    title: str
    message: str

    def line(self) -> str:
        first = self.message.strip().splitlines()[0] if self.message.strip() else ""
        return f"{self.operation}: {self.check} failed: {self.title}" + (f" ({first})" if first else "")


@dataclass
class Report:
    """Cases sent and findings, keyed by operation label (`GET /api/v2/activities`)."""
    cases: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    phases: Counter[str] = field(default_factory=Counter)        # cases per phase
    transitions: Counter[str] = field(default_factory=Counter)   # stateful steps, "POST ... -> GET ..."
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)     # responses per status code
    skipped: list[str] = field(default_factory=list)            # operations not run, e.g. writes

    @property
    def untested(self) -> str | None:
        """Why the run tested nothing (every request refused, or none answered), else None."""
        if not self.statuses:
            return "no request got an answer from the target"
        if set(self.statuses) == {401}:
            return (f"every one of the {self.statuses[401]} responses was 401: the target refused the token "
                    f"(check --api-token or PIPEDRIVE_API_TOKEN)")
        return None

    @property
    def ok(self) -> bool:
        return not self.findings and not self.errors and self.untested is None

    def add_finding(self, finding: Finding) -> None:
        if finding not in self.findings:
            self.findings.append(finding)

    def failures(self, operation: str) -> str:
        """Every finding of `operation`, each its line and message; empty when it has none."""
        return "\n\n".join(f"{f.line()}\n{f.message}" for f in self.findings if f.operation == operation)

    def operations(self) -> list[str]:
        return sorted(set(self.cases) | {f.operation for f in self.findings})

    def summary(self) -> str:
        """One line per operation (PASS/FAIL, cases, failed checks), then every finding in full.

        A run that tested nothing prints no PASS line: only why, and the verdict.
        """
        untested = self.untested
        if untested is not None:
            return "\n".join([*(f"ERROR  {error}" for error in self.errors[:3]),
                              f"Contract NOT checked: {untested}"])
        lines = []
        for operation in self.operations():
            failed = sorted({f.check for f in self.findings if f.operation == operation})
            verdict = "FAIL" if failed else "PASS"
            detail = f"  failed checks: {', '.join(failed)}" if failed else ""
            lines.append(f"{verdict}  {operation}  ({self.cases.get(operation, 0)} cases){detail}")
        for finding in self.findings:
            lines.append("")
            lines.append(f"--- {finding.operation}: {finding.check} failed: {finding.title}")
            lines.append(finding.message.strip()[:MESSAGE_LIMIT])
        lines.extend(f"ERROR  {error}" for error in self.errors)
        lines.extend(f"SKIP  {operation}  (a write: --allow-writes runs it)" for operation in self.skipped)
        total = sum(self.cases.values())
        verdict = "passed" if self.ok else "failed"
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        lines.append(f"\nContract {verdict}: {len(self.operations())} operations{skipped}, {total} cases, "
                     f"{len(self.findings)} failures, {len(self.errors)} errors in {self.seconds:.1f}s")
        return "\n".join(lines)

    def write_junit(self, path: str | Path) -> None:
        """A JUnit XML file: one test case per operation, a <failure> per finding, an <error> per error."""
        suite = ET.Element("testsuite", name="contracts", tests=str(len(self.operations()) + len(self.errors)),
                           failures=str(len({f.operation for f in self.findings})),
                           errors=str(len(self.errors)), time=f"{self.seconds:.3f}")
        for operation in self.operations():
            case = ET.SubElement(suite, "testcase", classname="contracts", name=operation)
            for finding in (f for f in self.findings if f.operation == operation):
                failure = ET.SubElement(case, "failure", type=finding.check, message=finding.title)
                failure.text = finding.message
        for index, error in enumerate(self.errors):
            case = ET.SubElement(suite, "testcase", classname="contracts", name=f"error {index + 1}")
            ET.SubElement(case, "error", message=error.splitlines()[0] if error else "error").text = error
        root = ET.Element("testsuites")
        root.append(suite)
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
