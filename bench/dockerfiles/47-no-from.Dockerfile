LABEL stage=none
FROM alpine:3.19
USER 1000
