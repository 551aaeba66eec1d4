//! AppleDouble files (`._name`): a Mac file's Finder info and resource
//! fork beside its data fork, for filesystems without forks.
//!
//! Source: Apple's "AppleSingle/AppleDouble Formats for Foreign Files
//! Developer's Note" (version 2, 1990): a header of magic number
//! 0x00051607, version 0x00020000, 16 filler bytes and an entry count,
//! then entry descriptors (ID, offset, length: entry 9 Finder info of 32
//! bytes, entry 2 the resource fork), then the entries' data.

/// The AppleDouble magic number.
pub const MAGIC: u32 = 0x0005_1607;
/// Version 2.
pub const VERSION: u32 = 0x0002_0000;
/// Entry IDs.
pub const RESOURCE_FORK: u32 = 2;
pub const FINDER_INFO: u32 = 9;

/// Bytes before the resource fork: header (26), two descriptors (24),
/// Finder info (32).
pub const RESOURCE_OFFSET: u32 = 26 + 2 * 12 + 32;

/// The header, descriptors and Finder info of an AppleDouble file whose
/// resource fork (`rsrc_len` bytes) follows at [`RESOURCE_OFFSET`].
pub fn header(finder: &[u8; 32], rsrc_len: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(RESOURCE_OFFSET as usize);
    out.extend_from_slice(&MAGIC.to_be_bytes());
    out.extend_from_slice(&VERSION.to_be_bytes());
    out.extend_from_slice(&[0u8; 16]);
    out.extend_from_slice(&2u16.to_be_bytes());
    for (id, offset, len) in [
        (FINDER_INFO, RESOURCE_OFFSET - 32, 32u32),
        (RESOURCE_FORK, RESOURCE_OFFSET, rsrc_len),
    ] {
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&offset.to_be_bytes());
        out.extend_from_slice(&len.to_be_bytes());
    }
    out.extend_from_slice(finder);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_layout() {
        let mut finder = [0u8; 32];
        finder[..8].copy_from_slice(b"TEXTttxt");
        let h = header(&finder, 300);
        assert_eq!(h.len(), RESOURCE_OFFSET as usize);
        assert_eq!(&h[..8], &[0, 5, 0x16, 0x07, 0, 2, 0, 0]);
        assert_eq!(&h[24..26], &[0, 2]);
        // Entry 2 (resource fork) at 82, 300 bytes.
        assert_eq!(&h[38..50], &[0, 0, 0, 2, 0, 0, 0, 82, 0, 0, 1, 44]);
        assert_eq!(&h[50..58], b"TEXTttxt");
    }
}
