# One image for the worker, the API and the one-shot setup (migrations, search attributes).
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN bash scripts/prisma-generate.sh
ENV NODE_ENV=production
USER node
CMD ["node_modules/.bin/tsx", "api/main.ts"]
