"""The drift radar: the official Node client's v2 activity models against openapi.yaml.

The client (npm `pipedrive`) is generated from Pipedrive's own OpenAPI files, so its models say which
fields the real API has today. Its TypeScript declarations (`dist/versions/v2/models/*.d.ts`) are read,
no JavaScript is run: ActivityItem (what every v2 activity answer holds) and the request models of
`addActivity` and `updateActivity` (33.x updates with AddActivityRequest; an UpdateActivityRequest is
taken when the client has one), with the models their fields nest (location, participants, attendees).
Each model's fields are compared with the component of openapi.yaml that plays its part, both ways.

    pipedrive-contracts sdk-drift [--client PATH | --version 33]
"""
from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipedrive_mock.contract import dereference, load_spec

PACKAGE = "pipedrive"
V2_DIR = Path("dist") / "versions" / "v2"
INSTALL_TIMEOUT = 300
# The client's model behind each contract component; the request models are found in the client's API.
RESPONSE_ROOT = ("ActivityItem", "ActivityV2")
REQUEST_ROOTS = {"addActivity": "ActivityAddRequest", "updateActivity": "ActivityUpdateRequest"}
_INTERFACE = re.compile(r"^export interface (\w+)")
_PROPERTY = re.compile(r"^\s*'?([A-Za-z_$][\w$]*)'?\??\s*:\s*(.+?);?\s*$")
_MODEL_NAME = re.compile(r"\b([A-Z]\w*)\b")
_PRIMITIVES = {"Array", "Set", "Date", "Record", "File", "Blob", "Object"}


@dataclass(frozen=True)
class SdkDrift:
    """One field that one side has and the other lacks."""
    client_model: str
    component: str
    field: str
    missing_from: str  # "openapi.yaml" or "client"

    def line(self) -> str:
        if self.missing_from == "openapi.yaml":
            return (f"{self.client_model}.{self.field}: in the official client, missing from openapi.yaml "
                    f"({self.component})")
        return (f"{self.component}.{self.field}: in openapi.yaml, missing from the official client "
                f"({self.client_model})")


@dataclass(frozen=True)
class Client:
    """An installed official client: its version and the fields of its v2 models."""
    path: Path
    version: str
    models: dict[str, dict[str, str]]
    request_models: dict[str, str]


def read_models(v2_dir: Path) -> dict[str, dict[str, str]]:
    """Every interface of the client's v2 models: name -> {field: TypeScript type}."""
    models: dict[str, dict[str, str]] = {}
    for path in sorted((v2_dir / "models").glob("*.d.ts")):
        name, depth = None, 0
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("*", "/*", "//")):
                continue
            found = _INTERFACE.match(line)
            if found:
                name, depth = found.group(1), 0
                models[name] = {}
            if name is None:
                continue
            if depth == 1:
                prop = _PROPERTY.match(line)
                if prop:
                    models[name][prop.group(1)] = prop.group(2).rstrip(";").strip()
            depth += line.count("{") - line.count("}")
            if depth <= 0 and "}" in line:
                name = None
    return models


def read_request_models(v2_dir: Path) -> dict[str, str]:
    """The body model of each activity write, from the client's ActivitiesApi declarations."""
    text = (v2_dir / "api" / "activities-api.d.ts").read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for operation in REQUEST_ROOTS:
        signature = re.search(rf"\b{operation}: \(([^)]*)\) =>", text)
        if signature is None:
            continue
        types = [part.split(":", 1)[1].strip() for part in signature.group(1).split(",") if ":" in part]
        models = [t for t in types if _MODEL_NAME.fullmatch(t)]
        if models:
            found[operation] = models[-1]
    return found


def load_client(path: Path) -> Client:
    """The client at `path`: the package directory, or a directory whose node_modules holds it."""
    package = path if (path / V2_DIR).is_dir() else path / "node_modules" / PACKAGE
    if not (package / V2_DIR).is_dir():
        raise FileNotFoundError(f"no official Pipedrive client at {path}: expected {V2_DIR} in it "
                                f"or in node_modules/{PACKAGE}")
    version = re.search(r'"version"\s*:\s*"([^"]+)"', (package / "package.json").read_text(encoding="utf-8"))
    return Client(package, version.group(1) if version else "unknown", read_models(package / V2_DIR),
                  read_request_models(package / V2_DIR))


def install_client(version: str, into: Path) -> Path:
    """`npm install pipedrive@VERSION` into a directory of its own; the package's path."""
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--no-save", "--prefix", str(into),
                    f"{PACKAGE}@{version}"], check=True, timeout=INSTALL_TIMEOUT)
    return into / "node_modules" / PACKAGE


def _nested_model(ts_type: str, models: dict[str, dict[str, str]]) -> str | None:
    """The model a field's type names (`X`, `Array<X>`, `X | null`), if it is one of the client's."""
    names = [n for n in _MODEL_NAME.findall(ts_type) if n not in _PRIMITIVES and n in models]
    return names[0] if names else None


def _object_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema a property holds, directly or as the items of an array."""
    if "properties" in schema:
        return schema
    items = schema.get("items")
    if isinstance(items, dict) and "properties" in items:
        return items
    for part in schema.get("allOf", ()):
        found = _object_schema(part)
        if found is not None:
            return found
    return None


def _compare(client: Client, model: str, schema: dict[str, Any], component: str,
             seen: set[tuple[str, str]]) -> list[SdkDrift]:
    if (model, component) in seen:
        return []
    seen.add((model, component))
    client_fields = client.models[model]
    spec_fields = schema.get("properties", {})
    drifts = [SdkDrift(model, component, name, "openapi.yaml") for name in client_fields if name not in spec_fields]
    drifts += [SdkDrift(model, component, name, "client") for name in spec_fields if name not in client_fields]
    for name, ts_type in client_fields.items():
        nested = _nested_model(ts_type, client.models)
        inner = _object_schema(spec_fields[name]) if name in spec_fields else None
        if nested is not None and inner is not None:
            drifts += _compare(client, nested, inner, f"{component}.{name}", seen)
    return drifts


def roots(client: Client) -> list[tuple[str, str]]:
    """(client model, contract component) pairs the radar starts from."""
    pairs = [RESPONSE_ROOT]
    for operation, component in REQUEST_ROOTS.items():
        model = "UpdateActivityRequest" if operation == "updateActivity" and "UpdateActivityRequest" \
            in client.models else client.request_models.get(operation)
        if model is None:
            raise LookupError(f"the official client {client.version} has no request model for {operation}")
        pairs.append((model, component))
    return pairs


def _walk(client: Client, spec: dict[str, Any] | None) -> tuple[list[SdkDrift], set[tuple[str, str]]]:
    document = spec if spec is not None else load_spec()
    seen: set[tuple[str, str]] = set()
    found: list[SdkDrift] = []
    for model, component in roots(client):
        if model not in client.models:
            raise LookupError(f"the official client {client.version} has no model {model}")
        schema = dereference(document["components"]["schemas"][component], document)
        found += _compare(client, model, schema, component, seen)
    return found, seen


def drift(client: Client, spec: dict[str, Any] | None = None) -> list[SdkDrift]:
    """Every field of the client's v2 activity models that openapi.yaml lacks, and the reverse."""
    return _walk(client, spec)[0]


def compared_models(client: Client, spec: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """Every (client model, contract component) pair compared: the roots and the models their fields nest."""
    return sorted(_walk(client, spec)[1])


def run(client_path: str | None, version: str) -> tuple[Client, list[SdkDrift]]:
    """Read the client at `client_path`, or install `pipedrive@version` aside first."""
    if client_path is not None:
        client = load_client(Path(client_path))
        return client, drift(client)
    with tempfile.TemporaryDirectory(prefix="pipedrive-client-") as tmp:
        client = load_client(install_client(version, Path(tmp)))
        return client, drift(client)
