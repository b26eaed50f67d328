"""The ``policy-assistant`` command: ingest, ask, serve, eval and bench as thin adapters over the stages.

Each subcommand parses its arguments, builds what it needs from the settings (the assistant through
``assistant.pipeline.open_assistant``), calls one plain function and prints the result. This is the
only module that prints for the product. Heavy libraries are imported inside the subcommand that needs them,
so ``--help`` and ``ask`` stay quick. Exit status: 0 success, 1 something was skipped or failed,
2 usage or configuration error.

This module never prints or logs a question's text: disclosures must not reach a log.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from assistant.settings import ROLES, ConfigError, Settings, apply_cache_dirs, apply_offline_switches, load_settings


class CliProgress:
    """Ingest news on stderr, and a progress bar while texts are embedded (stdout carries answers only)."""

    def __init__(self, description: str = "Embedding clause texts") -> None:
        self.description = description

    def note(self, message: str) -> None:
        print(message, file=sys.stderr)

    def track(self, batches, total):
        from tqdm import tqdm

        bar = tqdm(total=total, desc=self.description, unit="text", file=sys.stderr, disable=total == 0)
        for batch in batches:
            yield batch
            bar.update(len(batch))
        bar.close()


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.embedding import EmbeddingModelError
    from assistant.pipeline import ingest_policies
    from ingest.store import IndexStoreError

    try:
        # Another ingest of the same index: wait for it (saying so), or give up after --wait seconds.
        report = ingest_policies(settings, progress=CliProgress(), wait=getattr(args, "wait", None))
    except (IndexStoreError, EmbeddingModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report.render())
    return 1 if report.skipped else 0


def _open(settings: Settings):
    """The assistant for ask/serve: ingests first when needed; the report of that ingest goes to stderr."""
    from assistant.pipeline import open_assistant

    assistant = open_assistant(settings, progress=CliProgress())
    if assistant.ingest_report is not None:
        print(assistant.ingest_report.render(), file=sys.stderr)
    return assistant


class IndexUnavailable:
    """Stands in for the retriever when the index cannot be opened: the router still reads every
    message first, so a disclosure still gets its notice; a question gets the store's error."""

    clauses = ()

    def __init__(self, error: Exception) -> None:
        self.error = error

    def search(self, question: str, k: int = 8):
        raise type(self.error)(f"{self.error}; disclosures are still recognised")


def _library(settings: Settings):
    """The live library for ``ask``: answers across re-indexes by other processes (assistant.library).
    With the index unavailable, a router-only assistant: disclosures are still recognised."""
    from assistant.embedding import EmbeddingModelError
    from assistant.library import Library, opener_for
    from assistant.pipeline import Assistant
    from ingest.store import IndexStoreError

    try:
        assistant = _open(settings)
    except (IndexStoreError, EmbeddingModelError) as exc:
        from assistant.route import load_router

        assistant = Assistant(settings, load_router(), IndexUnavailable(exc))
    return Library(settings, assistant, opener_for(settings, progress=CliProgress()))


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from assistant.ask import render_text, serve_lines
    from assistant.embedding import EmbeddingModelError
    from ingest.store import IndexStoreError

    if args.question is None:
        print('error: give a question, or "-" with --json to read JSON Lines from stdin', file=sys.stderr)
        return 2
    if args.question == "-" and not args.json:
        print('error: reading questions from stdin needs --json ("policy-assistant ask --json -")', file=sys.stderr)
        return 2
    library = _library(settings)
    if args.question == "-":
        return serve_lines(library, sys.stdin, sys.stdout)
    try:
        answer = library.ask(args.question, role=args.role)
    except (IndexStoreError, EmbeddingModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(render_text(answer))
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.embedding import EmbeddingModelError
    from assistant.notice import missing_contact_warning
    from ingest.store import IndexStoreError

    warning = missing_contact_warning(settings.contacts)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    try:
        assistant = _open(settings)
    except (IndexStoreError, EmbeddingModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    # Imported here: gradio takes about 3.4 s to import, which `--help`, `ask` and `ingest` never pay.
    from assistant.ui.app import serve

    host = getattr(args, "host", None) or settings.host
    port = getattr(args, "port", None) or settings.port
    print(f"Policy assistant on http://{host}:{port} (Ctrl+C to stop).", file=sys.stderr)
    serve(assistant, settings, host=host, port=port, open_browser=not getattr(args, "no_browser", False))
    return 0


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from evals.run import main as run_eval

    return run_eval(settings, args, progress=CliProgress())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policy-assistant",
        description="Answers from your safeguarding and online-safety policies, quoting the exact clause.",
    )
    parser.add_argument("--config", help="TOML configuration file (default: ./policy-assistant.toml if present)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("ingest", help="parse the policy folder into clauses and index them")
    p.add_argument("--policy-dir", help="folder of policy documents (default: policy_docs)")
    p.add_argument("--wait", type=float, default=None, metavar="SECONDS",
                   help="how long to wait while another ingest of the same index runs (default 600; 0: give up at once)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="answer one question (or JSON Lines from stdin with --json -)")
    p.add_argument("question", nargs="?", help='the question, or "-" with --json to read JSON Lines from stdin')
    p.add_argument("--role", choices=ROLES, default="staff", help="who is asking (shapes wording and contacts)")
    p.add_argument("--json", action="store_true", help="print one JSON object per answer")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="start the chat app (ingests first if the index is missing or stale)")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("eval", help="run the evaluation suite and write a report")
    p.add_argument("--out", default=None, help="reports folder (default: <data dir>/reports)")
    p.add_argument("--no-peers", action="store_true", help="skip the peer pipelines")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    apply_offline_switches()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        settings = load_settings(config_path=args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from dataclasses import replace
    from pathlib import Path

    overrides = {}
    if getattr(args, "policy_dir", None):
        overrides["policy_dir"] = Path(args.policy_dir)
    if getattr(args, "host", None):
        overrides["host"] = args.host
    if getattr(args, "port", None):
        overrides["port"] = args.port
    if overrides:
        settings = replace(settings, **overrides)
    apply_cache_dirs(settings)
    try:
        return args.func(settings, args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
