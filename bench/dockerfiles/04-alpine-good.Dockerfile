FROM alpine:3.19
RUN apk add --no-cache tini=0.19.0-r2 \
 && adduser -D -u 10001 app
USER 10001:10001
HEALTHCHECK NONE
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["sleep", "infinity"]
