"""Nothing phones home, native code included: the real CLI and the real app, started as a user would
(none of the offline switches in their environment: the product sets them itself), with a fresh
home and cache folder, write nothing there at all: no telemetry queue, device id or cache from any
dependency.

The no-network test (test_cli.py) patches Python's sockets, so it cannot see native code. It was
onnxruntime 1.32 that queued usage events (a device id, the executable path, OS, CPU, memory) for
its vendor in ``~/.cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db`` on every start;
Chroma's, Gradio's and Hugging Face's caches and ids (``~/.cache/chroma``, ``~/.cache/huggingface``,
``~/.gradio``) are looked for the same way: any file at all under the fresh home fails the test.
Gradio imports matplotlib on every request, whose font cache now goes to the data folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import OFFLINE_ENV

from conftest import POLICY_PDF, serving

pytestmark = pytest.mark.model

# onnxruntime stays quiet on a CI machine (its native code looks for these), so a test run in CI with
# them set would pass without the switch: the product is started without them, as on a user's machine.
CI_MARKERS = {"CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL",
              "CODEBUILD_BUILD_ID", "BUILDKITE", "TEAMCITY_VERSION", "APPVEYOR", "BITBUCKET_BUILD_NUMBER"}


def _written(home: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file() or p.is_symlink())


@pytest.fixture
def fresh_home(tmp_path) -> tuple[Path, dict[str, str]]:
    """A working folder with the policy, and an environment whose home and caches are new and empty."""
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "work" / "policy_docs").mkdir(parents=True)
    shutil.copy(POLICY_PDF, tmp_path / "work" / "policy_docs" / POLICY_PDF.name)
    env = {k: v for k, v in os.environ.items()
           if k not in OFFLINE_ENV and k not in CI_MARKERS and k != "PYTEST_CURRENT_TEST"
           and not k.startswith(("POLICY_ASSISTANT_", "XDG_", "HF_", "GRADIO_", "MPL"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local" / "share"), XDG_STATE_HOME=str(home / ".local" / "state"),
               PYTHONUNBUFFERED="1")
    return tmp_path / "work", env


def test_the_cli_and_the_app_write_nothing_under_a_fresh_home(fresh_home):
    work, env = fresh_home
    home = Path(env["HOME"])
    cli = [sys.executable, "-m", "assistant.cli"]
    for command in (["ingest"], ["ask", "--json", "can I email a child about their homework?"]):
        done = subprocess.run(cli + command, cwd=work, env=env, capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
        assert _written(home) == [], command
    with serving(work, env, startup_timeout=240) as (url, _):
        from gradio_client import Client

        chat, _, _ = Client(url, verbose=False).predict("Can I record a Zoom session?", "staff", api_name="/ask")
        assert 'class="pa-card"' in str(chat[-1]["content"])
    assert _written(home) == []
    assert (work / ".policy-assistant" / "chroma").is_dir()  # what the product writes, it writes in its data folder
