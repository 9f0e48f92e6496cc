"""The specs shipped with the package (the contract openapi.yaml, the control API's, the OAuth server's): found,
read and parsed once, and their local `$ref`s resolved."""
from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from . import parsecache

SPEC_FILE = "openapi.yaml"
CONTROL_SPEC_FILE = "control-openapi.yaml"
OAUTH_SPEC_FILE = "resources/oauth/openapi.yaml"


def spec_path(name: str = SPEC_FILE) -> Path:
    """A spec shipped with the package: the contract (the project's top-level openapi.yaml) by default,
    or the control API's own (`CONTROL_SPEC_FILE`)."""
    return Path(str(resources.files(__package__ or "pipedrive_mock") / name))


@cache
def spec_text(name: str = SPEC_FILE) -> bytes:
    return spec_path(name).read_bytes()


@cache
def load_spec(name: str = SPEC_FILE) -> dict[str, Any]:
    """The spec `name` parsed; from parsecache.py's entry when an earlier start kept one (2 ms, not 50)."""
    return parsecache.parsed(spec_text(name), _PARSER, _parse_yaml, label=Path(name).stem)


# Part of a parse cache entry's name: a change to how specs are parsed here changes it (parsecache.py).
_PARSER = "PyYAML safe loader, 1"
_PATHS = _PARSER + "; paths dereferenced, 1"


def dereferenced_paths(name: str = SPEC_FILE) -> dict[str, Any]:
    """Each path item of the spec `name` with its `$ref`s resolved (`dereference`): a fresh copy each call,
    from parsecache.py's entry when an earlier start kept one (1 ms for the contract's, not 6)."""
    def resolve(_: bytes) -> dict[str, Any]:
        document = load_spec(name)
        return {path: dereference(item, document) for path, item in document.get("paths", {}).items()}
    return parsecache.parsed(spec_text(name), _PATHS, resolve, label=f"{Path(name).stem}-paths")


def _parse_yaml(text: bytes) -> Any:
    import yaml  # only on a cache miss: a start that finds the parsed specs never imports it

    # libyaml's loader parses the contract about seven times faster, which start-up feels.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def dereference(node: Any, root: dict[str, Any]) -> Any:
    """A copy of `node` with every local `$ref` replaced by what it points at (the spec has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = root
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return dereference(target, root)
        return {key: dereference(value, root) for key, value in node.items()}
    if isinstance(node, list):
        return [dereference(item, root) for item in node]
    return node
