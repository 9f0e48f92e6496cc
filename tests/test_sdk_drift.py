"""`pipedrive-contracts sdk-drift`: the official client's v2 activity models against openapi.yaml."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from pipedrive_mock.contract import load_spec
from pipedrive_mock.contracts import sdk
from pipedrive_mock.contracts.cli import main

from .test_node_client import node_dir  # noqa: F401 - the fixture that installs the pinned client

API = """export declare const ActivitiesApiAxiosParamCreator: (configuration?: Configuration) => {
    addActivity: (AddActivityRequest?: AddActivityRequest) => Promise<RequestArgs>;
    updateActivity: (id: number, AddActivityRequest?: AddActivityRequest) => Promise<RequestArgs>;
};
"""


def _interface(name: str, fields: dict[str, str]) -> str:
    lines = "\n".join(f"    /**\n    * {key}\n    */\n    '{key}'?: {kind};" for key, kind in fields.items())
    return f"/**\n * generated\n */\nexport interface {name} {{\n{lines}\n}}\n"


def fake_client(root: Path, extra: dict[str, str] | None = None, drop: str | None = None) -> Path:
    """A `pipedrive` package whose models are the pinned client's, with a field added to ActivityItem or
    one dropped from AddActivityRequest."""
    real = sdk.load_client(Path(__file__).resolve().parent / "node")
    package = root / "node_modules" / "pipedrive"
    (package / sdk.V2_DIR / "models").mkdir(parents=True)
    (package / sdk.V2_DIR / "api").mkdir()
    (package / "package.json").write_text('{"name": "pipedrive", "version": "99.0.0"}')
    (package / sdk.V2_DIR / "api" / "activities-api.d.ts").write_text(API)
    for name, fields in real.models.items():
        fields = dict(fields)
        if name == "ActivityItem":
            fields.update(extra or {})
        if name == "AddActivityRequest" and drop:
            fields.pop(drop)
        (package / sdk.V2_DIR / "models" / f"{name}.d.ts").write_text(_interface(name, fields))
    return root


def test_sdk_drift_against_the_pinned_client_finds_none(node_dir: Path, capsys: pytest.CaptureFixture[str]  # noqa: F811
                                                        ) -> None:
    assert main(["sdk-drift", "--client", str(node_dir)]) == 0
    out = capsys.readouterr().out
    assert "No drift: the official client 33." in out


def test_sdk_drift_compares_every_activity_model(node_dir: Path) -> None:  # noqa: F811
    compared = {model for model, _ in sdk.compared_models(sdk.load_client(node_dir))}
    assert compared == {"ActivityItem", "AddActivityRequest", "AddActivityRequestLocation",
                        "AddActivityRequestParticipantsInner", "AddActivityRequestAttendeesInner"}


def test_sdk_drift_field_only_in_client_exits_1_naming_it(node_dir: Path, tmp_path: Path,  # noqa: F811
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sdk-drift", "--client", str(fake_client(tmp_path, extra={"mood": "number | null"}))]) == 1
    out = capsys.readouterr().out
    assert "ActivityItem.mood: in the official client, missing from openapi.yaml (ActivityV2)" in out
    assert "1 fields differ between the official client 99.0.0 and openapi.yaml" in out


def test_sdk_drift_field_only_in_spec_is_reported_the_other_way(node_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    client = sdk.load_client(fake_client(tmp_path, drop="note"))
    lines = {found.line() for found in sdk.drift(client)}
    assert lines == {"ActivityAddRequest.note: in openapi.yaml, missing from the official client (AddActivityRequest)",
                     "ActivityUpdateRequest.note: in openapi.yaml, missing from the official client "
                     "(AddActivityRequest)"}


def test_sdk_drift_spec_without_outcome_names_it_in_every_model(node_dir: Path) -> None:  # noqa: F811
    spec = copy.deepcopy(load_spec())
    for name in ("ActivityV2", "ActivityAddRequest", "ActivityUpdateRequest"):
        del spec["components"]["schemas"][name]["properties"]["outcome"]
    found = {(d.client_model, d.component, d.field) for d in sdk.drift(sdk.load_client(node_dir), spec)}
    assert found == {("ActivityItem", "ActivityV2", "outcome"), ("AddActivityRequest", "ActivityAddRequest", "outcome"),
                     ("AddActivityRequest", "ActivityUpdateRequest", "outcome")}


def test_sdk_drift_nested_model_field_is_named_with_its_path(node_dir: Path) -> None:  # noqa: F811
    spec = copy.deepcopy(load_spec())
    del spec["components"]["schemas"]["Location"]["properties"]["subpremise"]
    found = [d.line() for d in sdk.drift(sdk.load_client(node_dir), spec)]
    assert found == ["AddActivityRequestLocation.subpremise: in the official client, missing from openapi.yaml "
                     "(ActivityV2.location)"]


def test_sdk_drift_without_a_client_at_the_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sdk-drift", "--client", str(tmp_path)]) == 2
    assert "no official Pipedrive client" in capsys.readouterr().err


def test_sdk_drift_installs_the_version_asked_for_and_reads_it(node_dir: Path,  # noqa: F811 - npm is there
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    pinned = sdk.load_client(node_dir).version
    assert main(["sdk-drift", "--version", pinned]) == 0
    assert f"No drift: the official client {pinned} and openapi.yaml" in capsys.readouterr().out
