FROM node:20-alpine
WORKDIR /usr/src/app
COPY package*.json ./
RUN npm install
RUN npm install -g pm2 typescript@5.4.5
COPY . .
EXPOSE 3000
USER node
CMD ["node", "server.js"]
