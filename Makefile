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

.PHONY: install run test ask bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/.installed

run: install
	-$(BIN)/policy-assistant ingest
	$(BIN)/policy-assistant serve

ask: install
	$(BIN)/policy-assistant ask --role staff "can I email a child about their homework?"

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/python -m evals.bench

clean:
	rm -rf $(VENV) .policy-assistant
