# The app image: one Node process serving the API, the live socket and the built SPA.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 SEED_DEMO=false
EXPOSE 3000
USER node
CMD ["npm", "run", "start", "-w", "@cagnotte/server"]
