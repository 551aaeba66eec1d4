//! The 44-byte RIFF header of a CD audio WAV: PCM, 2 channels, 44,100
//! samples a second, 16 bits, little-endian as on the disc.
//!
//! Sources: Microsoft RIFF/WAVE (`fmt ` chunk of 16 bytes, format 1 = PCM).

/// Bytes of the header.
pub(crate) const HEADER_BYTES: usize = 44;

/// The header for `data` bytes of samples, when they fit a RIFF file.
pub(crate) fn header(data: u64) -> Option<[u8; HEADER_BYTES]> {
    let data = u32::try_from(data).ok()?;
    let riff = data.checked_add(36)?;
    let mut h = [0u8; HEADER_BYTES];
    let fields: [(usize, &[u8]); 13] = [
        (0, b"RIFF"),
        (4, &riff.to_le_bytes()),
        (8, b"WAVE"),
        (12, b"fmt "),
        (16, &16u32.to_le_bytes()),
        (20, &1u16.to_le_bytes()),
        (22, &2u16.to_le_bytes()),
        (24, &44_100u32.to_le_bytes()),
        (28, &176_400u32.to_le_bytes()),
        (32, &4u16.to_le_bytes()),
        (34, &16u16.to_le_bytes()),
        (36, b"data"),
        (40, &data.to_le_bytes()),
    ];
    for (at, bytes) in fields {
        h.get_mut(at..at + bytes.len())?.copy_from_slice(bytes);
    }
    Some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_of_one_sector() {
        let h = header(2352).unwrap();
        assert_eq!(&h[..4], b"RIFF");
        assert_eq!(u32::from_le_bytes(h[4..8].try_into().unwrap()), 2352 + 36);
        assert_eq!(u32::from_le_bytes(h[40..44].try_into().unwrap()), 2352);
        assert!(header(u64::from(u32::MAX)).is_none());
    }
}
