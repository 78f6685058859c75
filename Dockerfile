# One image: the built editor + the server (API + worker). PostgreSQL is external: set
# DATABASE_URL. Without DATABASE_URL the server starts an embedded PostgreSQL under
# /app/.data (mount a volume there), which suits a trial, not production.

# Stage 1: build the editor (needs its dev dependencies: Vite, the React plugin).
FROM node:24-bookworm-slim AS editor
WORKDIR /app
RUN npm install -g pnpm@10.34.9
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches/ patches/
COPY server/package.json server/
COPY nodes/package.json nodes/
COPY editor/package.json editor/
COPY bench/package.json bench/
RUN pnpm install --frozen-lockfile --filter "@junction/editor..."
# editor/tsconfig.json extends the root one; Vite reads both.
COPY tsconfig.json ./
COPY nodes/ nodes/
COPY editor/ editor/
RUN pnpm --filter @junction/editor build

# Stage 2: the server with production dependencies only, and the editor's build.
FROM node:24-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000

WORKDIR /app
RUN npm install -g pnpm@10.34.9

# Dependencies first, so that a code change does not reinstall them.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches/ patches/
COPY server/package.json server/
COPY nodes/package.json nodes/
COPY editor/package.json editor/
COPY bench/package.json bench/
RUN pnpm install --frozen-lockfile --prod --filter "@junction/server..."

COPY nodes/ nodes/
COPY server/ server/
COPY migrations/ migrations/
COPY workflows/ workflows/
COPY --from=editor /app/editor/dist editor/dist
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 3000
# main.ts applies the migrations, then serves (the editor at /). --no-node-snapshot: isolated-vm needs it.
CMD ["node", "--no-node-snapshot", "server/src/main.ts", "--role", "all"]
