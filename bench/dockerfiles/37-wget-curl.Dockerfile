FROM debian:12
RUN wget https://example.com/a.tar.gz
RUN curl -fsSLo /b https://example.com/b
USER 1000
