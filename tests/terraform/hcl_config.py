"""terraform/*.tf parsed with python-hcl2, in the shapes the tests ask about.

The parser gives expressions as strings ("${var.region}"); blocks as lists of dicts
(one per occurrence). Helpers here resolve the few expressions the tests need to
see through: references, the instances of a `for_each` over a map, `merge(local.x,
{...})` of environment variables, and the numeric arithmetic of the queue pacing.
"""

from __future__ import annotations

import ast
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

REPO_ROOT = Path(__file__).resolve().parents[2]
TERRAFORM_DIR = REPO_ROOT / "terraform"

_OPTIONS = SerializationOptions(
    with_comments=False, explicit_blocks=False, strip_string_quotes=True
)
_REFERENCE = re.compile(r"^\$\{([A-Za-z0-9_.\-\[\]\"]+)\}$")
# A resource's address, or one instance's: TYPE.NAME or TYPE.NAME["KEY"].
_ADDRESS = re.compile(r'\$\{([a-z0-9_]+\.[A-Za-z0-9_\-]+(?:\["[^"]*"\])?)\}')


def parse(text: str) -> dict[str, Any]:
    return hcl2.loads(text, serialization_options=_OPTIONS)


@dataclass(frozen=True)
class Config:
    resources: dict[str, dict[str, dict[str, Any]]]
    data: dict[str, dict[str, dict[str, Any]]]
    variables: dict[str, dict[str, Any]]
    outputs: dict[str, dict[str, Any]]
    locals: dict[str, Any]
    terraform: list[dict[str, Any]]
    checks: dict[str, dict[str, Any]]
    texts: dict[str, str]
    # The `moved` blocks, as {"from": ADDRESS, "to": ADDRESS} (without "${...}").
    moved: list[dict[str, str]]

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return self.resources.get(resource_type, {})

    def resource(self, resource_type: str, name: str) -> dict[str, Any]:
        return self.of_type(resource_type)[name]

    def local(self, name: str) -> Any:
        return self.locals[name]

    def variable_default(self, name: str) -> Any:
        return self.variables[name].get("default")


@functools.cache
def load(directory: Path = TERRAFORM_DIR) -> Config:
    resources: dict[str, dict[str, dict[str, Any]]] = {}
    data: dict[str, dict[str, dict[str, Any]]] = {}
    variables: dict[str, dict[str, Any]] = {}
    outputs: dict[str, dict[str, Any]] = {}
    locals_: dict[str, Any] = {}
    terraform: list[dict[str, Any]] = []
    checks: dict[str, dict[str, Any]] = {}
    texts: dict[str, str] = {}
    moved: list[dict[str, str]] = []
    for path in sorted(directory.glob("*.tf")):
        texts[path.name] = path.read_text(encoding="utf-8")
        document = parse(texts[path.name])
        for kind, target in (("resource", resources), ("data", data)):
            for entry in document.get(kind, []):
                for resource_type, named in entry.items():
                    for name, body in named.items():
                        bucket = target.setdefault(resource_type, {})
                        assert name not in bucket, f"{resource_type}.{name} defined twice"
                        bucket[name] = body
        for kind, target in (("variable", variables), ("output", outputs), ("check", checks)):
            for entry in document.get(kind, []):
                target.update(entry)
        for entry in document.get("locals", []):
            duplicated = locals_.keys() & entry.keys()
            assert not duplicated, f"locals defined twice: {duplicated}"
            locals_.update(entry)
        terraform.extend(document.get("terraform", []))
        for entry in document.get("moved", []):
            ends = {key: _ADDRESS.fullmatch(entry[key]) for key in ("from", "to")}
            assert all(ends.values()), f"moved block with no plain address: {entry}"
            moved.append({key: match.group(1) for key, match in ends.items() if match})
    return Config(resources, data, variables, outputs, locals_, terraform, checks, texts, moved)


def block(body: dict[str, Any], name: str) -> dict[str, Any]:
    """The one `name` block of `body` (static or the content of a dynamic block)."""
    found = blocks(body, name)
    assert len(found) == 1, f"expected one {name} block, found {len(found)}"
    return found[0]


def blocks(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    found = list(body.get(name, []))
    for dynamic in body.get("dynamic", []):
        if name in dynamic:
            found.extend(dynamic[name]["content"])
    return found


def reference(value: Any) -> str | None:
    """`a.b.c` for the plain reference "${a.b.c}", else None."""
    if not isinstance(value, str):
        return None
    match = _REFERENCE.match(value)
    return match.group(1) if match else None


def resolve_local(config: Config, value: Any) -> Any:
    """Follow "${local.x}" (and "${local.x.y}") to its value, as often as it chains."""
    for _ in range(10):
        ref = reference(value)
        if ref is None or not ref.startswith("local."):
            return value
        parts = ref.split(".")[1:]
        value = config.local(parts[0])
        for part in parts[1:]:
            value = value[part]
    raise AssertionError(f"local reference loop at {value!r}")


_ITERATOR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\.(value((?:\.[A-Za-z0-9_]+)*)|key)\}")


def keyed_instances(config: Config, body: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    """The bodies of a resource's instances by their key: one per key of a `for_each`
    over a map (literal or local; each.key and each.value.x filled in where they stand
    alone in an interpolation, dynamic blocks over a known list or map spelt out as
    plain blocks), or the body itself under the key None without `for_each`."""
    if "for_each" not in body:
        return {None: body}
    items = resolve_local(config, body["for_each"])
    assert isinstance(items, dict), f"for_each is not a map: {body['for_each']}"
    rest = {k: v for k, v in body.items() if k != "for_each"}
    return {
        key: _expand_dynamic(_substitute(rest, "each", key, value)) for key, value in items.items()
    }


def instances(config: Config, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The bodies of a resource's instances (keyed_instances, without the keys)."""
    return list(keyed_instances(config, body).values())


def address(resource_type: str, name: str, key: str | None = None) -> str:
    """A resource's address, or one of its instances' (TYPE.NAME["KEY"])."""
    return f"{resource_type}.{name}" + ("" if key is None else f'["{key}"]')


def resource_instances(config: Config, resource_type: str) -> dict[str, dict[str, Any]]:
    """Every instance of a resource type by its address (keyed_instances of each)."""
    return {
        address(resource_type, name, key): instance
        for name, body in config.of_type(resource_type).items()
        for key, instance in keyed_instances(config, body).items()
    }


def _lookup(value: Any, path: str) -> Any:
    for part in filter(None, path.split(".")):
        value = value[part]
    return value


def _substitute(node: Any, iterator: str, key: Any, value: Any) -> Any:
    if isinstance(node, dict):
        return {k: _substitute(v, iterator, key, value) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, iterator, key, value) for v in node]
    if not isinstance(node, str):
        return node

    def found(match: re.Match[str]) -> Any:
        return key if match.group(2) == "key" else _lookup(value, match.group(3))

    whole = _ITERATOR.fullmatch(node)
    if whole and whole.group(1) == iterator:
        return found(whole)

    def replace(match: re.Match[str]) -> str:
        if match.group(1) != iterator:
            return match.group(0)
        text = found(match)
        assert isinstance(text, str), f"{match.group(0)} is not a string: {text!r}"
        return text

    return _ITERATOR.sub(replace, node)


def _expand_dynamic(body: dict[str, Any]) -> dict[str, Any]:
    """Dynamic blocks whose for_each is a known list or map, as the plain blocks they
    make, in nested blocks too."""
    body = {
        name: [_expand_dynamic(item) for item in value]
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value)
        else value
        for name, value in body.items()
    }
    kept = []
    for dynamic in body.pop("dynamic", []):
        ((name, spec),) = dynamic.items()
        items = spec["for_each"]
        if isinstance(items, list):
            items = dict(enumerate(items))
        if not isinstance(items, dict):
            kept.append(dynamic)
            continue
        (content,) = spec["content"]
        made = [_substitute(content, name, key, item) for key, item in items.items()]
        if made:
            body[name] = [*body.get(name, []), *made]
    if kept:
        body["dynamic"] = kept
    return body


def secret_grants(config: Config) -> set[tuple[str, str]]:
    """(key, role) of each grant of local.secret_key_readers, the for expression that
    makes one grant per key of local.secret_keys and reader it names."""
    assert config.local("secret_key_readers") == (
        "${{for grant in flatten([for key, secret in local.secret_keys : "
        "[for role in secret.readers : {key = key, role = role}]]) : "
        '"${grant.key} ${grant.role}" => grant}}'
    )
    return {
        (key, role)
        for key, secret in config.local("secret_keys").items()
        for role in secret["readers"]
    }


def secret_readers(config: Config, key: str) -> dict[str, str | None]:
    """The accounts granted to read one key of local.secret_keys, by function role: the
    one grant resource writes each (key, role) of secret_grants as the secret accessor
    role on that key alone, to local.function_accounts[role]."""
    (grant,) = config.of_type("google_secret_manager_secret_iam_member").values()
    assert grant["for_each"] == "${local.secret_key_readers}"
    assert grant["role"] == "roles/secretmanager.secretAccessor"
    assert reference(grant["secret_id"]) == (
        "google_secret_manager_secret.keys[each.value.key].secret_id"
    )
    assert grant["member"] == "serviceAccount:${local.function_accounts[each.value.role]}"
    accounts = config.local("function_accounts")
    return {role: reference(accounts[role]) for name, role in secret_grants(config) if name == key}


def secret_values_in_configuration(config: Config) -> dict[str, set[str | None]]:
    """Where a secret's value meets Terraform: the files that write one (`secret_data =`,
    of a version resource), and the secrets whose latest version Terraform reads (a
    `google_secret_manager_secret_version` data source) by the data source's name."""
    written = {name for name, text in config.texts.items() if re.search(r"\bsecret_data\s*=", text)}
    read = {
        name: {reference(body["secret"])}
        for name, body in config.data.get("google_secret_manager_secret_version", {}).items()
    }
    return {"written in": written, **read}


def merged_env(config: Config, expression: Any) -> dict[str, Any]:
    """The environment variables of `merge(local.common, {...})`, or of a plain map."""
    expression = resolve_local(config, expression)
    if isinstance(expression, dict):
        return dict(expression)
    match = re.fullmatch(r"\$\{merge\((local\.[A-Za-z0-9_]+), (\{.*\})\)\}", expression, re.S)
    assert match, f"environment is neither a map nor merge(local, {{...}}): {expression}"
    base = resolve_local(config, "${" + match.group(1) + "}")
    extra = parse(f"x = {match.group(2)}")["x"]
    return {**base, **extra}


_ALLOWED_CALLS = {"max": max, "min": min, "floor": math.floor}
_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
)


def evaluate(config: Config, value: Any, variables: dict[str, Any]) -> float:
    """A numeric expression of variables and locals (+ - * /, max, min, floor)."""
    if isinstance(value, int | float):
        return value
    assert isinstance(value, str) and value.startswith("${") and value.endswith("}"), value
    text = value[2:-1]

    def substitute(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        if kind == "var":
            return repr(variables[name])
        return f"({evaluate(config, config.local(name), variables)!r})"

    text = re.sub(r"\b(var|local)\.([A-Za-z0-9_]+)", substitute, text)
    tree = ast.parse(text, mode="eval")
    for node in ast.walk(tree):
        assert isinstance(node, _ALLOWED_NODES), f"unexpected {type(node).__name__} in {text}"
        if isinstance(node, ast.Name):
            assert node.id in _ALLOWED_CALLS, f"unknown function {node.id} in {text}"
    return eval(compile(tree, "<terraform>", "eval"), {"__builtins__": {}}, _ALLOWED_CALLS)


def variable_defaults(config: Config) -> dict[str, Any]:
    return {name: body.get("default") for name, body in config.variables.items()}


def tfvars(path: Path) -> dict[str, Any]:
    """A .tfvars(.example) file's values."""
    return parse(path.read_text(encoding="utf-8"))
