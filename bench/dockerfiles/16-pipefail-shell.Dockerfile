FROM debian:12
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg
RUN echo "deb [signed-by=/usr/share/keyrings/example.gpg] https://example.com stable main" | tee /etc/apt/sources.list.d/example.list
USER 1000
