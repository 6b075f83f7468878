"""The `kiosk` commands as a user runs them: messages, exit codes, nothing lost on bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kiosk.cli.main import cli

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "config" / "kiosk.toml"
SCENARIOS = sorted((ROOT / "config" / "scenarios").glob("*.toml"))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target)
    return target / "kiosk.toml"


def test_shipped_config_is_valid() -> None:
    result = run("config", "check", str(CONFIG))
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("[kiosk]\n", "[kiosk]\ncolour = 'red'\n"), "kiosk.colour: unknown key"),
        (('id = "demo-01"', 'id = "Demo 01!"'), "kiosk.id: String should match pattern"),
        (
            ("grace_s = 10", "grace_s = 9000"),
            "checkout.bagging.grace_s: Input should be less than or equal to 300",
        ),
        (('code = "CNY"', 'code = "XYZ"'), "currency.code: 'XYZ' is not an ISO 4217 currency code"),
        (
            ('type = "file"', 'type = "fax"'),
            "receipts.printer: Input tag 'fax' found using 'type' does not match",
        ),
        (
            ("standard = 13", "standard = 130"),
            "checkout.tax.rates.standard: Input should be less than or equal to 100",
        ),
        (("[kiosk]", "[kiosk"), "not valid TOML"),
    ],
)
def test_bad_config_names_file_and_key(
    config_copy: Path, edit: tuple[str, str], message: str
) -> None:
    text = config_copy.read_text()
    assert edit[0] in text
    config_copy.write_text(text.replace(edit[0], edit[1], 1))
    result = run("config", "check", str(config_copy))
    assert result.exit_code == 2
    assert str(config_copy) in result.output
    assert message in result.output


def test_cross_file_problems(config_copy: Path) -> None:
    catalog = config_copy.parent / "catalog.csv"
    catalog.write_text(catalog.read_text().replace(",reduced,", ",luxury,", 1))
    promos = config_copy.parent / "promotions.toml"
    promos.write_text(
        promos.read_text().replace('gtin = "8480010001136"', 'gtin = "4000539017117"')
    )
    result = run("config", "check", str(config_copy))
    assert result.exit_code == 2
    assert "'luxury' has no rate" in result.output
    assert "promotion member-milk: product 04000539017117 is not in the catalog" in result.output


def test_missing_config() -> None:
    result = run("config", "check", "/nonexistent/kiosk.toml")
    assert result.exit_code == 2
    assert "/nonexistent/kiosk.toml: file not found" in result.output


def test_catalog_import_is_all_or_nothing(tmp_path: Path, data_dir: Path) -> None:
    db = f"sqlite:///{tmp_path / 'k.db'}"
    good = run("catalog", "import", str(ROOT / "config" / "catalog.csv"), "--db", db)
    assert good.exit_code == 0, good.output
    assert "81 added" in good.output
    before = run("catalog", "list", "--db", db).output
    bad = tmp_path / "bad.csv"
    lines = (ROOT / "config" / "catalog.csv").read_text().splitlines()
    lines[1] = lines[1].replace("12.90", "99.99")  # a valid change that must NOT be applied...
    row = next(i for i, line in enumerate(lines) if line.startswith("4045787034318"))
    lines[row] = lines[row].replace("4045787034318", "4045787034319")  # ...as this row is bad
    bad.write_text("\n".join(lines) + "\n")
    result = run("catalog", "import", str(bad), "--db", db)
    assert result.exit_code == 2
    assert f"row {row + 1}, column gtin" in result.output
    assert "nothing imported" in result.output
    assert run("catalog", "list", "--db", db).output == before
    assert "99.99" not in before


def test_catalog_import_rejects_binary(tmp_path: Path, data_dir: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\xff\xfe\x00garbage\x80\x81")
    result = run("catalog", "import", str(junk), "--db", f"sqlite:///{tmp_path / 'k.db'}")
    assert result.exit_code == 2
    assert "not UTF-8" in result.output


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_example_scenarios_pass(scenario: Path, tmp_path: Path, data_dir: Path) -> None:
    db = f"sqlite:///{tmp_path / 'k.db'}"
    result = run("simulate", str(scenario), "--db", db, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["failures"] == []
    assert summary["sales"] == 1
    check = run("db", "check", "--db", db)
    assert check.exit_code == 0, check.output


def test_simulate_repeat_prints_receipts(tmp_path: Path, data_dir: Path) -> None:
    result = run(
        "simulate",
        str(ROOT / "config/scenarios/normal.toml"),
        "--repeat",
        "3",
        "--db",
        f"sqlite:///{tmp_path / 'k.db'}",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("TOTAL CNY") == 3
    assert "3 run(s), 3 sale(s), 230.70 CNY" in result.output


def test_failed_expectation_exits_1(tmp_path: Path, data_dir: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'name = "x"\n[[step]]\nscan = "5449000039231"\n[[step]]\nexpect = { total = "9.99" }\n'
    )
    result = run("simulate", str(scenario), "--db", f"sqlite:///{tmp_path / 'k.db'}")
    assert result.exit_code == 1
    assert "step 2 (expect): total is 3.50, expected 9.99" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('name = "x"\n[[step]]\nscan = "1"\npay = "card"\n', "a step needs exactly one of"),
        ('name = "x"\n[[step]]\npay = "bitcoin"\n', "step.0.pay: Input should be"),
        ('name = "x"\n', "step: required key missing"),
        ('name = "x"\n[[step]]\nweigh = "4011"\n', "weigh needs grams"),
        ("\x00\x01 not toml", "not valid TOML"),
    ],
)
def test_corrupt_scenario_gives_a_clear_message(tmp_path: Path, content: str, message: str) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(content)
    result = run("simulate", str(scenario), "--db", f"sqlite:///{tmp_path / 'k.db'}")
    assert result.exit_code == 2
    assert message in result.output
    assert str(scenario) in result.output


def test_staff_sales_and_refund(tmp_path: Path, data_dir: Path) -> None:
    db = f"sqlite:///{tmp_path / 'k.db'}"
    assert run("simulate", str(ROOT / "config/scenarios/normal.toml"), "--db", db).exit_code == 0
    assert run("staff", "add", "s9", "--name", "Zhao", "--pin", "13579", "--db", db).exit_code == 0
    listing = run("sales", "list", "--db", db)
    sale_id = listing.output.split()[0]
    shown = run("sales", "show", sale_id, "--language", "zh_CN", "--db", db)
    assert "合计 CNY" in shown.output
    partial = run(
        "sales",
        "refund",
        sale_id,
        "--amount",
        "10.00",
        "--reason",
        "damaged",
        "--staff",
        "s9",
        "--db",
        db,
    )
    assert partial.exit_code == 0, partial.output
    assert "partially_refunded" in partial.output
    too_much = run(
        "sales",
        "refund",
        sale_id,
        "--amount",
        "100.00",
        "--reason",
        "x",
        "--staff",
        "s9",
        "--db",
        db,
    )
    assert too_much.exit_code == 2
    assert "what is left (6690" in too_much.output
    rest = run("sales", "refund", sale_id, "--reason", "returned", "--staff", "s9", "--db", db)
    assert "refunded 66.90 (refunded)" in rest.output
    assert run("db", "check", "--db", db).exit_code == 0


def test_console_script_runs() -> None:
    kiosk = Path(sys.executable).with_name("kiosk")
    out = subprocess.run(
        [str(kiosk), "config", "check", str(CONFIG)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
