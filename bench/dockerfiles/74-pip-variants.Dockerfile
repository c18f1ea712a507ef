FROM python:3.12-slim
WORKDIR /src
COPY . .
RUN pip install --user --no-cache-dir -e . && pip install --no-cache-dir poetry==1.8.2 && poetry install --no-root
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir uvicorn[standard]==0.29.0 fastapi
USER 1000
