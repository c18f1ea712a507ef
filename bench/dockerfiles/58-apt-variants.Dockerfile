FROM debian:12
RUN apt-get -y install --no-install-recommends foo=1.0 ./local.deb
RUN apt-get install -qqy --no-install-recommends bar=2.0 && rm -rf /var/lib/apt/lists/*
RUN DEBIAN_FRONTEND=noninteractive apt-get install --yes -o APT::Install-Recommends=false baz=3.0 && rm -r /var/lib/apt/lists
USER 1000
