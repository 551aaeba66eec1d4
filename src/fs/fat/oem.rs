//! Short names and labels are bytes in the OEM code page, which FAT does
//! not record; code page 850 is what mtools and blkid assume.

use crate::structure::{Codec, Value};

/// Code page 850 for bytes 0x80..=0xFF.
const CP850_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u{ad}±‗¾¶§÷¸°¨·¹³²■\u{a0}";

/// OEM bytes as text (code page 850).
pub fn decode_oem(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                char::from(b)
            } else {
                CP850_HIGH.chars().nth(usize::from(b - 0x80)).unwrap_or('?')
            }
        })
        .collect()
}

/// Text in the OEM code page: the program gets every byte decoded (padding
/// included), people see it without the trailing spaces and NULs.
#[derive(Clone, Copy, Debug)]
pub struct OemText;

impl Codec for OemText {
    type Out = String;
    const WIDTH: Option<usize> = None;
    fn decode(raw: &[u8]) -> String {
        decode_oem(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Text(decode_oem(raw).trim_end_matches([' ', '\0']).to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_bytes_read_as_code_page_850() {
        assert_eq!(decode_oem(&[0x41, 0xE5]), "AÕ");
        assert_eq!(OemText::value(b"NO NAME    ").to_string(), "NO NAME");
    }
}
