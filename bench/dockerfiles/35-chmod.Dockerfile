FROM alpine:3.19
RUN mkdir -p /data && chmod 777 /data
RUN chmod -R o+w /srv
RUN chmod 1777 /scratch
COPY --chmod=777 entry.sh /entry.sh
USER 1000
