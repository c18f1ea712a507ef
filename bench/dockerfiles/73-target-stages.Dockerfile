FROM ubuntu:22.04 AS base
RUN apt-get update && apt-get install -y --no-install-recommends python3=3.10.6-1~22.04
FROM base AS dev
RUN apt-get update && apt-get install -y --no-install-recommends vim=2:8.2.3995-1ubuntu2
USER root
FROM base AS prod
COPY app /app
USER 10001
CMD ["python3", "/app/main.py"]
