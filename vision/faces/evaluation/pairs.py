"""Pairs files (`file_x,file_y,same`) and the all-pairs file of a folder named by identity."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

HEADER = ("file_x", "file_y", "same")
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


class PairsFileError(ValueError):
    """The pairs file is not `file_x,file_y,same` with yes/no answers."""


@dataclass(frozen=True, slots=True)
class Pair:
    file_x: str
    file_y: str
    same: bool


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An image the all-pairs helper could not label, and why."""

    file: str
    reason: str


def read_pairs(text: str, source: str = "pairs file") -> list[Pair]:
    """Parse a pairs file; errors name the source and the line."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(cell.strip() for cell in rows[0]) != HEADER:
        found = ",".join(rows[0]) if rows else "nothing"
        raise PairsFileError(f"{source}: the header must be {','.join(HEADER)}, found {found!r}")
    pairs = []
    for line, row in enumerate(rows[1:], start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != 3:
            raise PairsFileError(f"{source}:{line}: expected 3 columns, found {len(row)}")
        file_x, file_y, same = (cell.strip() for cell in row)
        if same.lower() not in ("yes", "no"):
            raise PairsFileError(f"{source}:{line}: `same` must be yes or no, found {same!r}")
        if not file_x or not file_y:
            raise PairsFileError(f"{source}:{line}: empty file name")
        pairs.append(Pair(file_x, file_y, same.lower() == "yes"))
    if not pairs:
        raise PairsFileError(f"{source}: no pairs")
    return pairs


def format_pairs(pairs: Iterable[Pair]) -> str:
    """The pairs as CSV text with the standard header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for pair in pairs:
        writer.writerow((pair.file_x, pair.file_y, "yes" if pair.same else "no"))
    return out.getvalue()


def identity_from_name(file_name: str) -> str | None:
    """The identity a `name_N.ext` file name encodes: everything before the last `_N` token
    (N all digits; a tag after it, as in `obama_4_480p.jpg`, is allowed). None without one."""
    tokens = Path(file_name).stem.split("_")
    for i in range(len(tokens) - 1, 0, -1):
        if tokens[i].isdigit():
            return "_".join(tokens[:i])
    return None


def image_files(folder: Path) -> list[str]:
    """Image file names in `folder` (not recursive), sorted."""
    return sorted(
        p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
    )


def all_pairs(
    files: Iterable[str], labels: Mapping[str, str] | None = None
) -> tuple[list[Pair], list[LeftOut]]:
    """Every unordered pair of labelled files; `labels` (file -> identity) overrides names.

    Files whose identity cannot be read are left out and returned with the reason, never
    guessed: a wrong label would turn a correct reject into a false one, or worse.
    """
    labels = labels or {}
    identities: dict[str, str] = {}
    left_out = []
    for name in files:
        identity = labels.get(name) or identity_from_name(name)
        if identity is None:
            left_out.append(
                LeftOut(name, "no identity in the name (expected name_N.ext); label it")
            )
        else:
            identities[name] = identity
    unknown = sorted(set(labels) - set(identities))
    if unknown:
        raise PairsFileError(f"labels given for files not in the folder: {', '.join(unknown)}")
    pairs = [
        Pair(x, y, identities[x] == identities[y])
        for x, y in itertools.combinations(sorted(identities), 2)
    ]
    return pairs, left_out
