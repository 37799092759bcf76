# Clicktrail image: a release build on the official Swift image, run on slim Debian as a
# non-root user with the SQLite database on the /data volume.
#   docker build -t clicktrail .
#   docker run -p 8080:8080 -v clicktrail-data:/data -e CLICKTRAIL_SITE_HOSTS=www.example.com clicktrail
# The runtime packages below are checked on every test run against `ldd` of the binary
# (scripts/check-runtime-libs): a library no package provides fails the build here, not in
# production.

# The toolchain the project is built and tested with (6.3); Debian 12 like the runtime stage, so
# the shared libraries the binary links come from the same package versions.
ARG SWIFT_IMAGE=swift:6.3-bookworm

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-dev libcurl4-openssl-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Dependencies first: this layer is reused until Package.swift changes.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
# The Swift runtime and Foundation are linked statically, so the runtime stage needs only the
# system libraries; resource bundles (bot lists, API documents) sit next to the binary.
RUN swift build -c release --product clicktrail --static-swift-stdlib \
 && bin="$(swift build -c release --show-bin-path)" \
 && mkdir -p /staging \
 && cp "$bin/clicktrail" /staging/ \
 && cp -R "$bin"/*.resources /staging/ \
 && strip /staging/clicktrail

FROM debian:bookworm-slim AS runtime
# libsqlite3-0: the database; libstdc++6, libgcc-s1, zlib1g: linked by the runtime and NIO;
# tzdata: IANA zones for the stats' tz (Foundation reads /usr/share/zoneinfo);
# ca-certificates: TLS to Google Analytics; curl: the HEALTHCHECK.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-0 libstdc++6 libgcc-s1 zlib1g tzdata ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin clicktrail \
 && mkdir -p /data && chown clicktrail:clicktrail /data
COPY --from=build /staging/ /app/
USER clicktrail
WORKDIR /data
VOLUME ["/data"]
ENV CLICKTRAIL_HOST=0.0.0.0 \
    CLICKTRAIL_PORT=8080 \
    CLICKTRAIL_DATABASE=/data/clicktrail.sqlite \
    CLICKTRAIL_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${CLICKTRAIL_PORT}/healthz" >/dev/null || exit 1
# serve drains the click writer and the GA sender on SIGTERM, then exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/clicktrail"]
CMD ["serve"]
