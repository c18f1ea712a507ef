FROM node:20.11
RUN cd /tmp && git clone https://example.com/repo.git && cd repo && make
WORKDIR app
WORKDIR /srv/app
USER node
