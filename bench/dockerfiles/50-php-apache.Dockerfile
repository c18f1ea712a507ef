FROM php:8.3-apache
RUN docker-php-ext-install pdo_mysql
RUN apt-get -qq update && apt-get -qq install --no-install-recommends libzip-dev && rm -rf /var/lib/apt/lists/*
COPY --chown=www-data:www-data . /var/www/html/
USER www-data
