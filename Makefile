# One entry point for developers and CI. `make help` lists the targets.
.PHONY: help demo run test test-rust test-openai test-clients lint generate clean

CARGO ?= cargo

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

demo: ## Run the server against the built-in Bedrock emulator (no AWS account needed)
	$(CARGO) run --release -- serve --demo

run: ## Run the server against AWS (credentials and region from the environment or .env)
	$(CARGO) run --release -- serve

test: lint test-rust test-openai test-clients ## Everything CI runs: lint, Rust tests, OpenAI SDK suites, clients

lint: ## rustfmt and clippy, warnings are errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

test-rust: ## Unit and integration tests (real server and emulator over loopback)
	$(CARGO) test

test-openai: ## The REST shim driven by the official OpenAI SDKs (Python, Node) and schemathesis
	$(CARGO) build
	tests/openai/run.sh

test-clients: ## Generated clients: lint, drift check, and each language's suite against the live server
	$(CARGO) build
	clients/check.sh
	clients/test.sh

generate: ## Regenerate the four clients from proto/
	clients/generate.sh

clean: ## Remove build outputs
	$(CARGO) clean
