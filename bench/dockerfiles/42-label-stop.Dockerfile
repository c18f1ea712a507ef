FROM alpine:3.19
LABEL org.opencontainers.image.title="demo" \
      org.opencontainers.image.version="1.0" \
      "com.example.quoted key"="value"
STOPSIGNAL SIGTERM
USER 1000
HEALTHCHECK --interval=10s CMD wget -q -O- http://localhost/ || exit 1
