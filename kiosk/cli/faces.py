"""`kiosk faces`: measure face verification on labelled pairs, and build pairs files."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from vision.faces.evaluation.metrics import ErrorCounts, EvalReport


@click.group("faces")
def faces() -> None:
    """Face payment: accuracy on labelled pairs and the pairs files it reads."""


@faces.command("eval")
@click.option(
    "--pairs",
    "pairs_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV with header file_x,file_y,same (same is yes or no).",
)
@click.option(
    "--images",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder the file names in the pairs file are relative to.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 2.0),
    default=None,
    help="Distance at or under which a pair counts as the same person [default: configured].",
)
@click.option(
    "--jitters",
    type=click.IntRange(1, 100),
    default=None,
    help="Encoder jitters per image [default: the enrolment setting].",
)
def eval_command(
    pairs_file: Path, images: Path, as_json: bool, threshold: float | None, jitters: int | None
) -> None:
    """Count false accepts and false rejects on labelled pairs, at a threshold and across a sweep.

    Every image is encoded once under the enrolment rules (one face, large and sharp enough);
    an image refused by them is listed, and every pair with it counts as a reject, which is
    a false reject when the pair is the same person.
    """
    from vision.faces.encoding import EncoderConfig, EnrolmentConfig
    from vision.faces.evaluation.metrics import DEFAULT_SWEEP, encode_images, evaluate, files_of
    from vision.faces.evaluation.pairs import PairsFileError, read_pairs
    from vision.faces.matching import MatchConfig
    from vision.faces.models import FaceModelsUnavailableError

    threshold = MatchConfig().threshold if threshold is None else threshold
    jitters = EnrolmentConfig().encoder.num_jitters if jitters is None else jitters
    try:
        pairs = read_pairs(pairs_file.read_text(encoding="utf-8"), str(pairs_file))
    except (PairsFileError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from exc
    config = EnrolmentConfig(encoder=EncoderConfig(num_jitters=jitters))
    files = files_of(pairs)
    from tqdm import tqdm

    with tqdm(total=len(files), desc="encoding", unit="image", file=sys.stderr) as bar:
        try:
            encodings, unusable = encode_images(files, images, config, lambda _: bar.update())
        except FaceModelsUnavailableError as exc:
            raise click.ClickException(str(exc)) from exc
    report = evaluate(pairs, encodings, unusable, threshold, DEFAULT_SWEEP)
    click.echo(json.dumps(report_json(report)) if as_json else report_text(report))


@faces.command("pairs")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write here instead of standard output.",
)
@click.option(
    "--label",
    "labels",
    multiple=True,
    metavar="FILE=NAME",
    help="Identity of a file whose name has no `_N` (repeatable), e.g. partial_face.jpg=obama.",
)
def pairs_command(folder: Path, output: Path | None, labels: tuple[str, ...]) -> None:
    """Write every same-person and different-person pair of the images in FOLDER.

    The identity is the file name before its last `_N` (`obama_2.jpg` and `obama_4_480p.jpg`
    are both `obama`). Files without one are left out and listed on standard error.
    """
    from vision.faces.evaluation.pairs import PairsFileError, all_pairs, format_pairs, image_files

    try:
        pairs, left_out = all_pairs(image_files(folder), _parse_labels(labels))
    except PairsFileError as exc:
        raise click.ClickException(str(exc)) from exc
    for item in left_out:
        click.echo(f"left out {item.file}: {item.reason}", err=True)
    same = sum(p.same for p in pairs)
    click.echo(f"{len(pairs)} pairs: {same} same person, {len(pairs) - same} different", err=True)
    text = format_pairs(pairs)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _parse_labels(labels: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for label in labels:
        file, sep, name = label.partition("=")
        if not sep or not file.strip() or not name.strip():
            raise click.BadParameter(f"expected FILE=NAME, got {label!r}", param_hint="--label")
        parsed[file.strip()] = name.strip()
    return parsed


def report_json(report: EvalReport) -> dict[str, object]:
    """The report with the threshold's counts at the top level, as the issue names them."""
    at = report.at_threshold
    return {
        "pairs": report.pairs,
        "same_pairs": report.same_pairs,
        "different_pairs": report.different_pairs,
        "false_accepts": at.false_accepts,
        "false_rejects": at.false_rejects,
        "fmr": at.fmr,
        "fnmr": at.fnmr,
        "threshold": at.threshold,
        "largest_same_distance": report.largest_same_distance,
        "smallest_different_distance": report.smallest_different_distance,
        "unusable_images": [asdict(item) for item in report.unusable_images],
        "pairs_with_unusable_image": report.pairs_with_unusable_image,
        "same_pairs_with_unusable_image": report.same_pairs_with_unusable_image,
        "sweep": [asdict(point) for point in report.sweep],
    }


def report_text(report: EvalReport) -> str:
    """A short table for people."""
    at = report.at_threshold
    lines = [
        f"pairs          {report.pairs} ({report.same_pairs} same, {report.different_pairs} "
        "different)",
        f"false_accepts  {at.false_accepts}",
        f"false_rejects  {at.false_rejects}",
        f"fmr            {_rate(at.fmr)}",
        f"fnmr           {_rate(at.fnmr)}",
        f"threshold      {at.threshold:g}",
        f"largest same-person distance       {_distance(report.largest_same_distance)}",
        f"smallest different-person distance {_distance(report.smallest_different_distance)}",
    ]
    if report.unusable_images:
        lines.append(
            f"unusable images ({report.pairs_with_unusable_image} pairs counted as rejects, "
            f"{report.same_pairs_with_unusable_image} of them same-person):"
        )
        lines += [f"  {u.file}: {u.reason} ({u.message})" for u in report.unusable_images]
    lines.append("sweep:")
    lines.append("  threshold  false_accepts  false_rejects  fmr     fnmr")
    lines += [_sweep_line(point, point.threshold == at.threshold) for point in report.sweep]
    return "\n".join(lines)


def _sweep_line(point: ErrorCounts, current: bool) -> str:
    mark = " <" if current else ""
    return (
        f"  {point.threshold:<9.3f}  {point.false_accepts:<13}  {point.false_rejects:<13}  "
        f"{_rate(point.fmr):<6}  {_rate(point.fnmr)}{mark}"
    )


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _distance(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
