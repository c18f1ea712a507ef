FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends sudo=1.9.9-1ubuntu2.4 && rm -rf /var/lib/apt/lists/*
RUN useradd -m dev && echo "dev ALL=(ALL) NOPASSWD:ALL" >> /etc/sudoers
USER dev
RUN sudo mkdir -p /opt/app && sudo chown dev /opt/app
