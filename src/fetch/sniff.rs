//! An image's format from its first bytes, not from what the server that sent it claims.

use crate::chat::validate::data_url::ImageKind;

/// The format of `bytes`, if they are a png, jpeg, gif or webp image.
pub fn image_kind(bytes: &[u8]) -> Option<ImageKind> {
    match bytes {
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some(ImageKind::Png),
        [0xff, 0xd8, 0xff, ..] => Some(ImageKind::Jpeg),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(ImageKind::Gif),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(ImageKind::Webp),
        _ => None,
    }
}

/// The media type of a format, for the data URL the image travels in.
pub fn media_type(kind: ImageKind) -> &'static str {
    match kind {
        ImageKind::Png => "image/png",
        ImageKind::Jpeg => "image/jpeg",
        ImageKind::Gif => "image/gif",
        ImageKind::Webp => "image/webp",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_magic_bytes() {
        assert_eq!(image_kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(ImageKind::Png));
        assert_eq!(image_kind(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(ImageKind::Jpeg));
        assert_eq!(image_kind(b"GIF89a\x01\0"), Some(ImageKind::Gif));
        assert_eq!(image_kind(b"RIFF\x24\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        assert_eq!(image_kind(b"<html><body>not an image"), None);
        assert_eq!(image_kind(b"%PDF-1.4"), None);
        assert_eq!(image_kind(b""), None);
    }
}
