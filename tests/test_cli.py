"""The policy-assistant command as a user runs it: ingest summary, exit status, the ask contract, offline."""

from __future__ import annotations

import io
import json

import pytest

from assistant.ask import serve_lines
from assistant.cli import main


def test_unknown_command_gives_a_clear_message(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    for command in ("ingest", "ask", "serve", "eval"):
        assert command in out


def test_json_lines_contract_answers_each_line_in_order_and_reports_bad_lines(fake_assistant):
    stdin = io.StringIO(
        '{"question": "do you allow any recording of zoom sessions?", "role": "parent"}\n'
        "this is not json\n"
        '{"question": 42}\n'
        '{"question": "canary my dad hits me", "role": "participant"}\n'
        '{"question": "and the zoom passcode?", "history": [{"role": "user", "content": "can I share the zoom link?"}]}\n'
    )
    stdout = io.StringIO()
    status = serve_lines(fake_assistant, stdin, stdout)
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert status == 1  # something was malformed
    assert len(lines) == 5
    assert lines[0]["route"] == "answer" and lines[0]["citations"][0]["clause_id"] == "ZP-6"
    assert "error" in lines[1] and "error" in lines[2]
    assert lines[3]["route"] == "disclosure" and lines[3]["citations"] == [] and lines[3]["notice"]
    assert lines[4]["route"] in ("answer", "not_covered")


@pytest.fixture
def cli_env(monkeypatch, settings):
    monkeypatch.setenv("POLICY_ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("POLICY_ASSISTANT_POLICY_DIR", str(settings.policy_dir))
    monkeypatch.delenv("POLICY_ASSISTANT_CONFIG", raising=False)
    return settings


@pytest.mark.model
def test_ingest_then_ask_offline_with_the_real_model(cli_env, capsys, no_network):
    """Proof that nothing downloads: every non-loopback connection is refused while ingesting and answering."""
    assert main(["ingest"]) == 0
    out = capsys.readouterr().out
    assert "Indexed 67 clauses from 1 document(s)" in out
    assert "Our Zoom Policy" in out and "Using Mobile Phones" in out
    assert main(["ingest"]) == 0
    assert "Index up to date" in capsys.readouterr().out

    assert main(["ask", "--json", "--role", "parent", "will the zoom sessions be recorded?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["route"] == "answer"
    assert answer["citations"][0]["clause_id"] == "ZP-6"
    assert answer["citations"][0]["page"] == "2"

    assert main(["ask", "can I email a child about their homework?"]) == 0
    text = capsys.readouterr().out
    assert "ESV-9" in text and "copy at least one other member of staff" in text


@pytest.mark.model
def test_ingest_reports_skipped_files_and_exits_non_zero(cli_env, capsys):
    (cli_env.policy_dir / "minutes.xlsx").write_bytes(b"PK\x03\x04")
    assert main(["ingest"]) == 1
    out = capsys.readouterr().out
    assert "Skipped: minutes.xlsx: unsupported file type .xlsx; save it as PDF, DOCX, Markdown or TXT" in out
    assert "Indexed 67 clauses" in out


@pytest.mark.model
def test_ask_after_the_policy_changed_answers_from_the_new_version(cli_env, capsys):
    assert main(["ingest"]) == 0
    capsys.readouterr()
    (cli_env.policy_dir / "trips-policy.md").write_text(
        "# Trips Policy\n\n## Coaches\n\n- Every coach trip has a named first aider on board.\n", encoding="utf-8")
    assert main(["ask", "--json", "does every coach trip have a first aider on board?"]) == 0
    captured = capsys.readouterr()
    answer = json.loads(captured.out)  # stdout holds the answer alone
    assert "out of date: ingesting" in captured.err
    assert answer["citations"][0]["document"] == "trips-policy.md"
    assert answer["citations"][0]["text"] == "Every coach trip has a named first aider on board."
