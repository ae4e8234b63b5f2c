# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test lint bench demo plan clean run-cluster loadtest loadtest-compare

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

## make run : installe puis sert l'application sur http://localhost:$(PORT)
## (python -m dashboard serve : st.App de Streamlit sous uvicorn, routes /connexion et /deconnexion ; options de streamlit run
## dans STREAMLIT_OPTIONS)
STREAMLIT_OPTIONS ?=
run: $(VENV)/.installed
	$(BIN)/python -m dashboard serve app.py --server.port $(PORT) $(STREAMLIT_OPTIONS)

## make run-cluster REPLICAS=2 PORT=8501 : REPLICAS processus derrière nginx (base PostgreSQL : DASHBOARD_DB)
REPLICAS ?= 2
run-cluster: $(VENV)/.installed
	$(BIN)/python scripts/run_cluster.py --replicas $(REPLICAS) --port $(PORT)

## make loadtest N=20 PORT=8501 : N sessions simultanées sur le serveur (ou nginx) du port PORT
N ?= 20
loadtest: $(VENV)/.installed
	$(BIN)/python scripts/loadtest.py --url http://127.0.0.1:$(PORT) -n $(N)

## make loadtest-compare N=20 REPLICAS=2 : un processus puis la grappe, mesurés dans la même exécution
loadtest-compare: $(VENV)/.installed
	$(BIN)/python scripts/loadtest.py --compare -n $(N) --replicas $(REPLICAS) --port $(PORT)

## make test : installe puis lance ruff et toute la suite pytest
test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

## make bench : mesure les temps (médianes) des pages, de l'import et des fichiers du diaporama
## (bench_pages : ouverture et relance de chaque page côté serveur contre l'application triviale, plan livré
## et plan 100× ; bench_browser : chaque page dessinée dans Chromium, première visite et de nouveau, contre
## une page Streamlit vide ; BENCH_REF=COMMIT mesure aussi ce commit, avant/après dans la même exécution)
BENCH_REF ?=
bench: $(VENV)/.installed
	$(BIN)/python scripts/bench_pages.py
	$(BIN)/python scripts/bench_browser.py $(if $(BENCH_REF),--ref $(BENCH_REF))
	$(BIN)/python scripts/benchmark.py
	$(BIN)/python scripts/bench_import.py
	$(BIN)/python scripts/bench_deck.py

## make demo : régénère les classeurs de démonstration data/demo/
demo: $(VENV)/.installed
	$(BIN)/python scripts/make_demo.py

## make plan : régénère data/plan_2023_2028.xlsx depuis le texte du plan
plan: $(VENV)/.installed
	$(BIN)/python scripts/build_plan_workbook.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
