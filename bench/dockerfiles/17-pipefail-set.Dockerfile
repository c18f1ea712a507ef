FROM debian:12
RUN set -eux; ls /etc | grep -c conf
RUN set -o pipefail && ls /etc | sort
USER 1000
