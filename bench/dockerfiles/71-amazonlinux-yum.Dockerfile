FROM amazonlinux:2023
RUN yum -y update && yum -y install shadow-utils && yum clean all && rm -rf /var/cache/yum
RUN useradd -u 1000 app
USER 1000
CMD ["/bin/bash"]
