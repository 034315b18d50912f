// Pinned Go code generators for clients/generate.sh. Not part of any client.
module github.com/amazon-chat/amazon-chat/clients/tools

go 1.25.0

require (
	google.golang.org/grpc/cmd/protoc-gen-go-grpc v1.6.2
	google.golang.org/protobuf v1.36.12
)
