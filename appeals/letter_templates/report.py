"""The upload check's report: each problem with where it is, each variable the template reads,
and whether the template may be stored (no errors; warnings are advice). Pure code."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Problem:
    severity: str  # "error" (refused) | "warning" (accepted, worth fixing)
    code: str
    message: str
    part: str | None = None  # "body", "header 1", "footer 2", "document properties"…
    paragraph: int | None = None
    where: str | None = None  # "table 1, row 2, cell 3"
    snippet: str | None = None
    suggestion: str | None = None

    @property
    def location(self) -> str:
        bits = [self.part or "file"]
        if self.paragraph:
            bits.append(f"paragraph {self.paragraph}")
        if self.where:
            bits.append(self.where)
        return ", ".join(bits)


@dataclass
class VariableReport:
    name: str  # as the template writes it
    path: str  # as the schema names it
    known: bool
    count: int
    locations: list[str]
    suggestion: str | None = None


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    variables: list[VariableReport] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    size_bytes: int = 0
    tag_count: int = 0
    members: int = 0
    unpacked_bytes: int = 0
    # The slowest sample letter's render, in seconds (when the render budget was measured).
    render_seconds: float | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """No errors: the template may be stored and used (warnings are advice)."""
        return not self.errors

    def to_json(self) -> dict:
        data = asdict(self)
        for problem, original in zip(data["problems"], self.problems):
            problem["location"] = original.location
        data.update(ok=self.ok, error_count=len(self.errors), warning_count=len(self.warnings))
        return data

    def summary(self) -> str:
        if self.ok and not self.warnings:
            return "no problems found"
        return f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)"
