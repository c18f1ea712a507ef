FROM debian:12
ENV GIT_SSL_NO_VERIFY=true
RUN curl -k https://example.com/a -o /a && wget --no-check-certificate https://example.com/b
RUN pip install --trusted-host pypi.example.com --no-cache-dir pkg==1.0
RUN npm config set strict-ssl false
RUN git -c http.sslVerify=false clone https://example.com/r.git
RUN apt-get install -y --allow-unauthenticated --no-install-recommends foo=1.0
USER 1000
