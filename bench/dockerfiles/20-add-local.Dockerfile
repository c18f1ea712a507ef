FROM nginx:1.25
ADD nginx.conf /etc/nginx/nginx.conf
ADD site/ /usr/share/nginx/html/
ADD rootfs.tar.gz /
ADD https://example.com/tool.tgz /tmp/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool2 /usr/local/bin/tool2
USER nginx
