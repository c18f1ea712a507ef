FROM busybox:1.36
CMD ["echo", "one"]
CMD ["echo", "two"]
ENTRYPOINT ["sh", "-c"]
ENTRYPOINT ["/bin/sh"]
HEALTHCHECK CMD true
HEALTHCHECK CMD false
USER 1000
