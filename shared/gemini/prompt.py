"""The rewriting prompt, versioned: a change of wording is a new version (and new cache keys).

A batch goes to the model as a JSON array of {"id", "text"}; the answer must be a JSON
array of {"id", "sentences"} (the response schema enforces the shape).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

PROMPT_VERSION = "rewrite-2026-11-v1"

RESPONSE_SCHEMA: dict[str, object] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "sentences": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["id", "sentences"],
    },
}

_SYSTEM = """\
Tu réécris des phrases de romans français pour des apprenants de la langue.
Chaque phrase longue devient plusieurs phrases courtes, dans l'ordre du texte.
Règles, pour chaque phrase produite :
- au plus {limit} mots (un mot : un groupe de caractères séparé par des espaces,
  contenant au moins une lettre ou un chiffre ; « l'homme » compte pour un mot) ;
- une phrase française grammaticale, compréhensible seule, avec un verbe conjugué ;
- garde les mots de l'original, son sens et son ordre ; n'ajoute rien d'autre que
  les pronoms sujets, les auxiliaires ou les déterminants que la réécriture exige ;
  ne résume pas, n'omets aucune information, ne traduis pas ;
- garde la ponctuation du dialogue (« », —) ;
Réponds uniquement par le tableau JSON demandé : un objet {{"id", "sentences"}} par
phrase reçue, avec le même id.
"""


@dataclass(frozen=True, slots=True)
class Item:
    """One source sentence as the model sees it."""

    id: str
    text: str


def system_instruction(limit: int) -> str:
    return _SYSTEM.format(limit=limit)


def batch_prompt(items: Sequence[Item], limit: int) -> str:
    return f"LIMIT={limit} mots par phrase.\nRéécris chacune de ces phrases :\n" + json.dumps(
        [{"id": i.id, "text": i.text} for i in items], ensure_ascii=False
    )


def repair_prompt(items: Sequence[tuple[Item, Sequence[str], str]], limit: int) -> str:
    """A second request for the sentences whose first rewrite failed, saying why."""
    lines = [
        f"LIMIT={limit} mots par phrase.",
        "Ta réécriture de ces phrases ne respectait pas les règles ; refais-la.",
    ]
    for item, previous, problem in items:
        answer = json.dumps(list(previous), ensure_ascii=False)
        lines.append(f"- id {item.id} : {problem} (ta réponse : {answer})")
    lines.append("Les phrases :")
    lines.append(
        json.dumps([{"id": i.id, "text": i.text} for i, _, _ in items], ensure_ascii=False)
    )
    return "\n".join(lines)


# Scanned pages read by the model: versioned like the rewriting prompt (cache keys).
TRANSCRIPTION_VERSION = "transcribe-2026-12-v2"
TRANSCRIPTION_SYSTEM = "Tu transcris des pages de romans français."
# What the model writes for a page without text, so that an empty answer is never
# mistaken for blank pages.
BLANK_PAGE = "[PAGE SANS TEXTE]"


def transcription_prompt() -> str:
    return (
        "Transcris fidèlement le texte de ces pages de roman, en français, dans l'ordre de"
        " lecture. Omets les en-têtes, pieds de page, numéros de page et appels de note."
        " Rejoins les mots coupés en fin de ligne. Un paragraphe par ligne, rien d'autre."
        f" Pour une page sans aucun texte, écris seulement {BLANK_PAGE} sur une ligne."
    )
