FROM alpine:3.19
CMD [ "echo", 'not json' ]
ENTRYPOINT ["bad json",]
USER 1000
