# One image for the worker, the API and the one-shot setup (migrations, search attributes).
# Built in two stages: the first compiles TypeScript to dist/ and bundles the workflows (npm run
# build); the second holds only production dependencies and the compiled code, and runs `node`,
# never tsx: nothing is compiled at run time, and the worker loads the bundle that was built.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN bash scripts/prisma-generate.sh && bash scripts/build.sh dist

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
USER node
# Node passes SIGTERM to the process (no shell in between): the worker drains in-flight activities.
CMD ["node", "dist/api/main.js"]
