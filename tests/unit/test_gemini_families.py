"""The model family table: what each family is sent for the engine's intent."""

from __future__ import annotations

import pytest

from shared.adapters.genai_families import LEVEL_RESERVE, family_of, request_settings
from shared.domain.errors import ModelNotFound, ModelRequestRejected
from shared.gemini.ports import ModelRequest


def request(thinking_budget: int = 0, prompt: str = "Il pleut.") -> ModelRequest:
    return ModelRequest("system", prompt, max_output_tokens=1000, thinking_budget=thinking_budget)


@pytest.mark.parametrize(("budget", "sent"), [(0, 128), (50, 128), (4000, 4000), (100_000, 32_768)])
def test_a_model_that_cannot_stop_thinking_gets_its_smallest_budget_and_room_for_it(
    budget: int, sent: int
) -> None:
    settings = request_settings(family_of("gemini-2.5-pro"), request(budget))

    assert (settings.thinking_budget, settings.thinking_level) == (sent, None)
    assert settings.max_output_tokens == min(1000 + sent, 65_536)


def test_names_pick_the_most_specific_family() -> None:
    assert family_of("models/gemini-2.5-flash-lite").budget_range == (512, 24_576)
    assert family_of("gemini-2.5-flash").budget_range == (1, 24_576)
    assert family_of("gemini-3.8-flash").levels[0] == "LOW"
    assert family_of("gemini-3.5-flash-lite").levels[0] == "MINIMAL"
    assert family_of("gemini-4-hydrogen").levels[0] == "LOW"  # newer: what all of 3+ take


def test_the_highest_level_caps_a_large_budget() -> None:
    settings = request_settings(family_of("gemini-3-pro-preview"), request(10**6))

    assert settings.thinking_level == "HIGH"
    assert settings.max_output_tokens == 1000 + LEVEL_RESERVE["HIGH"]


def test_a_prompt_over_the_input_limit_is_refused_before_sending() -> None:
    family = family_of("gemini-3.5-flash-lite")

    with pytest.raises(ModelRequestRejected, match="tokens"):
        request_settings(family, request(prompt="mots " * family.input_tokens))


def test_a_name_of_no_gemini_family_is_not_found() -> None:
    with pytest.raises(ModelNotFound):
        family_of("gpt-imaginary")
