# One entry point for developers and CI. `make help` lists the targets.
.PHONY: help demo run test test-rust test-sdk test-clients test-bench test-fuzz test-container test-kubernetes image lint generate docs bench soak fuzz clean

CARGO ?= cargo

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

demo: ## Run the server against the built-in Bedrock emulator (no AWS account needed)
	$(CARGO) run --release -- serve --demo

run: ## Run the server against AWS (credentials and region from the environment or .env)
	$(CARGO) run --release -- serve

test: lint test-rust test-sdk test-clients test-bench test-fuzz test-kubernetes test-container ## Everything CI runs: lint, Rust tests, the OpenAI and Anthropic SDK suites, clients, bench smoke, bounded fuzzing, Kubernetes manifests, the container image

lint: ## rustfmt and clippy, warnings are errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p amazon-chat --bin amazon-chat --features jemalloc -- -D warnings

test-rust: ## Unit and integration tests (real server and emulator over loopback)
	$(CARGO) test --workspace
	# The opt-in jemalloc build (Cargo.toml) through the suites that start the real binary.
	$(CARGO) test --features jemalloc --test server --test cli --test rest

test-sdk: ## The REST doors driven by the official OpenAI (Python, Node) and Anthropic (Python) SDKs, and schemathesis
	$(CARGO) build
	tests/sdk/run.sh

test-clients: ## Generated clients: lint, drift check, and each language's suite against the live server
	$(CARGO) build
	clients/check.sh
	clients/test.sh

test-bench: ## The benchmark harness in quick mode (checks it works, not the timings)
	$(CARGO) build -p amazon-chat -p amazon-chat-bench
	target/debug/amazon-chat-bench --quick --bin target/debug/amazon-chat --out target/bench-quick
	target/debug/amazon-chat-bench --quick --latency-only --only rest-unary,rest-sse --rest-http2 --bin target/debug/amazon-chat --out target/bench-quick-h2
	target/debug/amazon-chat-bench --soak 3 --bin target/debug/amazon-chat --out target/bench-quick

test-fuzz: ## Every fuzz target under libFuzzer, 20 s each (nightly; skipped with a message without it)
	fuzz/run.sh

# The release builds name the same packages as `make bench`, so they share one build (cargo unifies
# features per build: `-p amazon-chat` alone would build the dependencies again).
test-container: ## Build the image from the release binary and prove it runs (docker, debootstrap, docker-compose; no registry needed)
	$(CARGO) build --release -p amazon-chat -p amazon-chat-bench
	tests/container/run.sh

test-kubernetes: ## Validate deploy/kubernetes against the Kubernetes schemas offline (kubeconform), and the files it carries against the server
	$(CARGO) build
	tests/kubernetes/run.sh

image: ## Build the image amazon-chat:local from the release binary, with no registry (see Dockerfile for the usual build)
	$(CARGO) build --release -p amazon-chat -p amazon-chat-bench
	AMAZON_CHAT_IMAGE_TAG=amazon-chat:local tests/container/run.sh

fuzz: ## The fuzz targets for longer: FUZZ_SECONDS each (default 300)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-300} fuzz/run.sh

bench: ## Measure the gateway's overhead against calling Bedrock directly (release build, about 8 min)
	$(CARGO) build --release -p amazon-chat -p amazon-chat-bench
	target/release/amazon-chat-bench --bin target/release/amazon-chat --out bench/results
	@echo "results: bench/results/latest.md (copy the table into docs/benchmarks.md when it changes)"

soak: ## Five minutes of mixed traffic, faults and disconnects: memory and descriptors flat, no unexpected error
	$(CARGO) build --release -p amazon-chat -p amazon-chat-bench
	target/release/amazon-chat-bench --soak $${SOAK_SECONDS:-300} --bin target/release/amazon-chat --out bench/results

docs: ## Regenerate docs/configuration.md from the clap definitions (a test fails when it is stale)
	$(CARGO) run -q -- config reference > docs/configuration.md

generate: ## Regenerate the four clients from proto/
	clients/generate.sh

clean: ## Remove build outputs
	$(CARGO) clean
