# Airbyte runs sources as images: `docker run <image> spec|check|discover|read ...`.
# `npm run image` builds this as devin-tap/source-devin:<version> (docker or podman); by hand:
#   docker build --build-arg VERSION=0.1.0 -t devin-tap/source-devin:0.1.0 .
# Two stages: the builder compiles better-sqlite3 and the TypeScript; the runtime stage gets only the
# production node_modules (pruned of build leftovers), dist/src, catalog and package.json.
ARG BASE_IMAGE=node:20-slim

FROM ${BASE_IMAGE} AS builder
WORKDIR /build
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update -o Acquire::Languages=none \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# node-gyp downloads Node's headers unless npm_config_nodedir names a copy: use the base's own.
RUN if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/local/include/node/common.gypi ]; then \
      export npm_config_nodedir=/usr/local; \
    fi \
  && npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# Only src/ is compiled here (the repository's tsconfig also covers test/, bench/ and scripts/).
RUN printf '{"extends":"./tsconfig.json","include":["src"],"compilerOptions":{"sourceMap":false}}' \
    > tsconfig.image.json \
  && node node_modules/typescript/bin/tsc -p tsconfig.image.json \
  && npm prune --omit=dev --no-audit --no-fund \
  && cd node_modules/better-sqlite3 \
  && find build -mindepth 1 -not -path 'build/Release' -not -path 'build/Release/better_sqlite3.node' -delete \
  && rm -rf deps src binding.gyp \
  && cd /build \
  && rm -rf node_modules/.package-lock.json node_modules/.bin \
  && find node_modules \( -name '*.md' -o -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) \
    -type f -delete

FROM ${BASE_IMAGE}
ARG VERSION=0.0.0
WORKDIR /airbyte/integration_code
COPY --from=builder /build/node_modules ./node_modules
COPY --from=builder /build/dist/src ./dist/src
COPY package.json ./
COPY catalog ./catalog
ENV NODE_ENV=production
ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/src/cli.js"
ENTRYPOINT ["node", "/airbyte/integration_code/dist/src/cli.js"]
LABEL io.airbyte.name="devin-tap/source-devin"
LABEL io.airbyte.version="${VERSION}"
# Numeric, so Kubernetes' runAsNonRoot can verify it: uid 1000 is the base's `node` user.
USER 1000:1000
