//! `s3://bucket/key` URLs of images and documents, which Bedrock reads itself (so large files never
//! pass through the gateway). Checked for shape here; whether the model reads S3 is the mapping's
//! question, as it depends on where the request is routed.

use super::data_url::ImageKind;
use crate::error::{Error, Result};

/// S3's longest object key, in bytes.
pub const MAX_KEY_BYTES: usize = 1024;

/// A parsed `s3://` URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct S3Url<'a> {
    /// The bucket.
    pub bucket: &'a str,
    /// The object key.
    pub key: &'a str,
}

/// The URL's bucket and key, `None` when `url` is not an `s3://` URL, or an error naming `field`
/// when it is one that S3 would refuse.
pub fn parse<'a>(url: &'a str, field: &str) -> Result<Option<S3Url<'a>>> {
    let Some(rest) = url.strip_prefix("s3://") else { return Ok(None) };
    let Some((bucket, key)) = rest.split_once('/').filter(|(_, key)| !key.is_empty()) else {
        return Err(Error::invalid(field, "an S3 URL names a bucket and a key: s3://bucket/key"));
    };
    let valid_bucket = (3..=63).contains(&bucket.len())
        && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !valid_bucket {
        return Err(Error::invalid(
            field,
            "the bucket name must be 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit",
        ));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(Error::invalid(field, format!("the object key is longer than {MAX_KEY_BYTES} bytes")));
    }
    Ok(Some(S3Url { bucket, key }))
}

impl S3Url<'_> {
    /// The key's extension, lower case.
    pub fn extension(&self) -> Option<String> {
        let name = self.key.rsplit('/').next().unwrap_or_default();
        name.rsplit_once('.').map(|(_, extension)| extension.to_ascii_lowercase())
    }

    /// The image format its key's extension names.
    pub fn image_kind(&self, field: &str) -> Result<ImageKind> {
        match self.extension().as_deref() {
            Some("png") => Ok(ImageKind::Png),
            Some("jpg" | "jpeg") => Ok(ImageKind::Jpeg),
            Some("gif") => Ok(ImageKind::Gif),
            Some("webp") => Ok(ImageKind::Webp),
            _ => Err(Error::invalid(
                field,
                "an S3 image's key must end in .png, .jpg, .jpeg, .gif or .webp (the extension gives Bedrock its format)",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_for_shape() {
        let url = parse("s3://my-bucket/scans/page 1.PNG", "f").unwrap().unwrap();
        assert_eq!(url, S3Url { bucket: "my-bucket", key: "scans/page 1.PNG" });
        assert_eq!(url.image_kind("f").unwrap(), ImageKind::Png);
        assert_eq!(parse("data:image/png;base64,AAAA", "f").unwrap(), None);
        for bad in ["s3://bucket", "s3://bucket/", "s3://ab/key", "s3://My-Bucket/key", "s3://-bucket/key"] {
            assert_eq!(parse(bad, "f").unwrap_err().field.as_deref(), Some("f"), "{bad}");
        }
        let long = format!("s3://bucket/{}", "k".repeat(MAX_KEY_BYTES + 1));
        assert!(parse(&long, "f").is_err());
        let document = parse("s3://bucket/reports/q3.pdf", "f").unwrap().unwrap();
        assert_eq!(document.extension().as_deref(), Some("pdf"));
        assert!(document.image_kind("f").is_err());
    }
}
