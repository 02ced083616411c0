# One image for every process of ones-m365; the compose service picks the command.
# Build from the repository root: docker build -f infra/docker/node.Dockerfile .
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.base.json ./
COPY shared/package.json shared/
COPY services/api/package.json services/api/
COPY services/worker/package.json services/worker/
COPY services/graph-simulator/package.json services/graph-simulator/
COPY services/standalone/package.json services/standalone/
RUN npm ci
COPY shared shared
COPY services services
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
# The image's `node` user, by number so Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 3000
CMD ["node", "services/api/dist/main.js"]
