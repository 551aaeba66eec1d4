//! The CHD header: versions 3, 4 and 5, each declared once, read into one
//! description of the file (hunk size, counts, where the map and the
//! metadata are, the digests).
//!
//! Sources: MAME `src/lib/util/chd.h` and `chd.cpp` (header layouts,
//! `parse_v3_header`, `parse_v4_header`, `parse_v5_header`: all numbers
//! big-endian; the v3/v4 map follows the header, at 120 and 108; a v5
//! hunk count is the logical size divided by the hunk size, rounded up),
//! MAME `docs/source/techspecs/chd.rst`.

use std::path::Path;
use std::sync::Arc;

use super::fields::{CodecTag, Digest, HeaderFlags, LegacyCompression, hex};
use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Result};
use crate::io::ReadAt;
use crate::structure::{Be32, Be64, Place, Raw, Structure, declare};

/// Every CHD starts with these eight bytes.
pub const SIGNATURE: &[u8; 8] = b"MComprHD";
/// The largest hunk read. chdman writes hunks of 16 bytes to 1 MiB;
/// 16 MiB leaves room for other writers while a decoded hunk, its codec's
/// buffers and the cache stay within tens of MiB (RELIABILITY.md's bound
/// is 128 MiB).
pub const MAX_HUNK_BYTES: u32 = 16 << 20;
/// The most hunks a file may claim: 2^25 hunks is 128 GiB in 4 KiB hunks
/// (chdman's hard disk default), 610 GiB of CD frames. Opening scans the
/// map once, so this bounds the time it takes.
pub const MAX_HUNKS: u64 = 1 << 25;
/// The most header bytes any version has.
pub const MAX_HEADER: usize = 124;

declare! {
    /// The CHD v5 header (124 bytes).
    pub struct HeaderV5 = "CHD v5 header", Descriptor, "MAME chd.h (V5_HEADER_SIZE)", 124 {
        0, 8 => signature: Raw<8>, "signature", "MComprHD marks a CHD";
        8, 4 => length: Be32, "header length", "bytes in this header (124 for v5)";
        12, 4 => version: Be32, "version", "format version";
        16, 4 => codec0: CodecTag, "compressor 0", "codec of map type 0 hunks";
        20, 4 => codec1: CodecTag, "compressor 1", "codec of map type 1 hunks";
        24, 4 => codec2: CodecTag, "compressor 2", "codec of map type 2 hunks";
        28, 4 => codec3: CodecTag, "compressor 3", "codec of map type 3 hunks";
        32, 8 => logical_bytes: Be64, "logical size", "bytes of data the hunks decompress to";
        40, 8 => map_offset: Be64, "map offset", "where the hunk map starts";
        48, 8 => meta_offset: Be64, "metadata offset", "where the first metadata entry is (0: none)";
        56, 4 => hunk_bytes: Be32, "hunk size", "bytes in each decompressed hunk";
        60, 4 => unit_bytes: Be32, "unit size", "bytes in each unit (a sector; 2448 for a CD frame with its subcode)";
        64, 20 => raw_sha1: Digest<20>, "raw SHA-1", "SHA-1 of the logical data";
        84, 20 => sha1: Digest<20>, "SHA-1", "SHA-1 of the raw SHA-1 and the checksummed metadata";
        104, 20 => parent_sha1: Digest<20>, "parent SHA-1", "SHA-1 of the parent this file is a delta of (zero: none)";
    }
}

declare! {
    /// The CHD v4 header (108 bytes).
    pub struct HeaderV4 = "CHD v4 header", Descriptor, "MAME chd.h (V4_HEADER_SIZE)", 108 {
        0, 8 => signature: Raw<8>, "signature", "MComprHD marks a CHD";
        8, 4 => length: Be32, "header length", "bytes in this header (108 for v4)";
        12, 4 => version: Be32, "version", "format version";
        16, 4 => flags: HeaderFlags, "flags", "bit 0 has a parent, bit 1 allows writes";
        20, 4 => compression: LegacyCompression, "compression", "the codec of every compressed hunk";
        24, 4 => hunk_count: Be32, "hunk count", "hunks in the file";
        28, 8 => logical_bytes: Be64, "logical size", "bytes of data the hunks decompress to";
        36, 8 => meta_offset: Be64, "metadata offset", "where the first metadata entry is (0: none)";
        44, 4 => hunk_bytes: Be32, "hunk size", "bytes in each decompressed hunk";
        48, 20 => sha1: Digest<20>, "SHA-1", "SHA-1 of the raw SHA-1 and the checksummed metadata";
        68, 20 => parent_sha1: Digest<20>, "parent SHA-1", "SHA-1 of the parent (with the has-parent flag)";
        88, 20 => raw_sha1: Digest<20>, "raw SHA-1", "SHA-1 of the logical data";
    }
}

declare! {
    /// The CHD v3 header (120 bytes).
    pub struct HeaderV3 = "CHD v3 header", Descriptor, "MAME chd.h (V3_HEADER_SIZE)", 120 {
        0, 8 => signature: Raw<8>, "signature", "MComprHD marks a CHD";
        8, 4 => length: Be32, "header length", "bytes in this header (120 for v3)";
        12, 4 => version: Be32, "version", "format version";
        16, 4 => flags: HeaderFlags, "flags", "bit 0 has a parent, bit 1 allows writes";
        20, 4 => compression: LegacyCompression, "compression", "the codec of every compressed hunk";
        24, 4 => hunk_count: Be32, "hunk count", "hunks in the file";
        28, 8 => logical_bytes: Be64, "logical size", "bytes of data the hunks decompress to";
        36, 8 => meta_offset: Be64, "metadata offset", "where the first metadata entry is (0: none)";
        44, 16 => md5: Digest<16>, "MD5", "MD5 of the logical data";
        60, 16 => parent_md5: Digest<16>, "parent MD5", "MD5 of the parent (with the has-parent flag)";
        76, 4 => hunk_bytes: Be32, "hunk size", "bytes in each decompressed hunk";
        80, 20 => sha1: Digest<20>, "SHA-1", "SHA-1 of the logical data";
        100, 20 => parent_sha1: Digest<20>, "parent SHA-1", "SHA-1 of the parent (with the has-parent flag)";
    }
}

declare! {
    /// The 16 bytes every version starts with.
    pub struct Prefix = "CHD header", Descriptor, "MAME chd.h", 16 {
        0, 8 => signature: Raw<8>, "signature", "MComprHD marks a CHD";
        8, 4 => length: Be32, "header length", "bytes in this header";
        12, 4 => version: Be32, "version", "format version";
    }
}

/// The header, whatever its version, as the reader uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChdHeader {
    pub version: u32,
    /// The v5 compressor tags; a v3/v4 file's one codec is in slot 0
    /// (`zlib` for zlib and zlib+, `avhu` for A/V Huffman).
    pub codecs: [u32; 4],
    pub logical_bytes: u64,
    /// Where the map starts (v3: 120, v4: 108, v5: as recorded).
    pub map_offset: u64,
    pub meta_offset: u64,
    pub hunk_bytes: u32,
    /// Bytes per unit; 0 until a v3/v4 file's metadata says (see
    /// `Chd::open`).
    pub unit_bytes: u32,
    pub hunk_count: u32,
    pub raw_sha1: Option<[u8; 20]>,
    pub sha1: Option<[u8; 20]>,
    pub parent_sha1: Option<[u8; 20]>,
    pub md5: Option<[u8; 16]>,
}

/// The tag of a codec, as a number (`cdlz` is 0x63646c7a).
pub const fn tag(name: &[u8; 4]) -> u32 {
    u32::from_be_bytes(*name)
}

/// `None` for an all-zero digest.
fn nonzero<const N: usize>(digest: [u8; N]) -> Option<[u8; N]> {
    digest.iter().any(|&b| b != 0).then_some(digest)
}

impl ChdHeader {
    /// Whether hunks are compressed (a v5 file with a codec in slot 0, or
    /// a v3/v4 file with compression).
    pub fn compressed(&self) -> bool {
        self.codecs[0] != 0
    }

    /// Reads the header at the start of `source`, with its annotated
    /// structure and what was odd about it.
    pub fn read(
        source: &dyn ReadAt,
        path: &Path,
    ) -> Result<(ChdHeader, Structure, Vec<Diagnostic>)> {
        let fail = |message: String| Error::image(path, message);
        let head_len = source.len().min(MAX_HEADER as u64) as usize;
        let bytes = source.read_vec(0, head_len)?;
        let prefix = Prefix::decode(&bytes)
            .map_err(|_| fail(format!("{head_len} bytes are too few for a CHD header")))?;
        if &prefix.signature != SIGNATURE {
            return Err(fail("no MComprHD signature: not a CHD".to_owned()));
        }
        let place = Place::File {
            path: Arc::from(path),
            offset: 0,
        };
        let mut findings = Vec::new();
        let (mut header, layout, expected) = match prefix.version {
            5 => {
                let h = HeaderV5::decode(&bytes).map_err(|e| fail(e.to_string()))?;
                (ChdHeader::from_v5(&h), HeaderV5::LAYOUT, 124)
            }
            4 => {
                let h = HeaderV4::decode(&bytes).map_err(|e| fail(e.to_string()))?;
                (ChdHeader::from_v4(&h), HeaderV4::LAYOUT, 108)
            }
            3 => {
                let h = HeaderV3::decode(&bytes).map_err(|e| fail(e.to_string()))?;
                (ChdHeader::from_v3(&h), HeaderV3::LAYOUT, 120)
            }
            1 | 2 => {
                return Err(fail(format!(
                    "a CHD v{} hard disk image: discscope reads versions 3 to 5, as MAME does",
                    prefix.version
                )));
            }
            other => {
                return Err(fail(format!(
                    "CHD version {other}: discscope reads versions 3 to 5"
                )));
            }
        };
        let structure = layout.structure(&bytes, place);
        if prefix.length != expected {
            findings.push(
                Diagnostic::warning(
                    "chd.header-length",
                    format!(
                        "the v{} header says it is {} bytes long; that version's header is {expected}",
                        header.version, prefix.length
                    ),
                )
                .at(Location::Offset(8)),
            );
        }
        header.check(path, source.len(), &mut findings)?;
        Ok((header, structure, findings))
    }

    fn from_v5(h: &HeaderV5) -> ChdHeader {
        ChdHeader {
            version: 5,
            codecs: [h.codec0, h.codec1, h.codec2, h.codec3],
            logical_bytes: h.logical_bytes,
            map_offset: h.map_offset,
            meta_offset: h.meta_offset,
            hunk_bytes: h.hunk_bytes,
            unit_bytes: h.unit_bytes,
            hunk_count: 0,
            // An uncompressed (writable) file records no digests: zeros.
            raw_sha1: nonzero(h.raw_sha1),
            sha1: nonzero(h.sha1),
            parent_sha1: nonzero(h.parent_sha1),
            md5: None,
        }
    }

    fn legacy_codec(compression: u32) -> u32 {
        match compression {
            0 => 0,
            1 | 2 => tag(b"zlib"),
            3 => tag(b"avhu"),
            // Kept as recorded: the hunk decoder names it when it is used.
            other => other,
        }
    }

    fn from_v4(h: &HeaderV4) -> ChdHeader {
        ChdHeader {
            version: 4,
            codecs: [ChdHeader::legacy_codec(h.compression), 0, 0, 0],
            logical_bytes: h.logical_bytes,
            map_offset: 108,
            meta_offset: h.meta_offset,
            hunk_bytes: h.hunk_bytes,
            unit_bytes: 0,
            hunk_count: h.hunk_count,
            raw_sha1: nonzero(h.raw_sha1),
            sha1: nonzero(h.sha1),
            parent_sha1: (h.flags & 1 != 0).then_some(h.parent_sha1),
            md5: None,
        }
    }

    fn from_v3(h: &HeaderV3) -> ChdHeader {
        ChdHeader {
            version: 3,
            codecs: [ChdHeader::legacy_codec(h.compression), 0, 0, 0],
            logical_bytes: h.logical_bytes,
            map_offset: 120,
            meta_offset: h.meta_offset,
            hunk_bytes: h.hunk_bytes,
            unit_bytes: 0,
            hunk_count: h.hunk_count,
            // v3 has no raw SHA-1: its SHA-1 is of the data alone.
            raw_sha1: None,
            sha1: nonzero(h.sha1),
            parent_sha1: (h.flags & 1 != 0).then_some(h.parent_sha1),
            md5: nonzero(h.md5),
        }
    }

    /// Bounds every number before anything is read by it.
    fn check(&mut self, path: &Path, file_len: u64, findings: &mut Vec<Diagnostic>) -> Result<()> {
        let fail = |message: String| Error::image(path, message);
        if self.hunk_bytes == 0 {
            return Err(fail("the header's hunk size is 0".to_owned()));
        }
        if self.hunk_bytes > MAX_HUNK_BYTES {
            return Err(fail(format!(
                "the header's hunk size is {} bytes; discscope reads hunks of at most {} MiB",
                self.hunk_bytes,
                MAX_HUNK_BYTES >> 20
            )));
        }
        let needed = self.logical_bytes.div_ceil(u64::from(self.hunk_bytes));
        if needed > MAX_HUNKS {
            return Err(fail(format!(
                "the header claims {} bytes in {needed} hunks of {}; discscope reads at most {MAX_HUNKS} hunks",
                self.logical_bytes, self.hunk_bytes
            )));
        }
        if self.version == 5 {
            // Checked against MAX_HUNKS above, so it fits.
            self.hunk_count = u32::try_from(needed).unwrap_or(u32::MAX);
            if self.unit_bytes == 0 {
                return Err(fail("the header's unit size is 0".to_owned()));
            }
            if !self.hunk_bytes.is_multiple_of(self.unit_bytes) {
                findings.push(
                    Diagnostic::warning(
                        "chd.unit-size",
                        format!(
                            "the hunk size {} is not a multiple of the unit size {}",
                            self.hunk_bytes, self.unit_bytes
                        ),
                    )
                    .at(Location::Offset(60)),
                );
            }
        } else {
            if u64::from(self.hunk_count) > MAX_HUNKS {
                return Err(fail(format!(
                    "the header claims {} hunks; discscope reads at most {MAX_HUNKS}",
                    self.hunk_count
                )));
            }
            if needed > u64::from(self.hunk_count) {
                findings.push(
                    Diagnostic::warning(
                        "chd.hunk-count",
                        format!(
                            "{} hunks of {} bytes cannot hold the logical size {}; bytes past hunk {} read as zeros",
                            self.hunk_count, self.hunk_bytes, self.logical_bytes, self.hunk_count
                        ),
                    )
                    .at(Location::Offset(24)),
                );
            }
        }
        for (what, at) in [("map", self.map_offset), ("metadata", self.meta_offset)] {
            if at > file_len {
                findings.push(
                    Diagnostic::error(
                        "chd.offset-past-end",
                        format!(
                            "the header puts the {what} at byte {at:#x}, past the end of the {file_len}-byte file"
                        ),
                    )
                    .at(Location::Offset(at)),
                );
            }
        }
        Ok(())
    }

    /// The file's SHA-1 in hex, as `chdman info` prints it.
    pub fn sha1_text(&self) -> Option<String> {
        self.sha1.map(|d| hex(&d))
    }
}
