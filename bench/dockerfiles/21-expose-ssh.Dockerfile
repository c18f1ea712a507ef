FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server=1:8.9p1-3ubuntu0.6 && rm -rf /var/lib/apt/lists/*
RUN mkdir /var/run/sshd && echo 'root:root' | chpasswd
EXPOSE 22
EXPOSE 2375/tcp 3389 8000-8010/udp
EXPOSE 70000
CMD ["/usr/sbin/sshd", "-D"]
