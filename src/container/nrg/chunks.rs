//! The footer and the chain of chunks it points at: each chunk's
//! identifier, where it is and the bytes of its body that exist. The walk
//! only moves forward, stops at `END!`, at the footer or after
//! [`MAX_CHUNKS`], and a chunk whose length runs past the footer is kept
//! as far as it goes, with a finding.

use crate::diagnostic::{Diagnostic, Location};
use crate::error::Result;
use crate::io::ReadAt;

use super::records::{ChunkHeader, NrgFooterV1, NrgFooterV2};

/// At most this many chunks are read (real images have a few per session).
pub const MAX_CHUNKS: usize = 4096;
/// At most this many bytes of one chunk's body are read.
pub const MAX_BODY: u64 = 1 << 20;

/// The footer: which version, where it is, where the chunks start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NrgFooter {
    /// 1 (`NERO`, 32-bit offsets) or 2 (`NER5`, 64-bit offsets).
    pub version: u8,
    /// Where the footer itself begins: the chunks end there.
    pub offset: u64,
    /// Where the first chunk begins.
    pub first: u64,
    pub bytes: Vec<u8>,
}

impl NrgFooter {
    /// Whether offsets are 64 bits wide.
    pub fn wide(&self) -> bool {
        self.version == 2
    }
}

/// The footer at the end of `source`, if it has one.
pub fn footer(source: &dyn ReadAt) -> Result<Option<NrgFooter>> {
    let len = source.len();
    if len >= 12 {
        let bytes = source.read_vec(len - 12, 12)?;
        if bytes.get(..4) == Some(b"NER5") {
            let decoded = NrgFooterV2::decode(&bytes)?;
            return Ok(Some(NrgFooter {
                version: 2,
                offset: len - 12,
                first: decoded.first_chunk,
                bytes,
            }));
        }
    }
    if len >= 8 {
        let bytes = source.read_vec(len - 8, 8)?;
        if bytes.get(..4) == Some(b"NERO") {
            let decoded = NrgFooterV1::decode(&bytes)?;
            return Ok(Some(NrgFooter {
                version: 1,
                offset: len - 8,
                first: u64::from(decoded.first_chunk),
                bytes,
            }));
        }
    }
    Ok(None)
}

/// One chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub id: [u8; 4],
    /// File offset of its header.
    pub offset: u64,
    /// The length its header declares.
    pub declared: u32,
    /// Its body's bytes that exist (at most [`MAX_BODY`]).
    pub body: Vec<u8>,
}

impl Chunk {
    /// The identifier as text (`CUEX`), non-ASCII bytes in hex.
    pub fn name(&self) -> String {
        if self.id.iter().all(|b| b.is_ascii_graphic()) {
            self.id.iter().map(|&b| char::from(b)).collect()
        } else {
            crate::structure::hex_bytes(&self.id, 4)
        }
    }

    pub fn is(&self, id: &[u8; 4]) -> bool {
        &self.id == id
    }
}

fn at(offset: u64) -> Location {
    Location::Offset(offset)
}

/// Walks the chunks from the footer's first to `END!`.
pub fn walk(
    source: &dyn ReadAt,
    footer: &NrgFooter,
    found: &mut Vec<Diagnostic>,
) -> Result<Vec<Chunk>> {
    let end = footer.offset;
    let mut chunks = Vec::new();
    let mut offset = footer.first;
    if offset >= end {
        found.push(
            Diagnostic::error(
                "nrg.chunks-outside",
                format!(
                    "the footer says the chunks begin at byte {offset:#x}, at or past the footer itself at {end:#x}"
                ),
            )
            .at(at(footer.offset)),
        );
        return Ok(chunks);
    }
    loop {
        if chunks.len() == MAX_CHUNKS {
            found.push(
                Diagnostic::error(
                    "nrg.too-many-chunks",
                    format!("more than {MAX_CHUNKS} chunks; the rest are not read"),
                )
                .at(at(offset)),
            );
            break;
        }
        if offset == end {
            found.push(
                Diagnostic::warning("nrg.no-end", "the chunks end without an END! chunk")
                    .at(at(offset)),
            );
            break;
        }
        let Some(body_at) = offset.checked_add(8).filter(|&b| b <= end) else {
            found.push(
                Diagnostic::error(
                    "nrg.chunk-past-end",
                    format!("a chunk header at {offset:#x} runs into the footer at {end:#x}"),
                )
                .at(at(offset)),
            );
            break;
        };
        let header = ChunkHeader::decode(&source.read_vec(offset, 8)?)?;
        let available = end - body_at;
        let declared = u64::from(header.length);
        if declared > available {
            found.push(
                Diagnostic::error(
                    "nrg.chunk-past-end",
                    format!(
                        "chunk {} at {offset:#x} declares {declared} bytes but only {available} lie before the footer",
                        String::from_utf8_lossy(&header.id)
                    ),
                )
                .at(at(offset)),
            );
        }
        let present = declared.min(available);
        if present > MAX_BODY {
            found.push(
                Diagnostic::warning(
                    "nrg.chunk-too-large",
                    format!(
                        "chunk {} at {offset:#x} holds {present} bytes; only the first {MAX_BODY} are read",
                        String::from_utf8_lossy(&header.id)
                    ),
                )
                .at(at(offset)),
            );
        }
        let body = source.read_vec(body_at, present.min(MAX_BODY) as usize)?;
        let chunk = Chunk {
            id: header.id,
            offset,
            declared: header.length,
            body,
        };
        let done = chunk.is(b"END!");
        chunks.push(chunk);
        if done || declared > available {
            break;
        }
        offset = body_at + declared;
    }
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::MemorySource;

    fn image(chunks: &[(&[u8; 4], &[u8])], v2: bool) -> MemorySource {
        let mut bytes = vec![0u8; 100];
        let first = bytes.len() as u64;
        for (id, body) in chunks {
            bytes.extend(*id);
            bytes.extend((body.len() as u32).to_be_bytes());
            bytes.extend(*body);
        }
        if v2 {
            bytes.extend(b"NER5");
            bytes.extend(first.to_be_bytes());
        } else {
            bytes.extend(b"NERO");
            bytes.extend((first as u32).to_be_bytes());
        }
        MemorySource::new(bytes, "t.nrg")
    }

    #[test]
    fn walks_to_end_and_reports_what_is_wrong() {
        let source = image(&[(b"SINF", &[0, 0, 0, 1]), (b"END!", &[])], true);
        let foot = footer(&source).unwrap().unwrap();
        assert_eq!((foot.version, foot.first), (2, 100));
        let mut found = Vec::new();
        let chunks = walk(&source, &foot, &mut found).unwrap();
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(chunks.len(), 2);
        assert_eq!(
            (chunks[0].name(), chunks[0].offset, &chunks[0].body[..]),
            ("SINF".into(), 100, &[0, 0, 0, 1][..])
        );

        let source = image(&[(b"SINF", &[0, 0, 0, 1])], false);
        let foot = footer(&source).unwrap().unwrap();
        let mut found = Vec::new();
        walk(&source, &foot, &mut found).unwrap();
        assert_eq!(found[0].code, "nrg.no-end");

        // A length past the footer.
        let mut bytes = image(&[(b"DAOX", &[1, 2, 3])], true)
            .read_vec(0, 123)
            .unwrap();
        bytes[104..108].copy_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
        let source = MemorySource::new(bytes, "t.nrg");
        let foot = footer(&source).unwrap().unwrap();
        let mut found = Vec::new();
        let chunks = walk(&source, &foot, &mut found).unwrap();
        assert_eq!(found[0].code, "nrg.chunk-past-end");
        assert_eq!(found[0].location, Location::Offset(100));
        assert_eq!(chunks[0].body, [1, 2, 3]);

        // Zero-length chunks all the way: the count is bounded.
        let many: Vec<(&[u8; 4], &[u8])> = (0..5000).map(|_| (b"ZERO", &[][..])).collect();
        let source = image(&many, true);
        let foot = footer(&source).unwrap().unwrap();
        let mut found = Vec::new();
        assert_eq!(walk(&source, &foot, &mut found).unwrap().len(), MAX_CHUNKS);
        assert_eq!(found[0].code, "nrg.too-many-chunks");
    }
}
