# Airbyte runs sources as images: `docker run <image> spec|check|discover|read ...`.
# Build the JS first (`npm ci && npm run build`), then `docker build -t devin-tap/source-devin .`.
FROM node:20-slim
WORKDIR /airbyte/integration_code
# better-sqlite3 compiles from source when no prebuilt binary matches the platform.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY catalog ./catalog
COPY dist/src ./dist/src
ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/src/cli.js"
ENTRYPOINT ["node", "/airbyte/integration_code/dist/src/cli.js"]
LABEL io.airbyte.name="devin-tap/source-devin"
LABEL io.airbyte.version="0.1.0"
USER node
