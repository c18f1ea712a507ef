FROM debian:12
MAINTAINER Jane Doe <jane@example.com>
USER 1000
