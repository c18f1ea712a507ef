FROM alpine:3.19 AS base
RUN echo one
FROM alpine:3.19 AS base
RUN echo two
FROM base AS final
COPY --from=final /etc/hosts /tmp/hosts
COPY --from=later /x /x
FROM alpine:3.19 AS later
USER 1000
