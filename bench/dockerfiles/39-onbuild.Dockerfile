FROM node:20
ONBUILD COPY . /app
ONBUILD RUN npm install express
ONBUILD ONBUILD RUN echo nested
ONBUILD FROM alpine
USER node
