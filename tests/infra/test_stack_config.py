"""Configuration checks and prerequisite messages, without starting anything."""

from pathlib import Path

import pytest

from infra.local_stack import FunctionSpec, PrerequisiteError, Service, StackConfig
from infra.local_stack.prerequisites import check

SOURCE = Path("functions/main.py")


def test_the_event_target_must_be_a_cloudevent_function_of_the_stack() -> None:
    http_only = (FunctionSpec("api", SOURCE, "api", "http"),)

    with pytest.raises(ValueError, match="must name a cloudevent function"):
        StackConfig(functions=http_only, storage_event_target="api")
    with pytest.raises(ValueError, match="must name a cloudevent function"):
        StackConfig(functions=http_only, storage_event_target="missing")


def test_the_event_bridge_needs_storage_and_pubsub() -> None:
    trigger = (FunctionSpec("on_upload", SOURCE, "on_upload", "cloudevent"),)
    storage_only = frozenset({Service.STORAGE})

    with pytest.raises(ValueError, match="also needs"):
        StackConfig(services=storage_only, functions=trigger, storage_event_target="on_upload")


def test_function_names_are_unique() -> None:
    twice = (FunctionSpec("api", SOURCE, "a", "http"), FunctionSpec("api", SOURCE, "b", "http"))

    with pytest.raises(ValueError, match="unique"):
        StackConfig(functions=twice)


def test_missing_tools_are_all_reported_with_how_to_install_them() -> None:
    with pytest.raises(PrerequisiteError) as missing:
        check({Service.FIRESTORE, Service.PUBSUB}, need_functions=False, search_path="/nowhere")

    message = str(missing.value)
    assert "gcloud not found on PATH: apt-get install google-cloud-cli" in message
    assert "java not found on PATH: apt-get install openjdk-17-jre-headless" in message


def test_the_auth_emulator_needs_node_and_npm() -> None:
    with pytest.raises(PrerequisiteError) as missing:
        check({Service.AUTH}, need_functions=False, search_path="/nowhere")

    assert "node and npm not found on PATH: install Node.js 20 or newer" in str(missing.value)


@pytest.mark.stack  # needs this machine's gcloud, java and the stack's packages
def test_the_tools_of_this_machine_are_found() -> None:
    tools = check(set(Service), need_functions=True)

    assert tools.gcloud is not None and tools.gcloud.name == "gcloud"
    assert tools.fake_gcs_server is not None and tools.fake_gcs_server.is_file()
    assert tools.node is not None and tools.npm is not None
