"""Interventions: situations that need the shopper's or a staff member's attention."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class InterventionKind(StrEnum):
    WEIGHT_MISMATCH = (
        "weight_mismatch"  # the bag changed by a weight the scanned item cannot explain
    )
    UNEXPECTED_ITEM = "unexpected_item"  # weight added with nothing scanned
    ITEM_REMOVED = "item_removed"  # weight taken out of the bag
    NOT_BAGGED = "not_bagged"  # a scanned item never reached the bag
    AGE_CHECK = "age_check"
    HELP = "help"
    STAFF_VOID = "staff_void"  # the shopper asked to remove a line or cancel
    DEVICE_FAULT = "device_fault"  # a device the next step depends on is offline
    PAYMENT_PROBLEM = "payment_problem"  # money taken but the sale could not be recorded


# Kinds the shopper can clear alone by putting the bag right; staff may always resolve them.
SHOPPER_CLEARABLE = frozenset(
    {
        InterventionKind.WEIGHT_MISMATCH,
        InterventionKind.UNEXPECTED_ITEM,
        InterventionKind.ITEM_REMOVED,
        InterventionKind.NOT_BAGGED,
    }
)
WEIGHT_KINDS = SHOPPER_CLEARABLE
# Kinds that let the shopper go on scanning; they block payment only.
NON_BLOCKING = frozenset({InterventionKind.AGE_CHECK, InterventionKind.HELP})


@dataclass(frozen=True)
class Intervention:
    id: int
    kind: InterventionKind
    opened_at: float
    blocking: bool
    line_id: int | None = None
    detail: dict[str, str] = field(default_factory=dict)

    @property
    def staff_needed(self) -> bool:
        """Whether staff are called at once; a missing item only prompts the shopper first."""
        return self.kind != InterventionKind.NOT_BAGGED


def open_intervention(
    existing: tuple[Intervention, ...],
    next_id: int,
    kind: InterventionKind,
    at: float,
    *,
    line_id: int | None = None,
    detail: dict[str, str] | None = None,
) -> tuple[tuple[Intervention, ...], Intervention | None]:
    """Open one, unless the same kind for the same line is already open (returns None then)."""
    if any(i.kind == kind and i.line_id == line_id for i in existing):
        return existing, None
    new = Intervention(
        id=next_id,
        kind=kind,
        opened_at=at,
        blocking=kind not in NON_BLOCKING,
        line_id=line_id,
        detail=detail or {},
    )
    return existing + (new,), new


def make_blocking(
    existing: tuple[Intervention, ...], kind: InterventionKind
) -> tuple[Intervention, ...]:
    return tuple(replace(i, blocking=True) if i.kind == kind else i for i in existing)
