//! libFuzzer entry point of [`amazon_chat_fuzz::grpc_body`] (its doc says what it drives).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| amazon_chat_fuzz::grpc_body(bytes));
