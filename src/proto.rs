//! The generated protobuf messages and tonic services of `proto/amazon_chat/v1`.
//!
//! The messages are plain prost structs and double as the core's request and response types; only
//! the `*_server` / `*_client` modules involve tonic.

#![allow(clippy::doc_overindented_list_items, clippy::doc_lazy_continuation)]

/// `amazon_chat.v1`: messages and services.
pub mod v1 {
    tonic::include_proto!("amazon_chat.v1");
}

/// The encoded descriptor set of every proto file, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("amazon_chat_descriptor");
