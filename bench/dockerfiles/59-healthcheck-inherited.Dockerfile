FROM nginx:1.25 AS base
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
USER nginx
FROM base
COPY site /usr/share/nginx/html
