FROM alpine:3.19 AS rootfs
RUN apk add --no-cache ca-certificates=20240226-r0
FROM scratch
COPY --from=rootfs / /
USER 65534
