FROM debian:12 AS build
USER root
RUN echo build

FROM debian:12
RUN useradd -m app
USER app
RUN whoami
USER root
CMD ["bash"]
