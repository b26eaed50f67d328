"""The ``policy-assistant`` command: init, ingest, ask, serve, eval and bench as thin adapters over the stages.

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

from assistant.settings import (ROLES, ConfigError, Contacts, Settings, apply_cache_dirs, apply_offline_switches,
                                config_file, load_settings)


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


# `init`: (contact field, question, kind) in the order asked; kind picks the check an answer must pass.
INIT_QUESTIONS = (
    ("organisation", "Your organisation's name", "text"),
    ("dsl_name", "Designated Safeguarding Lead's name", "text"),
    ("dsl_phone", "Designated Safeguarding Lead's phone number", "phone"),
    ("dsl_email", "Designated Safeguarding Lead's email address", "email"),
    ("deputy_name", "Deputy Designated Safeguarding Lead's name (Enter for none)", "text"),
    ("deputy_phone", "Deputy's phone number (Enter for none)", "phone"),
    ("deputy_email", "Deputy's email address (Enter for none)", "email"),
)


def _init_check(kind: str, value: str) -> str:
    """Why an answer cannot be used ("" when it can): the notice shows these words as they are."""
    import re

    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "no control characters, please"
    if not value or kind == "text":
        return ""
    if kind == "phone" and not (re.fullmatch(r"\+?[\d ()-]+", value) and len(re.sub(r"\D", "", value)) >= 3):
        return "a phone number has digits, spaces, brackets or dashes only (for example 01632 960000)"
    if kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        return "an email address looks like name@example.org"
    return ""


def _toml_value(value) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _interactive() -> bool:
    return sys.stdin.isatty()


def cmd_init(settings: Settings | None, args: argparse.Namespace, ask=input) -> int:
    """Write the configuration's [contacts] from a few questions (or the options given), keeping any
    other setting already in the file. Refuses to overwrite an existing file without --force. For an
    organisation whose policies have no example questions, also chooses the larger embedding model
    (``assistant.embedding.suggested_model``) unless the file already names one."""
    import os
    import tempfile
    import tomllib
    from dataclasses import fields

    from assistant.embedding import suggested_model

    path = config_file(config_path=args.config)
    existing: dict = {}
    if path.exists():
        if not args.force:
            print(f"error: {path} already exists; run `policy-assistant init --force` to replace its contacts.",
                  file=sys.stderr)
            return 1
        try:
            existing = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            existing = {}  # --force: a file that cannot be read is replaced whole
    contacts = {k: str(v) for k, v in (existing.get("contacts") or {}).items()}
    interactive = _interactive() and not args.no_input
    if interactive:
        print(f"Setting up the safeguarding contacts in {path}. Press Enter to keep the value in brackets.")
    for name, question, kind in INIT_QUESTIONS:
        value = getattr(args, name)
        if value is None and interactive:
            while True:
                shown = f" [{contacts[name]}]" if contacts.get(name) else ""
                try:
                    value = ask(f"{question}{shown}: ").strip() or contacts.get(name, "")
                except EOFError:
                    value = contacts.get(name, "")
                problem = _init_check(kind, value)
                if not problem:
                    break
                print(f"  {problem}")
        if value is None:
            continue
        problem = _init_check(kind, value.strip())
        if problem:
            print(f"error: --{name.replace('_', '-')}: {problem}", file=sys.stderr)
            return 2
        contacts[name] = value.strip()
    known = {f.name for f in fields(Contacts)}
    lines = ["# The policy assistant's configuration, written by `policy-assistant init`.",
             "# Every setting is described in policy-assistant.example.toml.", ""]
    lines += [f"{key} = {_toml_value(value)}" for key, value in existing.items() if key != "contacts"
              and not isinstance(value, dict)]
    model = "" if "embedding_model" in existing else suggested_model(_policy_dir(args.config))
    if model:  # an organisation's own policies, without example questions: the model measured best for them
        lines += ["# Your policies have no example questions: the larger embedding model finds their clauses",
                  "# better (README, Configuration). Delete this line for the smaller, faster one.",
                  f"embedding_model = {_toml_value(model)}"]
    lines += ["", "[contacts]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in contacts.items() if key in known]
    text = "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"
    written = Contacts(**{k: v for k, v in contacts.items() if k in known})
    tomllib.loads(text)  # what we write must read back
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # created 0600: it may hold a password
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
    who = written.dsl_name or "your Designated Safeguarding Lead (no name given)"
    print(f"Wrote {path}. The safeguarding notice now names {who}.")
    if model:
        print(f'Your policies have no example questions, so {path} also sets embedding_model = "{model}": the larger '
              "embedding model, which answers policies like yours better. It is built once on first use (about 15 s) "
              "and embeds about six times slower; delete that line to use the smaller one.")
    if written.missing():
        names = ", ".join(name.replace("_", " ") for name in written.missing())
        print(f"Still to fill in under [contacts] in {path} (see policy-assistant.example.toml): {names}.")
    return 0


def _policy_dir(config: str | None):
    """The policy folder the configuration (and environment) name, or the default one."""
    try:
        return load_settings(config_path=config).policy_dir
    except ConfigError:  # init is how a broken configuration gets mended
        return Settings().policy_dir


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

    p = sub.add_parser("init", help="write the configuration's safeguarding contacts from a few questions")
    for name, question, _ in INIT_QUESTIONS:
        p.add_argument(f"--{name.replace('_', '-')}", dest=name, help=question.split(" (")[0])
    p.add_argument("--force", action="store_true", help="replace the contacts of an existing configuration file")
    p.add_argument("--no-input", action="store_true", help="ask nothing: use only the options given")
    p.set_defaults(func=cmd_init, needs_settings=False)

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
    p.add_argument("--cross-policy", metavar="DIR", help="folder of other organisations' policies, one folder each "
                   "with a questions.jsonl (default: ../shared/policies-dev when it is there)")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    apply_offline_switches()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if not getattr(args, "needs_settings", True):  # init writes the configuration; a broken one must not stop it
        return args.func(None, args)
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
    except BrokenPipeError:
        # The reader went away (`policy-assistant ask ... | head`): stop quietly, as other tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
