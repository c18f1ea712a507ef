ARG BASE_TAG=3.12
FROM python:${BASE_TAG}-slim
ARG GITHUB_TOKEN
ARG NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789
ARG DB_USERNAME=app
RUN pip install --no-cache-dir git+https://${GITHUB_TOKEN}@github.com/example/private.git
USER 1000
