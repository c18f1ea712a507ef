# syntax=docker/dockerfile:1.7
FROM debian:12-slim
RUN <<EOF
set -eux
apt-get update
apt-get install -y --no-install-recommends ca-certificates
rm -rf /var/lib/apt/lists/*
EOF
RUN <<-EOT bash
	set -e
	cd /opt
	curl -fsSL https://example.com/x.sh | sh
	EOT
COPY <<EOF /etc/app.conf
listen=8080
EOF
RUN python3 <<'PY'
import os
print("sudo apt-get install foo")
PY
USER 1000
