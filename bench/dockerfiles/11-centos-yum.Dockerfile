FROM centos:7
RUN yum install httpd
RUN yum -y install php-7.4.33 && yum clean all
RUN yum install -y --nogpgcheck mod_ssl
EXPOSE 80 443
CMD ["/usr/sbin/httpd", "-D", "FOREGROUND"]
