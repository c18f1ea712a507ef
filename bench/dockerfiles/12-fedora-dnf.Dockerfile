FROM fedora:40
RUN dnf install -y nginx && dnf clean all
RUN dnf install vim-enhanced-9.1.0
RUN microdnf install shadow-utils
USER 1001
CMD ["nginx", "-g", "daemon off;"]
