# Airbyte runs sources as images: `docker run <image> spec|check|discover|read ...`.
FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY catalog ./catalog
RUN npx tsc -p tsconfig.json && npm prune --omit=dev

FROM node:20-slim
WORKDIR /airbyte/integration_code
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/package.json ./package.json
COPY catalog ./catalog
ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/src/cli.js"
ENTRYPOINT ["node", "/airbyte/integration_code/dist/src/cli.js"]
LABEL io.airbyte.name="devin-tap/source-devin"
LABEL io.airbyte.version="0.1.0"
USER node
