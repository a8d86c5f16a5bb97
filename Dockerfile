# syntax=docker/dockerfile:1

# --- build: compile TypeScript; better-sqlite3 may need a native build, hence python3 make g++ ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
RUN npm run build && npm prune --omit=dev

# --- runtime: compiled code and production dependencies only, as a non-root user ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    FEELERS_STORE=sqlite:///app/data/feelers.sqlite
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The pages' stylesheets, scripts and icons are served as written (no front-end build step).
COPY --from=build /app/src/web/assets ./src/web/assets
COPY config/feelers.example.yaml ./config/feelers.example.yaml
# The image's `node` user (uid 1000) owns only the data folder: the code stays read-only to it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME /app/data
EXPOSE 3000
# /healthz is 503 when the store or a connected network is down, so the orchestrator can restart us.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The flags of scripts/node-flags.json (a small young generation keeps RSS down: see there).
CMD ["node", "--enable-source-maps", "--max-semi-space-size=2", "dist/src/app/main.js"]
