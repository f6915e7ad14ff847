# synced as a container image. The build stage compiles TypeScript with every dependency; the runtime
# stage holds only the compiled sources and the production dependencies, so no test, benchmark,
# compiler or linter ships in the image.
#
# Node.js 24 is a long-term-support line, maintained until April 2028 (20, which the project's
# engines still accept, is no longer maintained). The full version tag pins the runtime. Pin its
# digest as well where you build (NODE_IMAGE=node:24.20.0-trixie-slim@sha256:...): an official tag
# is rebuilt when Debian publishes fixes, and the digest is what makes two builds the same.
ARG NODE_IMAGE=node:24.20.0-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No production dependency needs an install script, so none is allowed to run one.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
# The default state directory. A pod's filesystem does not outlive the pod: a CronJob keeps its state
# in Cassandra or Elasticsearch (--state cassandra:<keyspace>.<table> or es:<index>), which overrides
# this; by hand, mount a volume here so checkpoints and dead letters survive the container.
RUN mkdir -p /var/lib/synced && chown 1000:1000 /var/lib/synced
ENV SYNCED_STATE=/var/lib/synced
VOLUME /var/lib/synced
# The image's `node` user, by number: Kubernetes can check runAsNonRoot only against a numeric user.
USER 1000:1000
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
CMD ["--help"]
