"""The ``policy-assistant`` command: ingest, ask, serve, eval and bench as thin adapters over the stages.

Each subcommand parses its arguments, builds what it needs from the settings, calls one plain
function and prints the result. Heavy libraries are imported inside the subcommand that needs them,
so ``--help`` and ``ask`` stay quick. Exit status: 0 success, 1 something was skipped or failed,
2 usage or configuration error.

This module never prints or logs a question's text: disclosures must not reach a log.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from assistant.settings import ROLES, ConfigError, Settings, apply_offline_switches, load_settings


def _progress(description: str):
    def wrap(batches, total):
        from tqdm import tqdm

        bar = tqdm(total=total, desc=description, unit="text", file=sys.stderr, disable=total == 0)
        for batch in batches:
            yield batch
            bar.update(len(batch))
        bar.close()

    return wrap


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.embedding import EmbeddingModelError, document_embedder
    from ingest.index import IndexStoreError, ingest

    print(f"Ingesting {settings.policy_dir} into {settings.chroma_url or settings.index_dir} ...", file=sys.stderr)
    try:
        report = ingest(settings, document_embedder(settings), progress=_progress("Embedding clause texts"))
    except (IndexStoreError, EmbeddingModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(render_ingest_report(report))
    return 1 if report.skipped else 0


def render_ingest_report(report) -> str:
    lines = []
    if report.up_to_date:
        lines.append(f"Index up to date: {report.clauses} clauses, nothing to embed ({report.seconds:.1f} s).")
    else:
        lines.append(
            f"Indexed {report.clauses} clauses from {len(report.documents)} document(s) in {report.seconds:.1f} s "
            f"({report.embedded} embedded, {report.reused} reused"
            + (f"; {report.texts_embedded} distinct texts" if report.texts_embedded < report.embedded else "")
            + ")."
        )
    document = None
    for doc, section, count in report.clauses_per_section:
        if doc != document:
            lines.append(f"  {doc}")
            document = doc
        lines.append(f"    {count:3d}  {section}")
    if report.questions:
        lines.append(f"  {report.questions} example questions help find the clauses (policy folder, questions/).")
    for _, reason in report.skipped:
        lines.append(f"Skipped: {reason}")
    for warning in report.question_warnings:
        lines.append(f"Example questions left out: {warning}")
    return "\n".join(lines)


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.ask import run_ask

    return run_ask(settings, args)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    try:
        from assistant.app import serve
    except ImportError:
        print("error: `serve` is not available yet in this version; use `policy-assistant ask`.", file=sys.stderr)
        return 2
    return serve(settings, args)


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    try:
        from evals.run import main as run_eval
    except ImportError:
        print("error: `eval` is not available yet in this version.", file=sys.stderr)
        return 2
    return run_eval(settings, args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policy-assistant",
        description="Answers from your safeguarding and online-safety policies, quoting the exact clause.",
    )
    parser.add_argument("--config", help="TOML configuration file (default: ./policy-assistant.toml if present)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("ingest", help="parse the policy folder into clauses and index them")
    p.add_argument("--policy-dir", help="folder of policy documents (default: policy_docs)")
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
    try:
        return args.func(settings, args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
