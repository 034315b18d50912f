# amazon-chat: one release binary on a distroless base (glibc, libgcc, CA certificates, a nonroot
# user; no shell, no package manager), run as that non-root user. No credentials in the image: the
# server finds its AWS identity at run time (see deploy/README.md and the README's AWS credentials
# section).
#
# Two ways to build, one runtime:
#   docker build -t amazon-chat .                         # compiles in rust:1-bookworm (BuildKit)
#   docker build --target prebuilt -t amazon-chat DIR     # DIR holds a release binary `amazon-chat`
# The second needs no Rust image. CI uses it with the legacy builder and a base it assembles from a
# debootstrap root file system with the same contents as distroless/cc (tests/container/run.sh),
# as no registry is reachable there. The stages are ordered so that `--target prebuilt` never
# builds the compiling stage, with BuildKit or without.
ARG RUNTIME_BASE=gcr.io/distroless/cc-debian12:nonroot

# The runtime every image shares: the user, and how the server runs.
FROM ${RUNTIME_BASE} AS runtime
# distroless's nonroot user.
USER 65532:65532
# The port serve listens on and `amazon-chat health` asks (change both together with -e).
ENV AMAZON_CHAT_PORT=8000 \
    AMAZON_CHAT_HEALTH_URL=http://127.0.0.1:8000
EXPOSE 8000
# gRPC health of the whole server (exit 0 when SERVING); `--rest` would ask GET /ready instead.
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s CMD ["/usr/local/bin/amazon-chat", "health"]
# SIGTERM drains in-flight calls (up to --shutdown-grace) before the process exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/amazon-chat"]
CMD ["serve", "--host", "0.0.0.0"]

# A binary built outside (strip it first: about 20 MB instead of 100).
FROM runtime AS prebuilt
COPY amazon-chat /usr/local/bin/amazon-chat

# The compiling stage, for machines that reach a registry.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs rustfmt.toml rust-toolchain.toml ./
COPY proto proto
COPY src src
COPY bench bench
# `--build-arg FEATURES=jemalloc`: less CPU per call, a little more idle memory (Cargo.toml).
ARG FEATURES=""
RUN cargo build --release --locked -p amazon-chat --features "${FEATURES}" && strip target/release/amazon-chat

# The default image.
FROM runtime AS image
COPY --from=build /src/target/release/amazon-chat /usr/local/bin/amazon-chat
