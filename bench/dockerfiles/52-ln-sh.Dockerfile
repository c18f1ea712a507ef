FROM debian:12
RUN ln -sf /bin/bash /bin/sh
RUN service nginx start ; ps aux
USER 1000
