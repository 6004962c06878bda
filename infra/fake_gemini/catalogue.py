"""The models the fake serves, per API version, and how each family thinks.

As Google documents them (models, thinking and Gemini 3 pages, 2026-11): Gemini 2.5
models take a thinking budget in tokens (Flash and Flash-Lite can turn it off with 0,
Pro cannot) and refuse a thinking level; Gemini 3 and later take a thinking level,
accept a legacy budget without honouring it as "off", and refuse both together; a
model's thought tokens count against maxOutputTokens. Retired models (gemini-2.5-flash
and gemini-2.5-pro, shut down 2026-12-01) answer 404 like any unknown name.

How many thought tokens a request spends is the fake's own rule, stated here: a budget
is spent up to THOUGHTS_DYNAMIC, a level spends THOUGHTS_BY_LEVEL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

API_VERSIONS = ("v1", "v1beta")
THOUGHTS_DYNAMIC = 1500  # a dynamic (-1 or absent) or large budget
THOUGHTS_BY_LEVEL = {"MINIMAL": 40, "LOW": 400, "MEDIUM": 2000, "HIGH": 6000}


@dataclass(frozen=True, slots=True)
class FakeModel:
    name: str
    display_name: str
    levels: tuple[str, ...] = ()  # thinking levels accepted; () means budgets
    default_level: str | None = None
    budget_range: tuple[int, int] = (0, 0)  # a nonzero budget's bounds
    budget_can_be_off: bool = True
    input_tokens: int = 1_048_576
    output_tokens: int = 65_536

    def resource(self) -> dict[str, Any]:
        """The Model resource (GET /{version}/models/{name})."""
        return {
            "name": f"models/{self.name}",
            "version": "001",
            "displayName": self.display_name,
            "inputTokenLimit": self.input_tokens,
            "outputTokenLimit": self.output_tokens,
            "supportedGenerationMethods": [
                "generateContent",
                "countTokens",
                "batchGenerateContent",
            ],
            "temperature": 1.0,
            "maxTemperature": 2.0,
            "topP": 0.95,
            "topK": 64,
            "thinking": True,
        }

    def thinking_error(self, config: dict[str, Any]) -> str | None:
        """Why Google would refuse this thinkingConfig, or None."""
        budget, level = config.get("thinkingBudget"), config.get("thinkingLevel")
        if budget is not None and level is not None:
            return "Thinking budget and thinking level are not supported together."
        if not self.levels:
            if level is not None:
                return "Thinking level is not supported for this model."
            if budget is None or budget == -1 or (budget == 0 and self.budget_can_be_off):
                return None
            low, high = self.budget_range
            if budget == 0:
                return "Budget 0 is invalid. This model only works in thinking mode."
            if not low <= budget <= high:
                return f"The thinking budget {budget} is invalid. Choose one from {low} to {high}."
            return None
        if level is not None and str(level).upper() not in self.levels:
            return f"Thinking level {level} is not supported for this model."
        return None

    def thought_tokens(self, config: dict[str, Any]) -> int:
        """What this request spends thinking (its config already accepted)."""
        budget, level = config.get("thinkingBudget"), config.get("thinkingLevel")
        if self.levels:
            # A legacy budget does not switch a level model's thinking off.
            return THOUGHTS_BY_LEVEL[str(level or self.default_level).upper()]
        if budget is None or budget == -1:
            return THOUGHTS_DYNAMIC
        return min(int(budget), THOUGHTS_DYNAMIC)


_FLASH_LEVELS = ("MINIMAL", "LOW", "MEDIUM", "HIGH")
_MODELS = (
    FakeModel("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", budget_range=(512, 24_576)),
    FakeModel("gemini-3.1-flash-lite", "Gemini 3.1 Flash-Lite", _FLASH_LEVELS, "MINIMAL"),
    FakeModel("gemini-3.5-flash-lite", "Gemini 3.5 Flash-Lite", _FLASH_LEVELS, "MINIMAL"),
    FakeModel("gemini-3.5-flash", "Gemini 3.5 Flash", _FLASH_LEVELS, "MEDIUM"),
    FakeModel("gemini-3.6-flash", "Gemini 3.6 Flash", _FLASH_LEVELS, "MEDIUM"),
    FakeModel("gemini-3.7-flash", "Gemini 3.7 Flash", ("LOW", "MEDIUM", "HIGH"), "MEDIUM"),
    FakeModel("gemini-3.8-flash", "Gemini 3.8 Flash", ("LOW", "MEDIUM", "HIGH"), "MEDIUM"),
    FakeModel("gemini-3.1-pro-preview", "Gemini 3.1 Pro", ("LOW", "MEDIUM", "HIGH"), "HIGH"),
)
# Google: "All models are supported in both v1 and v1beta."
CATALOGUE: dict[str, dict[str, FakeModel]] = {
    version: {model.name: model for model in _MODELS} for version in API_VERSIONS
}


def find_model(api_version: str, name: str) -> FakeModel | None:
    return CATALOGUE.get(api_version, {}).get(name.removeprefix("models/"))


def not_found_message(api_version: str, name: str) -> str:
    return (
        f"models/{name} is not found for API version {api_version}, or is not supported for"
        " generateContent. Call ListModels to see the list of available models and their"
        " supported methods."
    )
