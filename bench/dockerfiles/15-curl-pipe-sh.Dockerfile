FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.81.0-1ubuntu1.15 && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
RUN wget -qO- https://get.example.com/install.sh | sh
RUN sh -c "$(curl -fsSL https://raw.example.com/install.sh)"
USER 1000
