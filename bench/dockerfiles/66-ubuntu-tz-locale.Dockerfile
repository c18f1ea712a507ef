FROM ubuntu:24.04
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -yq --no-install-recommends tzdata locales && apt-get clean && locale-gen en_US.UTF-8
ENV LANG en_US.UTF-8
ENV TZ=Etc/UTC
RUN echo $TZ > /etc/timezone
USER ubuntu
