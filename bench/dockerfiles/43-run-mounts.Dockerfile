# syntax=docker/dockerfile:1
FROM debian:12
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc echo ok
RUN --security=insecure mount -t tmpfs none /mnt
USER 1000
