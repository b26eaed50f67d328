"""Settings come from defaults, a TOML file and POLICY_ASSISTANT_* variables, in that order."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import ConfigError, Contacts, config_file, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_name_nobody_and_bind_to_loopback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no policy-assistant.toml here
    settings = load_settings(env={})
    assert settings.contacts == Contacts()
    assert all(value == "" for value in vars(settings.contacts).values())  # no borrowed names, no organisation
    assert settings.host == "127.0.0.1"
    assert settings.admin_password == ""
    assert settings.chroma_url == ""


def test_sample_configuration_loads_and_environment_overrides_it(tmp_path):
    env = {"POLICY_ASSISTANT_PORT": "9000", "POLICY_ASSISTANT_CHROMA_URL": "http://127.0.0.1:8001"}
    settings = load_settings(env=env, config_path=ROOT / "policy-assistant.example.toml")
    assert settings.contacts.organisation == "Example Arts Club"
    # The shipped policy's people are named in the example configuration only.
    assert (settings.contacts.dsl_name, settings.contacts.online_name) == ("Sarah Rands", "Holly Davis")
    assert settings.port == 9000 and settings.chroma_url == "http://127.0.0.1:8001"
    assert "dsl_phone" in settings.contacts.missing()


@pytest.mark.parametrize(
    "content, message",
    [
        ("prot = 1\n", "unknown setting 'prot'"),
        ("port = 'eighty'\n", "setting 'port' cannot be"),
        ("[contacts]\ndsl_fax = '1'\n", "unknown contact field"),
        ("this is = not toml [", "not valid TOML"),
    ],
)
def test_bad_configuration_is_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "policy-assistant.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(env={}, config_path=path)


def test_missing_configuration_file_is_named():
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(env={"POLICY_ASSISTANT_CONFIG": "/nonexistent/pa.toml"})


def test_the_configuration_file_is_where_init_writes_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert config_file(env={}) == Path("policy-assistant.toml")
    assert config_file(env={"POLICY_ASSISTANT_CONFIG": str(tmp_path / "a.toml")}) == tmp_path / "a.toml"
    assert config_file(env={"POLICY_ASSISTANT_CONFIG": "x.toml"}, config_path=tmp_path / "b.toml") == tmp_path / "b.toml"
    assert load_settings(env={}).contacts == Contacts()  # the default file is optional


def test_new_bounds_are_settings_with_documented_defaults(tmp_path):
    settings = load_settings(env={}, config_path=ROOT / "policy-assistant.example.toml")
    assert settings.max_questions_per_minute == 30
    assert settings.quick_exit_url.startswith("https://")
    path = tmp_path / "policy-assistant.toml"
    path.write_text("max_questions_per_minute = 5\nquick_exit_url = 'https://example.org/'\n", encoding="utf-8")
    custom = load_settings(env={}, config_path=path)
    assert (custom.max_questions_per_minute, custom.quick_exit_url) == (5, "https://example.org/")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "max_questions_per_minute" in readme and "quick_exit_url" in readme
