"""`policy-assistant init`: the configuration's contacts from a few questions, or from options."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import assistant.cli as cli
from assistant.cli import main
from assistant.notice import build_notice
from assistant.settings import load_settings


def test_init_writes_the_contacts_from_options_without_asking(tmp_path, capsys):
    path = tmp_path / "policy-assistant.toml"
    code = main(["--config", str(path), "init", "--no-input", "--organisation", 'Riverside "Arts"',
                 "--dsl-name", "Alex Morgan", "--dsl-phone", "01632 960000", "--dsl-email", "dsl@example.org",
                 "--deputy-name", "Sam Reid"])
    assert code == 0
    contacts = load_settings(env={}, config_path=path).contacts
    assert (contacts.organisation, contacts.dsl_name, contacts.dsl_phone, contacts.dsl_email, contacts.deputy_name) == (
        'Riverside "Arts"', "Alex Morgan", "01632 960000", "dsl@example.org", "Sam Reid")
    out = capsys.readouterr().out
    assert "Alex Morgan" in out and "childrens social care" in out  # what is still missing
    text = build_notice(contacts, "adult", "staff").to_text()
    assert "Alex Morgan" in text and "01632 960000" in text
    assert not stat.S_IMODE(os.stat(path).st_mode) & 0o077  # it may hold a password: the owner's only


def test_init_refuses_to_overwrite_without_force_and_keeps_other_settings_with_it(tmp_path, capsys):
    path = tmp_path / "policy-assistant.toml"
    path.write_text('admin_password = "s3cret"\nport = 9000\n\n[contacts]\ndsl_name = "Old Name"\n'
                    'childrens_social_care = "0300 123 4567"\n', encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    assert main(["--config", str(path), "init", "--no-input", "--dsl-name", "New Name"]) == 1
    assert "--force" in capsys.readouterr().err and path.read_text(encoding="utf-8") == before
    assert main(["--config", str(path), "init", "--no-input", "--force", "--dsl-name", "New Name"]) == 0
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["admin_password"] == "s3cret" and data["port"] == 9000
    assert data["contacts"] == {"dsl_name": "New Name", "childrens_social_care": "0300 123 4567"}


def test_init_asks_each_question_and_asks_again_when_an_answer_cannot_be_used(tmp_path, monkeypatch, capsys):
    path = tmp_path / "policy-assistant.toml"
    answers = iter(["Riverside Arts", "Alex Morgan", "not a number", "01632 960000", "alex@", "alex@example.org",
                    "", "", ""])
    asked = []

    def ask(prompt):
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr(cli, "_interactive", lambda: True)
    args = cli.build_parser().parse_args(["--config", str(path), "init"])
    assert cli.cmd_init(None, args, ask=ask) == 0
    assert len(asked) == 9 and "Designated Safeguarding Lead's name" in asked[1]
    assert "phone number has digits" in capsys.readouterr().out
    contacts = load_settings(env={}, config_path=path).contacts
    assert (contacts.dsl_phone, contacts.dsl_email, contacts.deputy_name) == ("01632 960000", "alex@example.org", "")


def test_init_rejects_a_bad_option_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "policy-assistant.toml"
    assert main(["--config", str(path), "init", "--no-input", "--dsl-phone", "call me"]) == 2
    assert "--dsl-phone" in capsys.readouterr().err and not path.exists()


def test_init_works_even_when_the_configuration_is_broken(tmp_path):
    """A file that cannot be read stops every other command; init --force replaces it."""
    path = tmp_path / "policy-assistant.toml"
    path.write_text("this is = not toml [", encoding="utf-8")
    env = {**os.environ, "POLICY_ASSISTANT_CONFIG": str(path)}
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "init", "--force", "--dsl-name", "Alex Morgan"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 0, done.stderr
    assert load_settings(env={}, config_path=path).contacts.dsl_name == "Alex Morgan"


@pytest.mark.parametrize("field", ["--organisation", "--dsl-name", "--dsl-phone", "--dsl-email", "--deputy-name"])
def test_init_has_an_option_for_each_question(field, capsys):
    with pytest.raises(SystemExit):
        main(["init", "--help"])
    assert field in capsys.readouterr().out


def test_the_readme_and_the_warning_name_init(tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "policy-assistant init" in readme


def test_init_chooses_the_larger_model_for_policies_without_example_questions(tmp_path, monkeypatch, capsys):
    from assistant import large_model

    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy_docs").mkdir()
    (tmp_path / "policy_docs" / "code-of-conduct.md").write_text("# Conduct\n\nCoaches must not text players.\n")
    path = tmp_path / "policy-assistant.toml"
    monkeypatch.setattr(large_model, "part_files", lambda: [])  # its wheels are there
    assert main(["--config", str(path), "init", "--no-input", "--dsl-name", "Alex Morgan"]) == 0
    assert load_settings(env={}, config_path=path).embedding_model == "policy-mpnet"
    assert 'embedding_model = "policy-mpnet"' in capsys.readouterr().out  # said, with how to undo it
    # A second init keeps what the file says, and says nothing more about it.
    path.write_text(path.read_text(encoding="utf-8").replace('"policy-mpnet"', '""'), encoding="utf-8")
    assert main(["--config", str(path), "init", "--no-input", "--force", "--dsl-name", "Sam Reid"]) == 0
    assert load_settings(env={}, config_path=path).embedding_model == ""
    assert "embedding_model" not in capsys.readouterr().out


@pytest.mark.parametrize("situation", ["example questions", "no wheels", "no policies yet"])
def test_init_keeps_the_default_model_otherwise(tmp_path, monkeypatch, situation):
    from assistant import large_model

    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy_docs").mkdir()
    if situation != "no policies yet":
        (tmp_path / "policy_docs" / "code-of-conduct.md").write_text("# Conduct\n\nCoaches must not text players.\n")
    if situation == "example questions":
        (tmp_path / "policy_docs" / "questions").mkdir()
        (tmp_path / "policy_docs" / "questions" / "code-of-conduct.toml").write_text("")

    def missing():
        raise large_model.LargeModelError("not installed")

    monkeypatch.setattr(large_model, "part_files", missing if situation == "no wheels" else lambda: [])
    path = tmp_path / "policy-assistant.toml"
    assert main(["--config", str(path), "init", "--no-input", "--dsl-name", "Alex Morgan"]) == 0
    assert load_settings(env={}, config_path=path).embedding_model == ""
