# amazon-chat: a release build on a slim runtime image. No credentials in the image: the server
# finds its AWS identity at run time (see deploy/README.md and the README's AWS credentials section).
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs rustfmt.toml ./
COPY proto proto
COPY src src
COPY bench bench
RUN cargo build --release --locked && strip target/release/amazon-chat

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 amazon-chat
COPY --from=build /src/target/release/amazon-chat /usr/local/bin/amazon-chat
USER amazon-chat
ENV AWS_REGION=us-east-1
EXPOSE 8000
# gRPC health of the whole server (exit 0 when SERVING); `--rest` would ask GET /ready instead.
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s CMD ["amazon-chat", "health", "--url", "http://127.0.0.1:8000"]
ENTRYPOINT ["amazon-chat"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
