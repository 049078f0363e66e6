# syntax=docker/dockerfile:1
# Pennant's controller image (README.md, "The image"):
#   docker build --build-arg VERSION=0.1.0 -t ghcr.io/pennant-dev/pennant:0.1.0 .
# Two stages: `build` compiles and packs the npm package and installs it with production
# dependencies only, exactly as `npm install -g` does for users; `runtime` carries that install and
# nothing else. test/unit/deploy/dockerfile.test.ts checks this file against the package, and the
# integration tier runs the same install as a non-root user from a read-only tree.
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json README.md ./
COPY bin bin
COPY crds crds
COPY stories stories
COPY src src
# npm pack runs the prepack script (npm run build: tsc into dist/) and packs what "files" lists.
RUN npm pack --pack-destination /tmp/package \
 && npm install --global --omit=dev --no-audit --no-fund --prefix /opt/pennant /tmp/package/pennant-*.tgz

# node:20-slim, not distroless: the bin scripts start with `#!/usr/bin/env node`, and GitSources
# need the git binary (simple-git runs it).
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="pennant" \
      org.opencontainers.image.description="Progressive delivery for Kubernetes: canary analysis, promotion and rollback, GitOps-native." \
      org.opencontainers.image.source="https://github.com/pennant-dev/pennant" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/pennant /opt/pennant
# HOME and TMPDIR on /tmp: with a read-only root filesystem it is the one writable place (an
# emptyDir in deploy/ and the chart); git writes its config and Pennant its clones there.
ENV PATH=/opt/pennant/bin:$PATH \
    NODE_ENV=production \
    HOME=/tmp \
    TMPDIR=/tmp
# Numeric, so Kubernetes can verify runAsNonRoot without a passwd entry.
USER 65532:65532
WORKDIR /
EXPOSE 8080
ENTRYPOINT ["pennant"]
CMD ["run"]
