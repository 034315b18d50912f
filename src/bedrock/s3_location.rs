//! Converse's S3 locations for `s3://` images and documents: only for models that read S3 (the
//! catalog's `reads_s3`), with the configured bucket owner so that Bedrock refuses a bucket of
//! another account.

use crate::catalog::features;
use crate::chat::validate::s3::S3Url;
use crate::error::{Error, ErrorKind, Result};
use aws_sdk_bedrockruntime::types::S3Location;

/// Where a request goes, as far as S3 sources care.
#[derive(Debug, Clone, Copy)]
pub struct S3Access<'a> {
    /// The model the request is routed to.
    pub model_id: &'a str,
    /// `--s3-bucket-owner`.
    pub bucket_owner: Option<&'a str>,
}

impl S3Access<'_> {
    /// The S3 location of `url`, or a 400 naming `field` and the model when the model reads no S3.
    pub fn location(&self, url: S3Url<'_>, field: &str) -> Result<S3Location> {
        if !features::reads_s3(self.model_id) {
            return Err(Error::invalid(
                field,
                format!(
                    "model {:?} cannot read S3 locations (Amazon Nova models can); send the content inline",
                    self.model_id
                ),
            ));
        }
        S3Location::builder()
            .uri(format!("s3://{}/{}", url.bucket, url.key))
            .set_bucket_owner(self.bucket_owner.map(str::to_owned))
            .build()
            .map_err(|e| Error::new(ErrorKind::Internal, format!("building an S3 location failed: {e}")))
    }
}
