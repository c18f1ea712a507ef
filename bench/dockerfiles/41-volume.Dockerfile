FROM alpine:3.19
VOLUME ["/data", "/var/run/docker.sock"]
VOLUME /proc/sys
USER 1000
