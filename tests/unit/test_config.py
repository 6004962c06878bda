"""Production settings refuse local shortcuts; local ones fill in the emulator defaults."""

from __future__ import annotations

import pytest

from shared.config import EMULATOR_VARIABLES, Profile, Settings, UnsafeConfiguration

PRODUCTION = {
    "FNT_PROFILE": "production",
    "GOOGLE_CLOUD_PROJECT": "novels-prod",
    "FNT_WORKER_URL": "https://run-task-abc.a.run.app",
    "FNT_SCANNER_URL": "https://malware-scanner-abc.a.run.app",
    "FNT_TASKS_SERVICE_ACCOUNT": "tasks@novels-prod.iam.gserviceaccount.com",
    "FNT_SIGNING_SERVICE_ACCOUNT": "api@novels-prod.iam.gserviceaccount.com",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [
        *EMULATOR_VARIABLES,
        *PRODUCTION,
        "FUNCTION_URL_RUN_TASK",
        "FUNCTION_URL_SCAN_UPLOAD",
    ]:
        monkeypatch.delenv(name, raising=False)


def test_a_complete_production_configuration_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)

    settings = Settings()

    assert settings.profile is Profile.PRODUCTION and settings.production
    assert (
        settings.queue_path("chunks") == "projects/novels-prod/locations/us-central1/queues/chunks"
    )
    assert settings.limits().max_upload_bytes == 50 * 1024 * 1024


@pytest.mark.parametrize("emulator", EMULATOR_VARIABLES)
def test_production_refuses_any_emulator(monkeypatch: pytest.MonkeyPatch, emulator: str) -> None:
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(emulator, "127.0.0.1:9999")

    with pytest.raises(UnsafeConfiguration, match=emulator):
        Settings()


@pytest.mark.parametrize("missing", ["FNT_WORKER_URL", "FNT_TASKS_SERVICE_ACCOUNT"])
def test_production_refuses_a_missing_identity(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    for name, value in PRODUCTION.items():
        if name != missing:
            monkeypatch.setenv(name, value)

    with pytest.raises(UnsafeConfiguration, match=missing):
        Settings()


def test_production_refuses_an_emulator_only_project(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "demo-fnt")

    with pytest.raises(UnsafeConfiguration):
        Settings()


def test_local_settings_take_the_worker_url_from_the_local_stack(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FUNCTION_URL_RUN_TASK", "http://127.0.0.1:5000")
    monkeypatch.setenv("FNT_PAGES_PER_CHUNK", "12")

    settings = Settings()

    assert (settings.profile, settings.project_id) == (Profile.LOCAL, "demo-fnt")
    assert settings.worker_url == "http://127.0.0.1:5000"
    assert settings.limits().pages_per_chunk == 12


def test_an_out_of_range_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FNT_MAX_UPLOAD_MB", "500")

    with pytest.raises(ValueError, match="max_upload_mb"):
        Settings()
