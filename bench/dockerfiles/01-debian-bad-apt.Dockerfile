FROM debian
RUN apt-get update
RUN apt-get install curl wget
RUN apt-get install -y python3 && rm -rf /var/lib/apt/lists/*
CMD python3 -m http.server
