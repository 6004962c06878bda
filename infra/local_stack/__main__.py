"""`python -m infra.local_stack up`: start the local stack and keep it up until Ctrl-C."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path
from typing import cast

from infra.local_stack.config import FunctionSpec, Service, SignatureType, StackConfig
from infra.local_stack.errors import StackError
from infra.local_stack.paths import LOG_DIR, REPO_ROOT
from infra.local_stack.product import (
    EXPORTS_BUCKET,
    PRODUCT_SOURCE,
    UPLOADS_BUCKET,
    product_functions,
)
from infra.local_stack.stack import LocalStack

_PRODUCT_SOURCE = PRODUCT_SOURCE
_PRODUCT_EVENT_TARGET = "on_pdf_uploaded"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = _config(args)
        with LocalStack(config) as stack:
            _print_summary(stack)
            while True:  # until Ctrl-C (or SIGTERM/SIGHUP), or a component dies
                time.sleep(1)
                stack.check_alive()
    except KeyboardInterrupt:
        print("\nlocal stack stopped")
    except (StackError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m infra.local_stack")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the stack, print its addresses, run until Ctrl-C")
    up.add_argument(
        "--only",
        type=_services,
        default=frozenset(Service),
        metavar="SERVICES",
        help=f"comma-separated subset of: {', '.join(Service)} (default: all)",
    )
    up.add_argument(
        "--function",
        dest="functions",
        action="append",
        type=_function_spec,
        metavar="NAME=SOURCE:TARGET:http|cloudevent",
        help=f"serve a function (repeatable); default: the product's functions in"
        f" {_PRODUCT_SOURCE.relative_to(REPO_ROOT)}, if it exists",
    )
    up.add_argument(
        "--storage-event-target",
        metavar="NAME",
        help="cloudevent function that receives storage events"
        f" (default with the product's functions: {_PRODUCT_EVENT_TARGET})",
    )
    up.add_argument(
        "--bucket",
        dest="buckets",
        action="append",
        default=[],
        metavar="NAME",
        help="create this bucket (repeatable)",
    )
    up.add_argument(
        "--log-dir", type=Path, default=LOG_DIR, help=f"default: {LOG_DIR.relative_to(REPO_ROOT)}"
    )
    return parser


def _config(args: argparse.Namespace) -> StackConfig:
    functions: tuple[FunctionSpec, ...] = tuple(args.functions or ())
    event_target = args.storage_event_target
    buckets = list(args.buckets)
    versioned: tuple[str, ...] = ()
    if args.functions is None and _PRODUCT_SOURCE.is_file():
        functions = product_functions(auth_emulator=Service.AUTH in args.only)
        buckets = sorted({*buckets, UPLOADS_BUCKET, EXPORTS_BUCKET})
        versioned = (UPLOADS_BUCKET,)
        if {Service.STORAGE, Service.PUBSUB} <= args.only:
            event_target = event_target or _PRODUCT_EVENT_TARGET
    elif args.functions is None:
        print(f"note: {_PRODUCT_SOURCE} does not exist yet; starting no function")
    return StackConfig(
        services=args.only,
        functions=functions,
        storage_event_target=event_target,
        buckets=tuple(buckets),
        versioned_buckets=versioned,
        log_dir=args.log_dir,
    )


def _services(text: str) -> frozenset[Service]:
    try:
        return frozenset(Service(name.strip()) for name in text.split(",") if name.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _function_spec(text: str) -> FunctionSpec:
    name, _, rest = text.partition("=")
    source, target, signature = rest.rsplit(":", 2) if rest.count(":") >= 2 else ("", "", "")
    if not (name and source and target) or signature not in ("http", "cloudevent"):
        raise argparse.ArgumentTypeError(f"expected NAME=SOURCE:TARGET:http|cloudevent: {text}")
    return FunctionSpec(name, Path(source).resolve(), target, cast(SignatureType, signature))


def _print_summary(stack: LocalStack) -> None:
    print(f"local stack up; logs in {stack.config.log_dir} (Ctrl-C stops it)")
    for name, seconds in stack.startup_seconds.items():
        print(f"  {name:<28} ready in {seconds:5.1f} s")
    print("environment for clients and functions:")
    for key, value in stack.env().items():
        print(f"  export {key}={shlex.quote(value)}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
