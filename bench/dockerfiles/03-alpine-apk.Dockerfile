FROM alpine:latest
RUN apk update && apk add curl bash
RUN apk add --no-cache git=2.43.0-r0
USER nobody
ENTRYPOINT /bin/sh
