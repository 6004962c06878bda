"""Small facts of French grammar the offline engine leans on: no model, no lexicon load.

`is_finite_verb` is a heuristic: a closed list of frequent irregular forms, the endings
of the narrative tenses (imparfait, passé simple, futur, conditionnel), and any form that
follows a subject or object pronoun. It errs on the side of "not a verb".
"""

from __future__ import annotations

SUBJECT_PRONOUNS = frozenset("je j' tu il elle on nous vous ils elles".split())
# Pronouns a split may add to carry a clause's subject, and nothing else.
CARRIABLE_SUBJECTS = frozenset("je tu il elle on nous vous ils elles".split())
CLITICS = frozenset("ne n' se s' me m' te t' le la les l' lui leur y en".split())
COORDINATORS = frozenset("et mais ou donc car puis or ni".split())
RELATIVES = frozenset(
    "qui que qu' dont où lequel laquelle lesquels lesquelles auquel auxquels duquel".split()
)
SUBORDINATORS = frozenset(
    "quand lorsque lorsqu' puisque parce comme si tandis pendant afin bien quoique "
    "quoiqu' sans pour avant après jusqu' dès depuis".split()
)
SPEECH_VERBS = frozenset(
    "dit dis disait répondit répond cria crie demanda demande reprit reprend murmura "
    "ajouta ajoute fit continua répliqua s'écria écria songea pensa".split()
)
# Words after which a cut would strand a word that needs what follows it.
BINDING_WORDS = frozenset(
    "le la les l' un une des du de d' à au aux en dans par pour sur sous avec sans chez "
    "vers entre ce cet cette ces mon ma mes ton ta tes son sa ses notre votre nos vos "
    "leur leurs je j' tu il elle on nous vous ils elles ne n' se s' me m' te t' y qui que "
    "qu' et ou mais si très plus moins tout toute tous toutes quel quelle quels quelles "
    "dont où comme quand lorsque lorsqu' puisque parce afin bien être avoir quelque "
    "quelques chaque aucun aucune nul nulle plusieurs certains certaines autre autres "
    "deux trois quatre cinq six sept huit neuf dix cent mille".split()
)

_FINITE_FORMS = frozenset(
    "est sont était étaient fut furent sera seront serait seraient soit soient fût suis "
    "es sommes êtes étais étions étiez serai serais a ont avait avaient eut eurent aura "
    "auront aurait auraient ait aient eût ai as avons avez avais avions aviez fait font "
    "faisait faisaient fit firent fais faites faisons va vont vais vas allons allez "
    "allait allaient alla allèrent peut peuvent pouvait pouvaient put purent peux pouvons "
    "pouvez doit doivent devait devaient dut durent dois devons devez dit disent disait "
    "disaient dirent dis dites disons voit voient voyait voyaient vit virent vois voyons "
    "voyez sait savent savait savaient sut surent sais savons savez veut veulent voulait "
    "voulaient voulut veux voulons voulez vient viennent venait venaient vint vinrent "
    "viens venons venez tient tiennent tenait tenaient tint tinrent prend prennent "
    "prenait prenaient prit prirent met mettent mettait mettaient mit mirent faut fallait "
    "fallut semble semblent semblait semblaient sembla parut paraissait paraît "
    "croit croyait crut crois connaît connaissait connut reste restait resta restèrent "
    "vaut valait mourut meurt naquit naît écrit écrivait lit lisait ouvrit ouvre sortit "
    "sort partit part dort dormait courut court suit suivait vécut vit vivait reçut "
    "reçoit plut plaît".split()
)
_NARRATIVE_ENDINGS = (
    "aient", "èrent", "irent", "urent", "inrent", "erait", "eraient", "eront", "iront",
    "ssent", "âmes", "âtes", "ait", "ions", "iez", "rait", "raient", "era", "ira",
)  # fmt: skip
_PASSE_SIMPLE_A = ("a",)
_PRESENT_ENDINGS = ("e", "es", "ent", "ons", "ez", "it", "is", "ds", "t", "x")
_NOT_VERBS = frozenset(
    "mais jamais désormais frais palais anglais français niais lait trait portrait "
    "attrait souhait extrait retrait bienfait parfait imparfait forfait cela voilà déjà "
    "là delà holà sofa opéra villa gala cinéma camélia agenda véranda tombola moment "
    "comment souvent pendant cependant maintenant parent enfant argent vent dent gens "
    "bientôt aussitôt sitôt tantôt plutôt tôt tout partout surtout lit nuit esprit bruit "
    "fruit petit crédit dépit profit circuit minuit conduit produit habit appétit".split()
)


# Pronouns that only ever stand before a verb (unlike "le", "la", "les": articles too).
_VERB_PRECEDERS = SUBJECT_PRONOUNS | frozenset(["ne", "se", "me", "te", "qui"])


def _core(token: str) -> str:
    return token.strip('«»“”"()[]{}.,;:!?…—–*').lower().replace("’", "'")


def split_elision(word: str) -> tuple[str, str]:
    """("qu'", "est") for "qu'est"; ("", word) when nothing is elided."""
    head, apostrophe, rest = word.partition("'")
    if apostrophe and rest and len(head) <= 5:
        return head + "'", rest
    return "", word


def verb_core(token: str) -> str:
    """The part of a token that could be a verb: "n'avait" -> "avait", "dit-il" -> "dit"."""
    _, rest = split_elision(_core(token))
    return rest.split("-", 1)[0]


def is_finite_verb(token: str, previous: str = "") -> bool:
    word = _core(token)
    elided, rest = split_elision(word)
    core = rest.split("-", 1)[0]
    if not core or not core.isalpha() or core in _NOT_VERBS:
        return False
    if elided in ("j'", "l'", "d'") and core in _FINITE_FORMS:
        return elided != "d'"
    if core in _FINITE_FORMS:
        return True
    if core.endswith(("ant", "ment")):
        return False
    if len(core) >= 5 and core.endswith(_NARRATIVE_ENDINGS):
        return True
    if "-" in rest and rest.split("-", 1)[1].split("-")[-1] in SUBJECT_PRONOUNS:
        return True  # an inverted subject: "passa-t-il", "Avez-vous"
    after_pronoun = elided in ("n'", "s'", "m'", "t'", "j'") or _core(previous) in (_VERB_PRECEDERS)
    if after_pronoun and len(core) >= 2:
        return core.endswith(_PRESENT_ENDINGS + _PASSE_SIMPLE_A + ("ai", "us", "ut", "ît", "ât"))
    return (
        len(core) >= 4
        and core.endswith("a")
        and token[:1].islower()
        and core not in _NOT_VERBS
        and previous.lower() not in ("la", "une", "de", "cette", "sa", "ma", "ta")
    )


def person_of(pronoun: str) -> str:
    return {"j'": "je"}.get(pronoun, pronoun)


def agrees(verb_token: str, subject: str) -> bool:
    """Whether a verb form could take this subject pronoun (by its ending)."""
    core = verb_core(verb_token)
    if not core:
        return False
    subject = person_of(subject)
    if subject in ("il", "elle", "on"):
        return not core.endswith("ent") and core.endswith(
            ("a", "ait", "it", "ut", "int", "ât", "ît", "ût", "e", "t", "d")
        )
    if subject in ("ils", "elles"):
        return core.endswith(("ent", "aient", "èrent", "rent", "ont"))
    if subject == "je":
        return core.endswith(("ais", "is", "us", "ai", "e", "s", "x"))
    if subject == "tu":
        return core.endswith(("s", "x"))
    if subject == "nous":
        return core.endswith("ons")
    if subject == "vous":
        return core.endswith("ez")
    return False


def _tense_class(verb_token: str) -> str:
    core = verb_core(verb_token)
    for endings, tense in (
        (("raient", "rait"), "conditionnel"),
        (("aient", "ait"), "imparfait"),
        (("èrent", "rent", "ront"), "simple-plural"),
        (("a", "it", "ut", "int", "ât"), "simple"),
        (("ent",), "present-plural"),
        (("e", "es"), "present"),
    ):
        if core.endswith(endings):
            return tense
    return core


def same_tense(verb_token: str, other_token: str) -> bool:
    """Whether two verb forms share their tense (a chain of coordinated verbs)."""
    return _tense_class(verb_token) == _tense_class(other_token)
