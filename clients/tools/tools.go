//go:build tools

// Package tools pins the Go protoc plugins that clients/generate.sh builds into clients/tools/bin.
package tools

import (
	_ "google.golang.org/grpc/cmd/protoc-gen-go-grpc"
	_ "google.golang.org/protobuf/cmd/protoc-gen-go"
)
