FROM debian:12
COPY --from=nginx:latest /etc/nginx/nginx.conf /etc/nginx/
COPY --from=busybox /bin/busybox /bin/busybox
COPY --from=docker.io/library/alpine:3.19 /etc/alpine-release /etc/
COPY a.txt b.txt /dest
USER 1000
