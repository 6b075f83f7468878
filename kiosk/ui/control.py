"""Contracts between the app and the fleet agent and shelves, and the worker life cycle."""

from __future__ import annotations

from typing import Protocol


class KioskControl(Protocol):
    """What the fleet agent may ask of the app; every method is safe from any thread."""

    def lock(self, reason: str) -> None:
        """Out of service (now if idle, else as soon as the current shopper is done)."""
        ...

    def unlock(self) -> None: ...

    def restart(self) -> None:
        """Finish cleanly and start the app again (`kiosk run` re-executes itself)."""
        ...

    def screen(self) -> str:
        """The screen shown now (attract, shopping, out_of_service...)."""
        ...


class FleetLink(Protocol):
    """The fleet agent as the app sees it: started with the app's control, stopped at exit."""

    def start(self, control: KioskControl) -> None: ...

    def stop(self) -> None: ...

    def staff_unlocked(self, staff_id: str) -> None:
        """Staff reopened the kiosk at its screen: a lock the fleet set is lifted too."""
        ...


class ShelfControl(Protocol):
    """Smart shelves must not bill a shopper for what staff put on them while restocking."""

    def restock_started(self, staff_id: str) -> None: ...

    def restock_finished(self, staff_id: str) -> None: ...


class Worker(Protocol):
    """A background device or camera worker the app starts after the runtime and stops first."""

    def start(self) -> None: ...

    def stop(self) -> None: ...
