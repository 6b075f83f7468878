"""The CI policy: a skip fails under CI unless the shared photos are what is missing."""

from __future__ import annotations

import pytest

from tests.ci_policy import SHARED_DATA_SKIP

# the plugin is already imported by this session, so it cannot be assertion-rewritten again
PLUGIN = ("-p", "tests.ci_policy", "-W", "ignore::pytest.PytestAssertRewriteWarning")
TESTS = f'''
import pytest

def test_system_package_missing():
    pytest.skip("chromium not installed")

def test_photos_missing():
    pytest.skip("{SHARED_DATA_SKIP} /nowhere not found")

@pytest.mark.skipif(True, reason="espeak-ng not installed")
def test_marked():
    pass

def test_runs():
    assert True
'''


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str | None) -> object:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    pytester.makepyfile(test_sample=TESTS)
    return pytester.runpytest_inprocess(*PLUGIN)


def test_under_ci_a_skip_for_anything_but_shared_data_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(pytester, monkeypatch, "true")
    # a skipif mark acts at set-up, so it comes out as an error
    result.assert_outcomes(passed=1, skipped=1, failed=1, errors=1)  # type: ignore[attr-defined]
    result.stdout.fnmatch_lines(["*skipped under CI*chromium not installed*"])  # type: ignore[attr-defined]


def test_outside_ci_skips_stay_skips(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(pytester, monkeypatch, None)
    result.assert_outcomes(passed=1, skipped=3)  # type: ignore[attr-defined]


def test_a_module_skipped_whole_fails_under_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    pytester.makepyfile(
        test_module="import pytest\npytest.skip('no chromium', allow_module_level=True)\n"
    )
    result = pytester.runpytest_inprocess(*PLUGIN)
    result.stdout.fnmatch_lines(["*skipped under CI*no chromium*"])
    assert result.ret != 0
