"""Policy problems as an exception that carries every diagnostic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in the policies (or the project), located where it was found.

    ``file`` is a policy file (``<std>/…`` for the embedded standard library) or the
    project's ``tenet.toml``; ``line`` and ``column`` are 1-based, ``None`` when the problem
    has no position (a file that cannot be read).
    """

    code: str
    severity: str
    message: str
    file: str | None
    line: int | None
    column: int | None
    help: str | None = None

    def __str__(self) -> str:
        at = self.file or "<policies>"
        if self.line is not None:
            at += f":{self.line}:{self.column}"
        return f"{at}: {self.code} {self.message}"


class PolicyError(Exception):
    """The policies could not be used: files that cannot be read, or errors in them.

    ``diagnostics`` lists every problem (errors only; warnings never stop an engine).
    """

    diagnostics: list[Diagnostic]

    def __init__(self, diagnostics: list[Diagnostic] | list[tuple]) -> None:
        self.diagnostics = [d if isinstance(d, Diagnostic) else Diagnostic(*d) for d in diagnostics]
        n = len(self.diagnostics)
        lines = [f"the policies have {n} error{'' if n == 1 else 's'}"]
        lines += [f"  {d}" for d in self.diagnostics[:20]]
        if n > 20:
            lines.append(f"  … and {n - 20} more")
        super().__init__("\n".join(lines))

    def __reduce__(self):
        return (PolicyError, (self.diagnostics,))
