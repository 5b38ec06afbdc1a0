//! Bytes to text: BOMs, UTF-8, legacy single-byte encodings (Windows-1250 for Polish), and the
//! refusal of binary files.

use crate::DocError;
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// Text decoded from a file and the encoding it was read with.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Decodes a document's bytes. Refuses binary data and broken UTF-8 rather than guessing wrong.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DocError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DocError::Empty);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(DocError::Undecodable {
                offset: first_bad_utf8(bytes).unwrap_or(0),
            });
        }
        return finish(text.into_owned(), enc);
    }
    if let Some(offset) = binary_offset(bytes) {
        return Err(DocError::Binary { offset });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => finish(s.to_string(), UTF_8),
        Err(e) => {
            let offset = e.valid_up_to();
            // Text that is mostly well-formed multi-byte UTF-8 with a few bad bytes is broken
            // UTF-8: reading it as Windows-1250 would silently turn every accent into garbage.
            if utf8_multibyte_sequences(bytes) >= 3 {
                return Err(DocError::Undecodable { offset });
            }
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(bytes, true);
            let enc = detector.guess(Some(b"pl"), true);
            if enc == UTF_8 || enc == UTF_16LE || enc == UTF_16BE {
                return Err(DocError::Undecodable { offset });
            }
            let (text, _, had_errors) = enc.decode(bytes);
            if had_errors {
                return Err(DocError::Undecodable { offset });
            }
            finish(text.into_owned(), enc)
        }
    }
}

fn finish(text: String, enc: &'static Encoding) -> Result<Decoded, DocError> {
    if let Some(offset) = text
        .char_indices()
        .find(|(_, c)| is_binary_char(*c))
        .map(|(i, _)| i)
    {
        return Err(DocError::Binary { offset });
    }
    Ok(Decoded {
        text,
        encoding: enc.name(),
    })
}

fn is_binary_char(c: char) -> bool {
    (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t' | '\x0c')
}

/// The offset of the first byte that no text file holds (NUL and most C0 controls).
fn binary_offset(bytes: &[u8]) -> Option<usize> {
    bytes
        .iter()
        .position(|&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
}

fn first_bad_utf8(bytes: &[u8]) -> Option<usize> {
    std::str::from_utf8(bytes).err().map(|e| e.valid_up_to())
}

/// Counts well-formed multi-byte UTF-8 sequences (a strong sign the file was meant as UTF-8).
fn utf8_multibyte_sequences(bytes: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let len = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => {
                i += 1;
                continue;
            }
        };
        if i + len <= bytes.len() && std::str::from_utf8(&bytes[i..i + len]).is_ok() {
            n += 1;
            i += len;
        } else {
            i += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_windows_1250_polish() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1250
            .encode("Źródło: jak działa współbieżność? Jakie są wątki, żółć i łódź?");
        let d = decode(&bytes).unwrap();
        assert_eq!(
            d.text,
            "Źródło: jak działa współbieżność? Jakie są wątki, żółć i łódź?"
        );
        assert!(
            d.encoding.contains("1250") || d.encoding.contains("8859-2"),
            "{}",
            d.encoding
        );
    }

    #[test]
    fn reads_utf8_with_bom_and_utf16() {
        assert_eq!(decode(b"\xEF\xBB\xBFWhat?").unwrap().text, "What?");
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "Czy?".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap().text, "Czy?");
    }

    #[test]
    fn refuses_binary_and_broken_utf8() {
        assert!(matches!(
            decode(b"PK\x03\x04\x00\x00"),
            Err(DocError::Binary { .. })
        ));
        let mut broken = "zażółć gęślą jaźń ".repeat(3).into_bytes();
        broken.push(0xFF);
        assert!(matches!(decode(&broken), Err(DocError::Undecodable { .. })));
        assert!(matches!(decode(b"  \n"), Err(DocError::Empty)));
    }
}
