"""What a job's model calls cost, as an estimate: a price table per model, in US dollars
per million tokens, input and output (thinking tokens are billed as output).

The defaults are Google's list prices for the Gemini API's paid tier (standard calls,
prompts up to 200k tokens: what a chunk's calls are), as published on
ai.google.dev/gemini-api/docs/pricing in 2026-10; where a model had a launch discount,
the list price after it. Prices change: `FNT_MODEL_PRICES` (JSON) replaces or adds
entries, `{"gemini-3.5-flash-lite": {"input": 0.30, "output": 2.50}, ...}`. A model is
priced by the longest entry its name starts with ("gemini-3.5-flash-lite-001" as
"gemini-3.5-flash-lite"); a model no entry names costs 0, as the offline engine does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """US dollars per million tokens."""

    input: float
    output: float  # thinking included


DEFAULT_PRICES: Mapping[str, ModelPrice] = {
    "gemini-2.5-flash-lite": ModelPrice(0.10, 0.40),
    "gemini-2.5-flash": ModelPrice(0.30, 2.50),
    "gemini-2.5-pro": ModelPrice(1.25, 10.00),
    "gemini-3-flash": ModelPrice(0.50, 3.00),
    "gemini-3-pro": ModelPrice(2.00, 12.00),
    "gemini-3.1-flash-lite": ModelPrice(0.25, 1.50),
    "gemini-3.1-pro": ModelPrice(2.00, 12.00),
    "gemini-3.5-flash-lite": ModelPrice(0.30, 2.50),
    "gemini-3.5-flash": ModelPrice(1.50, 9.00),
    "gemini-3.7-flash": ModelPrice(1.50, 7.50),
    "gemini-3.8-flash": ModelPrice(1.50, 7.50),
}


@dataclass(frozen=True, slots=True)
class PriceTable:
    """Prices by model name prefix; the longest prefix a name starts with prices it."""

    entries: tuple[tuple[str, ModelPrice], ...]

    @classmethod
    def of(cls, prices: Mapping[str, ModelPrice]) -> PriceTable:
        ordered = sorted(prices.items(), key=lambda item: (-len(item[0]), item[0]))
        return cls(tuple(ordered))

    def price_of(self, model: str | None) -> ModelPrice | None:
        if not model:
            return None
        name = model.removeprefix("models/")
        for prefix, price in self.entries:
            if name.startswith(prefix):
                return price
        return None

    def cost_micro_usd(
        self, model: str | None, prompt_tokens: int, output_tokens: int, thinking_tokens: int
    ) -> int:
        """The estimated cost in millionths of a US dollar (0 for an unpriced model).

        A price per million tokens times tokens is exactly micro-dollars."""
        price = self.price_of(model)
        if price is None:
            return 0
        spent = prompt_tokens * price.input + (output_tokens + thinking_tokens) * price.output
        return round(spent)


class _PriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0, allow_inf_nan=False)
    output: float = Field(ge=0, allow_inf_nan=False)


_Overrides = TypeAdapter(dict[str, _PriceIn])


def price_table(overrides: str | None = None) -> PriceTable:
    """The default prices with those of `overrides` (JSON, as FNT_MODEL_PRICES) replaced or
    added; blank keeps the defaults. Raises ValueError naming what is wrong."""
    prices = dict(DEFAULT_PRICES)
    if overrides is None or not overrides.strip():
        return PriceTable.of(prices)
    try:
        parsed = _Overrides.validate_json(overrides)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'top level'}: {item['msg']}"
            for item in error.errors(include_url=False)
        )
        raise ValueError(f"invalid model prices: {problems}") from error
    for model, price in parsed.items():
        if not model.strip() or model != model.strip():
            raise ValueError(f"invalid model prices: {model!r} is not a model name")
        prices[model.removeprefix("models/")] = ModelPrice(price.input, price.output)
    return PriceTable.of(prices)


DEFAULT_PRICE_TABLE = price_table()
