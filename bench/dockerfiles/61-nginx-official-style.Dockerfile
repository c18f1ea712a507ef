FROM debian:bookworm-slim
ENV NGINX_VERSION=1.25.4
ENV NJS_VERSION=0.8.3
RUN set -x \
    && groupadd --system --gid 101 nginx \
    && useradd --system --gid nginx --no-create-home --home /nonexistent --comment "web server" --shell /bin/false --uid 101 nginx \
    && apt-get update \
    && apt-get install --no-install-recommends --no-install-suggests -y gnupg1 ca-certificates \
    && NGINX_GPGKEY=0123456789ABCDEF0123456789ABCDEF01234567; \
    found=''; \
    for server in hkps://keys.example.org hkps://keys2.example.org; do \
        echo "Fetching GPG key $NGINX_GPGKEY from $server"; \
        apt-key adv --keyserver "$server" --keyserver-options timeout=10 --recv-keys "$NGINX_GPGKEY" && found=yes && break; \
    done; \
    test -z "$found" && echo >&2 "error: failed to fetch GPG key $NGINX_GPGKEY" && exit 1; \
    dpkgArch="$(dpkg --print-architecture)" \
    && case "$dpkgArch" in \
        amd64|arm64) echo "deb https://pkgs.example.com/debian bookworm main" >> /etc/apt/sources.list.d/nginx.list ;; \
        *) echo "unsupported" ;; \
    esac \
    && apt-get update \
    && apt-get install --no-install-recommends --no-install-suggests -y nginx=${NGINX_VERSION}-1~bookworm gettext-base curl \
    && rm -rf /var/lib/apt/lists/* \
    && ln -sf /dev/stdout /var/log/nginx/access.log
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
