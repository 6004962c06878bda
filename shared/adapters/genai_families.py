"""What each Gemini model family accepts, in one table, and the request settings that follow.

The engine states its intent in a ModelRequest (a thinking budget, 0 meaning "as little as
the model allows"; a temperature; the room its answer needs). Families differ in how they
take that: Gemini 2.5 takes a thinking budget in tokens (Pro cannot turn thinking off),
Gemini 3 and later take a thinking level and refuse a budget sent with it; Gemini 3 models
ignore or discourage a custom temperature. Thought tokens count against
`max_output_tokens`, so the room thinking may take is added to the answer's room.
Sources: Google's thinking, Gemini 3 and model pages (ai.google.dev, 2026-11).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.errors import ModelNotFound, ModelRequestRejected
from shared.gemini.ports import ModelRequest

# v1beta documents every field and route used here (system instructions, JSON-schema
# output, thinking levels, the Files API, model metadata); `make smoke-gemini` checks
# another version against the real API before FNT_GEMINI_API_VERSION names it.
DEFAULT_API_VERSION = "v1beta"
API_VERSIONS = ("v1", "v1beta")

MINIMAL, LOW, MEDIUM, HIGH = "MINIMAL", "LOW", "MEDIUM", "HIGH"
# How many thought tokens a level may spend, by our measure: kept free in the output
# budget, and used to turn a requested budget into the smallest level that covers it.
LEVEL_RESERVE = {MINIMAL: 1024, LOW: 2048, MEDIUM: 8192, HIGH: 24_576}
CHARS_PER_TOKEN = 4


@dataclass(frozen=True, slots=True)
class Family:
    prefix: str  # model names starting with this (after "models/")
    levels: tuple[str, ...] = ()  # thinking levels it accepts, lowest first; () = budgets
    budget_range: tuple[int, int] = (0, 0)  # a nonzero thinking budget's bounds
    budget_can_be_off: bool = True  # whether a budget of 0 turns thinking off
    takes_temperature: bool = True
    input_tokens: int = 1_048_576
    output_tokens: int = 65_536

    @property
    def thinks_by_level(self) -> bool:
        return bool(self.levels)


_GEMINI_3_FLASH_LEVELS = (MINIMAL, LOW, MEDIUM, HIGH)

# Most specific first: the first prefix a name starts with is its family.
FAMILIES: tuple[Family, ...] = (
    Family("gemini-2.5-flash-lite", budget_range=(512, 24_576)),
    Family("gemini-2.5-flash", budget_range=(1, 24_576)),
    Family("gemini-2.5-pro", budget_range=(128, 32_768), budget_can_be_off=False),
    # 3.7 and 3.8 Flash refuse MINIMAL.
    Family("gemini-3.8-flash", levels=(LOW, MEDIUM, HIGH), takes_temperature=False),
    Family("gemini-3.7-flash", levels=(LOW, MEDIUM, HIGH), takes_temperature=False),
    Family("gemini-3.1-pro", levels=(LOW, MEDIUM, HIGH), takes_temperature=False),
    Family("gemini-3-pro", levels=(LOW, HIGH), takes_temperature=False),
    # 3 Flash, 3.1 and 3.5 Flash-Lite, 3.5 and 3.6 Flash.
    Family("gemini-3", levels=_GEMINI_3_FLASH_LEVELS, takes_temperature=False),
    # Anything newer: levels every Gemini 3 and later model accepts.
    Family("gemini-", levels=(LOW, MEDIUM, HIGH), takes_temperature=False),
)


def family_of(model_name: str) -> Family:
    name = model_name.removeprefix("models/")
    for family in FAMILIES:
        if name.startswith(family.prefix):
            return family
    raise ModelNotFound(f"{model_name!r} is not a Gemini model name: set FNT_GEMINI_MODEL.")


@dataclass(frozen=True, slots=True)
class GenerationSettings:
    """What goes into the request's generation config for this family."""

    thinking_budget: int | None
    thinking_level: str | None
    temperature: float | None
    max_output_tokens: int


def request_settings(family: Family, request: ModelRequest) -> GenerationSettings:
    """The family's way of honouring the request's intent; refuses a prompt over its input."""
    prompt_tokens = (len(request.system) + len(request.prompt)) // CHARS_PER_TOKEN
    if prompt_tokens > family.input_tokens:
        raise ModelRequestRejected(
            f"The prompt is about {prompt_tokens} tokens; the model takes {family.input_tokens}."
        )
    budget: int | None = None
    level: str | None = None
    if family.thinks_by_level:
        level = _level(family.levels, request.thinking_budget)
        reserve = LEVEL_RESERVE[level]
    else:
        budget = _budget(family, request.thinking_budget)
        reserve = budget
    return GenerationSettings(
        thinking_budget=budget,
        thinking_level=level,
        temperature=request.temperature if family.takes_temperature else None,
        max_output_tokens=min(family.output_tokens, request.max_output_tokens + reserve),
    )


def _level(levels: tuple[str, ...], budget: int) -> str:
    """The lowest level for 0, else the lowest whose reserve covers the budget."""
    if budget <= 0:
        return levels[0]
    return next((level for level in levels if LEVEL_RESERVE[level] >= budget), levels[-1])


def _budget(family: Family, budget: int) -> int:
    low, high = family.budget_range
    if budget <= 0 and family.budget_can_be_off:
        return 0
    return min(max(budget, low), high)
