ARG PY=3.12
FROM python:${PY}-slim AS base
ONBUILD ARG APP_SECRET
ONBUILD ADD . /app
ONBUILD RUN pip install --no-cache-dir -r /app/requirements.txt
FROM base
COPY --from=0 /usr/local /usr/local
USER 1000
