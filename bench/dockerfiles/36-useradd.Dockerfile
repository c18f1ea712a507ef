FROM debian:12
RUN useradd -u 123456789 bigapp
RUN useradd -l -u 123456789 bigapp2
RUN useradd -u 1001 smallapp
USER 123456789
