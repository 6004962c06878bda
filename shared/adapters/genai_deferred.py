"""The Gemini model, made at its first call.

google-genai takes most of a second to import. The API and the storage trigger only need
the model's name (recorded on each new job), so they never load it; the worker loads it
with its first chunk for the model.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from shared.adapters.genai_families import family_of
from shared.gemini.ports import ModelAnswer, ModelRequest

if TYPE_CHECKING:
    from shared.adapters.genai_model import ApiKeys, GenaiModel, ModelFacts


class DeferredGenaiModel:
    def __init__(self, keys: ApiKeys, model_name: str, **options: Any) -> None:
        family_of(model_name)  # a name of no Gemini family is refused now, not at a call
        self._keys = keys
        self._model_name = model_name
        self._options = options
        self._model: GenaiModel | None = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self._model_name

    def generate(self, request: ModelRequest) -> ModelAnswer:
        return self._made().generate(request)

    def describe(self, timeout_seconds: float = 10.0) -> ModelFacts:
        return self._made().describe(timeout_seconds)

    def _made(self) -> GenaiModel:
        with self._lock:
            if self._model is None:
                from shared.adapters.genai_model import GenaiModel

                self._model = GenaiModel(self._keys, self._model_name, **self._options)
            return self._model
