"""Settings come from defaults, a TOML file and POLICY_ASSISTANT_* variables, in that order."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_name_the_policys_people_and_bind_to_loopback():
    settings = load_settings(env={})
    assert settings.contacts.dsl_name == "Sarah Rands"
    assert settings.contacts.online_name == "Holly Davis"
    assert settings.host == "127.0.0.1"
    assert settings.admin_password == ""
    assert settings.chroma_url == ""


def test_sample_configuration_loads_and_environment_overrides_it(tmp_path):
    env = {"POLICY_ASSISTANT_PORT": "9000", "POLICY_ASSISTANT_CHROMA_URL": "http://127.0.0.1:8001"}
    settings = load_settings(env=env, config_path=ROOT / "policy-assistant.example.toml")
    assert settings.contacts.organisation == "Example Arts Club"
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
