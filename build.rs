//! Compiles `proto/` into Rust (messages with prost, services with tonic) without a system `protoc`:
//! protox parses the files in-process, and the same descriptor set is saved for gRPC reflection.

use prost::Message as _;
use std::path::PathBuf;

const PROTOS: &[&str] = &[
    "proto/amazon_chat/v1/chat.proto",
    "proto/amazon_chat/v1/embeddings.proto",
    "proto/amazon_chat/v1/models.proto",
];
const INCLUDES: &[&str] = &["proto", "proto/third_party"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // tonic-prost-build does not watch the proto files when given a descriptor set: say so ourselves.
    for file in PROTOS {
        println!("cargo:rerun-if-changed={file}");
    }
    println!("cargo:rerun-if-changed=proto/third_party");

    let descriptors = protox::compile(PROTOS, INCLUDES)?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out_dir.join("amazon_chat_descriptor.bin"), descriptors.encode_to_vec())?;

    // Our codec: prost's, with undecodable requests answered INVALID_ARGUMENT (src/grpc/codec.rs).
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .codec_path("crate::grpc::codec::Codec")
        .compile_fds(descriptors)?;
    Ok(())
}
