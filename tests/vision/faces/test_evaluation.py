"""Pairs files, the all-pairs helper and `kiosk faces eval` on the shared photos."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kiosk.cli.main import cli
from vision.faces import EnrolmentConfig, MatchConfig
from vision.faces.evaluation.metrics import count_errors, encode_images, evaluate, files_of
from vision.faces.evaluation.pairs import (
    Pair,
    PairsFileError,
    all_pairs,
    format_pairs,
    identity_from_name,
    image_files,
    read_pairs,
)


@pytest.mark.parametrize(
    ("name", "identity"),
    [
        ("obama_1.jpg", "obama"),
        ("obama_4_480p.jpg", "obama"),
        ("lin_manuel_miranda_1.png", "lin_manuel_miranda"),
        ("person_2020_3.png", "person_2020"),
        ("obama_partial_face.jpg", None),
        ("group_biden_obama.jpg", None),
        ("7.jpg", None),
    ],
)
def test_identity_is_the_name_before_the_last_number(name, identity):
    assert identity_from_name(name) == identity


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "header"),
        ("a,b,c\nx,y,yes\n", "header must be file_x,file_y,same"),
        ("file_x,file_y,same\nx,y,maybe\n", ":2: `same` must be yes or no"),
        ("file_x,file_y,same\nx,y\n", ":2: expected 3 columns"),
        ("file_x,file_y,same\n,y,no\n", ":2: empty file name"),
        ("file_x,file_y,same\n", "no pairs"),
    ],
)
def test_bad_pairs_files_are_named(text, problem):
    with pytest.raises(PairsFileError, match=problem):
        read_pairs(text, "pairs.csv")


def test_pairs_round_trip():
    pairs = [Pair("a_1.jpg", "a_2.jpg", True), Pair("a_1.jpg", "b_1.jpg", False)]
    assert read_pairs(format_pairs(pairs)) == pairs


def test_all_pairs_of_the_shared_folder(faces_dir):
    pairs, left_out = all_pairs(image_files(faces_dir), {"obama_partial_face.jpg": "obama"})
    assert len(pairs) == 45
    assert sum(p.same for p in pairs) == 12
    assert [item.file for item in left_out] == ["group_biden_obama.jpg"]
    with pytest.raises(PairsFileError, match="not in the folder"):
        all_pairs(image_files(faces_dir), {"nobody.jpg": "x"})


@pytest.fixture(scope="module")
def shared_report(faces_dir):
    pairs, _ = all_pairs(image_files(faces_dir), {"obama_partial_face.jpg": "obama"})
    encodings, unusable = encode_images(files_of(pairs), faces_dir, EnrolmentConfig())
    return evaluate(pairs, encodings, unusable, MatchConfig().threshold)


def test_configured_threshold_meets_the_target_on_the_shared_pairs(shared_report):
    at = shared_report.at_threshold
    assert shared_report.pairs == 45
    assert at.false_accepts == 0
    assert at.fnmr is not None
    assert at.fnmr <= 0.05
    assert shared_report.unusable_images == ()


def test_the_sweep_shows_the_trade_off(shared_report):
    by_threshold = {round(p.threshold, 3): p for p in shared_report.sweep}
    assert by_threshold[0.3].false_rejects > by_threshold[0.5].false_rejects
    assert by_threshold[0.7].false_accepts > 0  # a loose threshold does let strangers in
    rejects = [p.false_rejects for p in shared_report.sweep]
    assert rejects == sorted(rejects, reverse=True)


def test_a_group_photo_in_a_pairs_file_is_reported_and_counted_as_a_reject(faces_dir):
    pairs = [
        Pair("group_biden_obama.jpg", "biden_1.jpg", True),
        Pair("group_biden_obama.jpg", "alex_lacamoire_1.png", False),
        Pair("missing_1.jpg", "biden_1.jpg", False),
        Pair("biden_1.jpg", "biden_2.jpg", True),
    ]
    encodings, unusable = encode_images(files_of(pairs), faces_dir, EnrolmentConfig())
    report = evaluate(pairs, encodings, unusable, 0.55)
    reasons = {item.file: item.reason for item in report.unusable_images}
    assert reasons == {"group_biden_obama.jpg": "several_faces", "missing_1.jpg": "unreadable"}
    assert report.at_threshold.false_rejects == 1
    assert report.at_threshold.false_accepts == 0
    assert report.pairs_with_unusable_image == 3
    assert report.same_pairs_with_unusable_image == 1


def test_count_errors_at_the_boundary():
    pairs = [Pair("a", "b", True), Pair("a", "c", False)]
    at = count_errors(pairs, [0.5, 0.5], 0.5)
    assert (at.false_accepts, at.false_rejects, at.fmr, at.fnmr) == (1, 0, 1.0, 0.0)


def _cli_pairs(tmp_path, faces_dir):
    text = format_pairs(
        [
            Pair("obama_1.jpg", "obama_2.jpg", True),
            Pair("obama_1.jpg", "biden_1.jpg", False),
            Pair("group_biden_obama.jpg", "obama_2.jpg", True),
        ]
    )
    path = tmp_path / "pairs.csv"
    path.write_text(text)
    return path


def test_cli_eval_json(tmp_path, faces_dir):
    path = _cli_pairs(tmp_path, faces_dir)
    args = ["faces", "eval", "--pairs", str(path), "--images", str(faces_dir), "--json"]
    result = CliRunner().invoke(cli, [*args, "--jitters", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["pairs"] == 3
    assert report["false_accepts"] == 0
    assert report["false_rejects"] == 1  # the group photo's same-person pair
    assert report["threshold"] == MatchConfig().threshold
    assert report["fnmr"] == pytest.approx(0.5)
    assert report["unusable_images"][0]["reason"] == "several_faces"
    assert {"threshold", "false_accepts", "false_rejects", "fmr", "fnmr"} <= set(report["sweep"][0])


def test_cli_eval_table(tmp_path, faces_dir):
    path = _cli_pairs(tmp_path, faces_dir)
    args = ["faces", "eval", "--pairs", str(path), "--images", str(faces_dir)]
    result = CliRunner().invoke(cli, [*args, "--jitters", "1", "--threshold", "0.5"])
    assert result.exit_code == 0, result.output
    assert "false_accepts  0" in result.stdout
    assert "group_biden_obama.jpg: several_faces" in result.stdout
    assert "0.500" in result.stdout


def test_cli_eval_names_a_bad_pairs_file(tmp_path, faces_dir):
    path = tmp_path / "pairs.csv"
    path.write_text("x,y,z\n")
    result = CliRunner().invoke(
        cli, ["faces", "eval", "--pairs", str(path), "--images", str(faces_dir)]
    )
    assert result.exit_code != 0
    assert "header must be file_x,file_y,same" in result.output


def test_cli_pairs_writes_the_all_pairs_file(tmp_path, faces_dir):
    out = tmp_path / "all.csv"
    args = ["faces", "pairs", str(faces_dir), "-o", str(out)]
    result = CliRunner().invoke(cli, [*args, "--label", "obama_partial_face.jpg=obama"])
    assert result.exit_code == 0, result.output
    pairs = read_pairs(out.read_text())
    assert len(pairs) == 45
    assert "left out group_biden_obama.jpg" in result.stderr
    bad = CliRunner().invoke(cli, ["faces", "pairs", str(faces_dir), "--label", "nonsense"])
    assert bad.exit_code != 0
    assert "FILE=NAME" in bad.output
