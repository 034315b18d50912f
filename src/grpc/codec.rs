//! The gRPC codec: prost's, except that a request that is not a valid protobuf message is the
//! caller's fault, INVALID_ARGUMENT, where prost's decoder says INTERNAL.

use crate::error::{Error, ErrorKind};
use std::marker::PhantomData;
use tonic::Status;
use tonic::codec::{BufferSettings, DecodeBuf, Decoder};
use tonic_prost::{ProstDecoder, ProstEncoder};

/// prost's codec with [`InvalidInput`] decoding.
#[derive(Debug, Clone, Copy)]
pub struct Codec<T, U>(PhantomData<(T, U)>);

impl<T, U> Default for Codec<T, U> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<T, U> tonic::codec::Codec for Codec<T, U>
where
    T: prost::Message + Send + 'static,
    U: prost::Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = InvalidInput<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::default()
    }

    fn decoder(&mut self) -> Self::Decoder {
        InvalidInput(ProstDecoder::default())
    }
}

/// prost's decoder, with a decode failure as INVALID_ARGUMENT (and the error table's details).
#[derive(Debug)]
pub struct InvalidInput<U>(ProstDecoder<U>);

impl<U: prost::Message + Default> Decoder for InvalidInput<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        self.0.decode(buf).map_err(|status| {
            let message =
                format!("body: not a valid protobuf message for this method ({})", status.message());
            super::status::to_status(&Error {
                field: Some("body".to_owned()),
                ..Error::new(ErrorKind::InvalidArgument, message)
            })
        })
    }

    fn buffer_settings(&self) -> BufferSettings {
        self.0.buffer_settings()
    }
}
