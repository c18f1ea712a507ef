FROM python:3.11 AS builder
WORKDIR /src
COPY pyproject.toml poetry.lock ./
RUN pip install --no-cache-dir poetry==1.8.2 && poetry export -o requirements.txt
RUN python -m pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:3.11-slim
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY --from=buildr /src/app /app
USER 10001
CMD ["python", "-m", "app"]
