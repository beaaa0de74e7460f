# Two commands do all set-up on a fresh machine (Python >= 3.11 with venv):
#   make lab   - install the lessons' packages and JupyterLab into .venv, open the course
#   make test  - install everything (nbgrader, Voila, the test tools too) and run the whole suite
# Re-running is fast: an install step runs again only when pyproject.toml changes, and `make lab`
# after `make test` installs nothing (the larger install counts for the smaller).
# Without make (Windows, macOS): README.md, "Windows and macOS".

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One stamp per set of groups (pyproject.toml's extras); an install touches the stamps of every
# set it covers.
LAB_STAMP := $(VENV)/.installed-lab
INSTRUCTOR_STAMP := $(VENV)/.installed-instructor
TEST_STAMP := $(VENV)/.installed-test
LAB_EXTRAS := lab
INSTRUCTOR_EXTRAS := lab,instructor
TEST_EXTRAS := lab,instructor,test
LAB_ARGS ?=
# The suite runs on every core (pytest-xdist); each lesson's autograde stays on one worker.
PYTEST_ARGS ?= -n auto --dist loadgroup
# JupyterLab refuses to run as root unless told to (containers, CI, some hubs).
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: install system lab test lessons collect grade feedback report export formgrader bench lint format clean demo

# $(call pip_install,EXTRAS,STAMPS): install the course with those extras, then touch the stamps.
define pip_install
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --editable '.[$(1)]'
	@$(BIN)/jupyter labextension list 2>&1 | grep -q 'jupyterlab-manager.*enabled' \
		|| $(BIN)/jupyter labextension enable @jupyter-widgets/jupyterlab-manager
	@echo "ipywidgets front end: enabled"
	@touch $(2)
endef

install: $(TEST_STAMP)

$(LAB_STAMP): pyproject.toml
	$(call pip_install,$(LAB_EXTRAS),$(LAB_STAMP))

$(INSTRUCTOR_STAMP): pyproject.toml
	$(call pip_install,$(INSTRUCTOR_EXTRAS),$(LAB_STAMP) $(INSTRUCTOR_STAMP))

$(TEST_STAMP): pyproject.toml
	$(call pip_install,$(TEST_EXTRAS),$(LAB_STAMP) $(INSTRUCTOR_STAMP) $(TEST_STAMP))

# The student's JupyterLab on workspace/ (utils/workspace.py; settings in config/student-lab/):
# no news pop-up; where nbgrader is installed, its Assignment List but not its instructor tools.
# Installs the lessons' packages and JupyterLab only (.[lab]); `nn-workbook lab` is the same.
lab: $(LAB_STAMP)
	$(BIN)/python -m utils.workspace lab $(LAB_ARGS)

# The lecture demos (demos/*.ipynb) as web pages: code hidden, widgets live, on this machine only
# and with nothing fetched from the internet (settings in config/demo/). Served from a copy in
# workspace/demos that never overwrites a lecturer's edits, so nothing lands in the repository.
DEMO_PORT ?= 8866
demo: $(INSTRUCTOR_STAMP)
	@echo "Voila demo: http://127.0.0.1:$(DEMO_PORT)/voila/render/playground.ipynb"
	@echo "  (all demos: http://127.0.0.1:$(DEMO_PORT)/ ; Ctrl-C stops the server)"
	$(BIN)/python -m utils.workspace demo --port=$(DEMO_PORT)

# Debian packages for the sandbox, browser and PostgreSQL tests; installed where missing.
system:
	@bash .ci/system-packages

test: $(TEST_STAMP) system
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lessons: $(INSTRUCTOR_STAMP)
	$(BIN)/python -m grading lessons

# The instructor's term (README: "Teaching with it"); this folder is the nbgrader course.
# An LMS download zip into submitted/ (the latest resubmission wins, older ones are kept):
#   make collect A=01-perceptron ZIP=download.zip [ROSTER=roster.csv] [ZONE=Europe/Paris]
collect: $(INSTRUCTOR_STAMP)
	$(BIN)/python -m grading collect $(A) $(ZIP) $(if $(ROSTER),--roster $(ROSTER)) $(if $(ZONE),--zone $(ZONE))

# Grade one lesson's submissions (submitted/) in sandboxes; autograded/ and the gradebook for
# formgrader, grades/grades-LESSON.csv:
#   make grade A=01-perceptron [J=2] [DB=postgresql://...] [SHARD=1/2] [BUDGET=600]
grade: $(INSTRUCTOR_STAMP) system
	$(BIN)/python -m grading grade $(A) $(if $(J),-j $(J)) $(if $(DB),--db $(DB)) $(if $(SHARD),--shard $(SHARD)) $(if $(BUDGET),--budget $(BUDGET))

# After marking the written answers in formgrader: the students' feedback, then
# `nbgrader release_feedback A` sends it:   make feedback A=01-perceptron [DB=...]
feedback: $(INSTRUCTOR_STAMP)
	$(BIN)/python -m grading feedback $(A) $(if $(DB),--db $(DB))

# The class report (grades/report-*.html):   make report [T=0.5]
report: $(INSTRUCTOR_STAMP)
	$(BIN)/python -m grading report $(if $(T),--threshold $(T)) $(if $(DB),--db $(DB))

# Canvas and Moodle grade files (grades/lms/):   make export ROSTER=roster.csv [CANVAS_IDS=ids.txt]
export: $(INSTRUCTOR_STAMP)
	$(BIN)/python -m grading export --roster $(ROSTER) $(if $(CANVAS_IDS),--canvas-ids $(CANVAS_IDS)) $(if $(DB),--db $(DB))

# JupyterLab in the course folder, with formgrader (Nbgrader > Formgrader) for marking.
formgrader: $(INSTRUCTOR_STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(ROOT_ARGS) $(LAB_ARGS)

bench: $(TEST_STAMP)
	$(BIN)/python tests/benchmarks/run.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
