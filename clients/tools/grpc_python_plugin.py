"""A protoc plugin that runs grpcio-tools' bundled grpc_python generator.

protoc's plugin protocol: read a CodeGeneratorRequest on stdin, answer a CodeGeneratorResponse on
stdout. grpcio-tools has no plugin executable, so this hands the request's descriptors to its bundled
protoc (`--descriptor_set_in`) with `--grpc_python_out`, and returns the files that wrote.
"""

import os
import sys
import tempfile

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc


def main() -> int:
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    response = plugin_pb2.CodeGeneratorResponse()
    response.supported_features = plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL
    with tempfile.TemporaryDirectory() as tmp:
        descriptors = os.path.join(tmp, "descriptors.binpb")
        out = os.path.join(tmp, "out")
        os.mkdir(out)
        files = descriptor_pb2.FileDescriptorSet(file=request.proto_file)
        with open(descriptors, "wb") as f:
            f.write(files.SerializeToString())
        option = f"{request.parameter}:{out}" if request.parameter else out
        args = ["grpc_tools.protoc", f"--descriptor_set_in={descriptors}", f"--grpc_python_out={option}"]
        if protoc.main(args + list(request.file_to_generate)) != 0:
            response.error = "grpc_tools.protoc --grpc_python_out failed"
        else:
            for root, _, names in os.walk(out):
                for name in sorted(names):
                    path = os.path.join(root, name)
                    with open(path, encoding="utf-8") as f:
                        response.file.add(name=os.path.relpath(path, out), content=f.read())
    sys.stdout.buffer.write(response.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main())
