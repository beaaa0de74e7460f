# The students' image for a JupyterHub (Zero to JupyterHub's singleuser image; README: "A term on
# a JupyterHub"). Build it from this folder:   docker build -t nn-workbook:0.1.0 .
# On a docker-stacks base: the lessons' packages and JupyterLab at the course's pins with a
# CPU-only torch, the course's `utils` package, the lessons in /srv/nn-workbook/lessons and a
# data folder every user can write, named by NN_WORKBOOK_DATA. No image is built by the tests:
# tests/test_hub_image.py runs this file's `pip install` steps in a clean venv and a lesson there.
FROM quay.io/jupyter/minimal-notebook:2024-03-31

# lab: the students' JupyterLab. For nbgrader's exchange (the Assignment List), build with
# --build-arg EXTRAS=lab,instructor, which adds nbgrader (and Voila, PostgreSQL's driver).
# nbgitpuller: links that pull the lessons into a student's home (README).
ARG EXTRAS=lab

USER root
RUN install -d -o "${NB_UID}" -g "${NB_GID}" -m 0775 /srv/nn-workbook /srv/nn-workbook/data
USER ${NB_UID}

COPY --chown=${NB_UID}:${NB_GID} . /tmp/nn-workbook
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu \
        "/tmp/nn-workbook[${EXTRAS}]" nbgitpuller==1.3.0 \
    && cp -r /tmp/nn-workbook/lessons /srv/nn-workbook/lessons \
    && rm -rf /tmp/nn-workbook

# MNIST (lessons 05 and 07) is downloaded here on first use, or mount a shared copy here.
ENV NN_WORKBOOK_DATA=/srv/nn-workbook/data
WORKDIR /home/${NB_USER}
