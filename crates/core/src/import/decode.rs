//! Bytes → text. Shop back offices and Excel write UTF-8 (with or without a byte-order mark),
//! UTF-16 ("Unicode text") or, by default on Chinese Windows, GBK — which GB18030 extends, so
//! one GB18030 decoder reads both.

pub use super::types::{EncodingChoice, TextEncoding};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};

/// A decoded file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: TextEncoding,
    /// Some bytes were not valid in the encoding and became U+FFFD: the preview should say so
    /// (usually the wrong encoding was chosen).
    pub replaced: bool,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a whole file. Takes the bytes by value: a valid UTF-8 file (the common case, and
/// the large one) becomes the `String` without a copy.
pub fn decode(bytes: Vec<u8>, choice: EncodingChoice) -> Decoded {
    // A byte-order mark is unambiguous, so it wins over Auto; an explicit choice is the user
    // overriding a guess and is obeyed (a UTF-8 BOM is still dropped: it is not text).
    match choice {
        EncodingChoice::Auto => {
            if bytes.starts_with(UTF8_BOM) {
                return utf8(bytes, true);
            }
            if bytes.starts_with(b"\xFF\xFE") {
                return with(UTF_16LE, &bytes[2..], TextEncoding::Utf16Le);
            }
            if bytes.starts_with(b"\xFE\xFF") {
                return with(UTF_16BE, &bytes[2..], TextEncoding::Utf16Be);
            }
            if std::str::from_utf8(&bytes).is_ok() {
                return utf8(bytes, false);
            }
            // Invalid UTF-8: GBK if every byte sequence is valid GB18030. Text in a Latin
            // code page usually is not (an accented letter followed by ASCII is no valid
            // pair), and then UTF-8 with replacement characters shows the problem.
            if let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(&bytes)
            {
                return Decoded {
                    text: text.into_owned(),
                    encoding: TextEncoding::Gb18030,
                    replaced: false,
                };
            }
            utf8(bytes, false)
        }
        EncodingChoice::Utf8 => {
            let bom = bytes.starts_with(UTF8_BOM);
            utf8(bytes, bom)
        }
        EncodingChoice::Gb18030 => with(GB18030, &bytes, TextEncoding::Gb18030),
    }
}

fn utf8(mut bytes: Vec<u8>, bom: bool) -> Decoded {
    if bom {
        bytes.drain(..UTF8_BOM.len());
    }
    let encoding = if bom {
        TextEncoding::Utf8Bom
    } else {
        TextEncoding::Utf8
    };
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            text,
            encoding,
            replaced: false,
        },
        Err(e) => Decoded {
            text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            encoding,
            replaced: true,
        },
    }
}

fn with(encoding: &'static Encoding, bytes: &[u8], label: TextEncoding) -> Decoded {
    let (text, replaced) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: label,
        replaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_and_gbk_are_recognised() {
        let plain = decode("姓名,手机\n".as_bytes().to_vec(), EncodingChoice::Auto);
        assert_eq!(plain.encoding, TextEncoding::Utf8);
        let mut bom = UTF8_BOM.to_vec();
        bom.extend_from_slice("姓名".as_bytes());
        let d = decode(bom, EncodingChoice::Auto);
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("姓名", TextEncoding::Utf8Bom)
        );

        let (gbk, _, _) = GB18030.encode("姓名,城市\n张三,杭州\n");
        let d = decode(gbk.into_owned(), EncodingChoice::Auto);
        assert_eq!(d.encoding, TextEncoding::Gb18030);
        assert_eq!(d.text, "姓名,城市\n张三,杭州\n");
        assert!(!d.replaced);

        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "名,1".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let d = decode(utf16, EncodingChoice::Auto);
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("名,1", TextEncoding::Utf16Le)
        );
    }

    #[test]
    fn an_override_is_obeyed_and_reports_replacements() {
        let (gbk, _, _) = GB18030.encode("张三");
        let d = decode(gbk.into_owned(), EncodingChoice::Utf8);
        assert!(d.replaced);
        assert_eq!(d.encoding, TextEncoding::Utf8);
        // Latin-1 "café " is neither UTF-8 nor GB18030: shown with a replacement character.
        let d = decode(b"caf\xE9 au lait".to_vec(), EncodingChoice::Auto);
        assert!(d.replaced);
    }
}
