FROM php:8.2-fpm
COPY --from=composer:2 /usr/bin/composer /usr/bin/composer
RUN curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/local/bin --filename=composer
WORKDIR /var/www
COPY . .
RUN composer install --no-dev --optimize-autoloader
USER www-data
