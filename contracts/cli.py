"""`pipedrive-contracts` (or `python -m pipedrive_mock.contracts`): check a live target, record its
responses, or check a recording for drift.

    pipedrive-contracts --base-url URL [--api-token TOKEN] [--allow-writes] [--junit-xml PATH]
                        [--max-examples N] [--seed N] [--profile quick|thorough]
    pipedrive-contracts record --base-url URL [--api-token TOKEN] --out FILE
    pipedrive-contracts check-recording FILE
    pipedrive-contracts sdk-drift [--client PATH | --version SPEC]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence

from pipedrive_mock import __version__

from .profiles import DEFAULT_SEED, PROFILES, current_profile

PROG = "pipedrive-contracts"
TOKEN_ENV = "PIPEDRIVE_API_TOKEN"
SUBCOMMANDS = ("record", "check-recording", "sdk-drift")


def _version_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")


def _target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", required=True, help="the target's origin, e.g. http://127.0.0.1:8000 "
                        "or https://COMPANY.pipedrive.com")
    parser.add_argument("--api-token", default=os.environ.get(TOKEN_ENV) or None,
                        help=f"an API token of a user of the target company (default: ${TOKEN_ENV}, which keeps "
                             "it out of the shell's history)")


def _token(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    if not args.api_token:
        parser.error(f"give the target's API token with --api-token or the environment variable {TOKEN_ENV}")
    return str(args.api_token)


def run_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=(
        "Check a live Pipedrive Activities API (the mock or a real company) against openapi.yaml. "
        f"Other commands: {', '.join(SUBCOMMANDS)} (see `{PROG} record --help`)."))
    _version_argument(parser)
    _target_arguments(parser)
    parser.add_argument("--allow-writes", action="store_true", help="also add, update and delete; only "
                        "activities the run creates are touched, and they are deleted at the end")
    parser.add_argument("--junit-xml", metavar="PATH", help="write a JUnit XML report for CI")
    parser.add_argument("--max-examples", type=int, help="examples per operation and mode (default: profile's)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the generated cases")
    parser.add_argument("--profile", choices=sorted(PROFILES), help="quick, boundaries or thorough "
                        "(default: CONTRACT_PROFILE, else quick)")
    parser.add_argument("--spec", help="the contract to check (default: the packaged openapi.yaml)")
    return parser


def _run(argv: Sequence[str]) -> int:
    parser = run_parser()
    args = parser.parse_args(argv)
    token = _token(parser, args)
    try:
        from .runner import Target, run
    except ImportError as exc:
        print(f"{PROG}: the contract run needs the `contracts` extra ({exc.name} is not installed): "
              f"pip install 'pipedrive-activities-mock[contracts]'", file=sys.stderr)
        return 2
    from .probe import problem

    unusable = problem(args.base_url, token)
    if unusable is not None:  # nothing would be tested: no PASS line may be printed
        print(f"{PROG}: contract NOT checked: {unusable}", file=sys.stderr)
        return 1
    profile = PROFILES[args.profile] if args.profile else current_profile()
    report = run(Target(args.base_url, token, args.allow_writes), profile=profile, seed=args.seed,
                 max_examples=args.max_examples, spec=args.spec)
    print(report.summary())
    if args.junit_xml:
        report.write_junit(args.junit_xml)
    return 0 if report.ok else 1


def _record(argv: Sequence[str]) -> int:
    from .recording import record

    parser = argparse.ArgumentParser(prog=f"{PROG} record", description=(
        "Record the target's responses to the contract's read operations (tokens stripped) into a JSON file."))
    _version_argument(parser)
    _target_arguments(parser)
    parser.add_argument("--out", required=True, help="the JSON file to write")
    args = parser.parse_args(argv)
    from .probe import problem

    unusable = problem(args.base_url, _token(parser, args))
    if unusable is not None:
        print(f"{PROG} record: nothing recorded: {unusable}", file=sys.stderr)
        return 1
    recording = record(args.base_url, args.api_token)
    recording.save(args.out)
    print(f"Recorded {len(recording.exchanges)} responses into {args.out}")
    return 0


def _check_recording(argv: Sequence[str]) -> int:
    from .recording import Recording, check

    parser = argparse.ArgumentParser(prog=f"{PROG} check-recording", description=(
        "Validate each recorded response against the contract's schema for its operation and status."))
    _version_argument(parser)
    parser.add_argument("file", help=f"a file written by `{PROG} record`")
    args = parser.parse_args(argv)
    drifts = check(Recording.load(args.file))
    for drift in drifts:
        print(drift.line())
    print(f"{len(drifts)} drifted fields" if drifts else "No drift: every recorded response matches the contract")
    return 1 if drifts else 0


def _sdk_drift(argv: Sequence[str]) -> int:
    from . import sdk

    parser = argparse.ArgumentParser(prog=f"{PROG} sdk-drift", description=(
        "List every field of the official Node client's v2 activity models (ActivityItem, the add and update "
        "request models, location, participants, attendees) that openapi.yaml lacks, and the reverse; "
        "exit 1 on any difference."))
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--client", metavar="PATH", help="an installed client: the `pipedrive` package directory "
                        "or a directory whose node_modules holds it")
    source.add_argument("--version", default="latest", help="install this version (an npm version or range) "
                        "aside and read it (default: latest)")
    args = parser.parse_args(argv)
    try:
        client, drifts = sdk.run(args.client, args.version)
    except (FileNotFoundError, LookupError, subprocess.SubprocessError) as exc:
        print(f"sdk-drift: {exc}", file=sys.stderr)
        return 2
    for found in drifts:
        print(found.line())
    compared = len(sdk.compared_models(client))
    print(f"{len(drifts)} fields differ between the official client {client.version} and openapi.yaml" if drifts
          else f"No drift: the official client {client.version} and openapi.yaml name the same fields "
               f"({compared} model comparisons)")
    return 1 if drifts else 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sdk-drift":
        return _sdk_drift(argv[1:])
    if argv and argv[0] == "record":
        return _record(argv[1:])
    if argv and argv[0] == "check-recording":
        return _check_recording(argv[1:])
    return _run(argv)
