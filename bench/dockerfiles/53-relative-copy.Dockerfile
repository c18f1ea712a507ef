FROM alpine:3.19
COPY app.sh app.sh
COPY config/ config/
WORKDIR /opt
COPY lib lib
USER 1000
