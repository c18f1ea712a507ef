# syntax=docker/dockerfile:1
FROM debian:12.5-slim@sha256:3d5df92588469a4c503adbead0e4129ef3f88e223954011c2169073897547cac
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates=20230311 \
        curl=7.88.1-10+deb12u5 \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd -r app && useradd -r -g app -u 10001 app
USER 10001
HEALTHCHECK --interval=30s --timeout=3s CMD ["curl", "-f", "http://localhost:8080/health"]
ENTRYPOINT ["/usr/local/bin/app"]
