FROM debian:12
ARG PACKAGES="curl git"
RUN apt-get update && apt-get install -y --no-install-recommends $PACKAGES && rm -rf /var/lib/apt/lists/*
COPY packages.txt /tmp/
RUN apt-get update && xargs apt-get install -y --no-install-recommends < /tmp/packages.txt && rm -rf /var/lib/apt/lists/*
USER 1000
