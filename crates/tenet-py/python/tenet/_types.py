"""The shapes of a report's findings and problems, as ``TypedDict``s: the same fields as a
document of ``tenet eval --format json`` (documented in docs/cli.md)."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

Status = Literal["satisfied", "violated", "not_applicable", "undetermined", "waived"]
Severity = Literal["info", "low", "medium", "high", "critical"]
Area = Literal["privacy", "bias", "transparency", "workers", "accountability"]


class Evidence(TypedDict):
    """A document value an outcome depended on, with its place in the document."""

    path: str
    value: Any
    absent: bool
    line: int | None
    column: int | None


class Condition(TypedDict):
    """A condition that decided an outcome."""

    clause: str
    text: str
    result: Literal["true", "false", "unknown"]
    note: NotRequired[str]
    evidence: list[Evidence]


class Waiver(TypedDict):
    """The waiver applied to a finding, or an expired one that was not."""

    reason: str
    approved_by: str
    until: str
    expired: bool
    original_status: Status


class Finding(TypedDict):
    """The result of one obligation for one document."""

    obligation: str
    modality: Literal["obligation", "prohibition", "recommendation"]
    area: Area
    severity: Severity
    status: Status
    message: str
    cite: list[str]
    evidence: list[Evidence]
    explanation: list[Condition]
    waiver: NotRequired[Waiver]
    displaced_by: NotRequired[str]
    defined_at: str


class Problem(TypedDict):
    """A problem with an input document (load or validation), located in it when it can be."""

    code: str
    severity: Literal["error", "warning"]
    message: str
    help: NotRequired[str]
    line: int | None
    column: int | None
