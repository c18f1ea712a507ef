FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.81.0-1ubuntu1.16 build-essential=12.9ubuntu3 && rm -rf /var/lib/apt/lists/*
RUN curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y
ENV PATH="/root/.cargo/bin:${PATH}"
RUN cargo install ripgrep
USER 1000
