FROM debian:12
RUN apt-get update \
# install the tools
    && apt-get install -y --no-install-recommends \
        git=1:2.39.2-1.1 \

        make=4.3-4.1 \
    && rm -rf /var/lib/apt/lists/*   
USER 1000
