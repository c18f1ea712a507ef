# syntax=docker/dockerfile:1
FROM alpine:3.19
COPY --chmod=755 <<-"EOT" /usr/local/bin/entry.sh
	#!/bin/sh
	set -e
	exec "$@"
	EOT
RUN <<EOF
apk add --no-cache curl=8.5.0-r0
curl -fsSL https://example.com/data -o /data
EOF
USER 1000
ENTRYPOINT ["/usr/local/bin/entry.sh"]
