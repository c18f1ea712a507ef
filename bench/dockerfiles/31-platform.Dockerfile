FROM --platform=linux/amd64 golang:1.22 AS build
FROM --platform=$BUILDPLATFORM golang:1.22 AS cross
FROM --platform=$TARGETPLATFORM alpine:3.19
COPY --from=build /go/bin /usr/local/bin
COPY --from=cross /go/bin /opt/bin
USER 1000
