"""How the Gemini engine rewrites: a small module, so that settings can name it without
loading the engine."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RewriteOptions:
    limit: int
    keep_dialogue: bool = False  # dialogue lines only cut by the offline engine, verbatim
    rewrite_all: bool = False  # also sentences the offline engine splits cleanly
    batch_max_items: int = 40
    batch_max_tokens: int = 3000  # estimated input tokens of a batch's sentences
    max_output_tokens: int = 8192
    thinking_budget: int = 0
    temperature: float = 0.2
    parallel_calls: int = 8
