//! Where the sector data of a FILE begins: byte 0 for BINARY and MOTOROLA,
//! the `data` chunk of a RIFF WAVE, the `SSND` chunk of an AIFF.

use crate::container::cue::sheet::FileKind;
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::io::ReadAt;

/// The byte range of a file that holds its sectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Payload {
    pub offset: u64,
    pub len: u64,
}

/// At most this many chunks are walked before giving up.
const MAX_CHUNKS: usize = 256;

/// Finds the payload of a file of the declared kind. A WAVE or AIFF file
/// without its header is read as raw data, with a warning.
pub fn locate(
    reader: &dyn ReadAt,
    kind: FileKind,
    notes: &mut Vec<Diagnostic>,
) -> Result<Option<Payload>> {
    let whole = Payload {
        offset: 0,
        len: reader.len(),
    };
    let mut magic = [0u8; 12];
    let has_header = reader.len() >= 12 && reader.read_exact_at(0, &mut magic).is_ok();
    let riff = has_header && &magic[..4] == b"RIFF" && &magic[8..12] == b"WAVE";
    let aiff = has_header
        && &magic[..4] == b"FORM"
        && (&magic[8..12] == b"AIFF" || &magic[8..12] == b"AIFC");
    Ok(match kind {
        FileKind::Binary | FileKind::Motorola => {
            if riff || aiff {
                notes.push(Diagnostic::warning(
                    "cue.file-type-mismatch",
                    format!(
                        "declared {} but the file has a {} header, which will be read as sector data",
                        kind.as_str(),
                        if riff { "RIFF WAVE" } else { "AIFF" }
                    ),
                ));
            }
            Some(whole)
        }
        FileKind::Wave if riff => chunk(reader, 12, b"data", false)?,
        FileKind::Aiff if aiff => chunk(reader, 12, b"SSND", true)?.map(|p| Payload {
            // SSND starts with an offset and a block size.
            offset: p.offset + 8,
            len: p.len.saturating_sub(8),
        }),
        FileKind::Wave | FileKind::Aiff => {
            notes.push(Diagnostic::warning(
                "cue.file-type-mismatch",
                format!(
                    "declared {} but the file has no such header; read as raw data",
                    kind.as_str()
                ),
            ));
            Some(whole)
        }
        FileKind::Mp3 | FileKind::Flac | FileKind::Ogg => None,
    })
}

fn chunk(
    reader: &dyn ReadAt,
    mut at: u64,
    id: &[u8; 4],
    big_endian: bool,
) -> Result<Option<Payload>> {
    for _ in 0..MAX_CHUNKS {
        let mut header = [0u8; 8];
        if at.checked_add(8).is_none_or(|end| end > reader.len()) {
            return Ok(None);
        }
        reader.read_exact_at(at, &mut header)?;
        let size_bytes = [header[4], header[5], header[6], header[7]];
        let size = u64::from(if big_endian {
            u32::from_be_bytes(size_bytes)
        } else {
            u32::from_le_bytes(size_bytes)
        });
        let body = at + 8;
        if &header[..4] == id {
            let len = size.min(reader.len().saturating_sub(body));
            return Ok(Some(Payload { offset: body, len }));
        }
        at = body + size + (size & 1);
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::MemorySource;

    #[test]
    fn finds_wave_data() {
        let mut wav = b"RIFF\0\0\0\0WAVEfmt \x10\0\0\0".to_vec();
        wav.extend([0u8; 16]);
        wav.extend(b"data\x08\0\0\0");
        wav.extend([1u8; 8]);
        let source = MemorySource::new(wav, "t.wav");
        let mut notes = Vec::new();
        let payload = locate(&source, FileKind::Wave, &mut notes)
            .unwrap()
            .unwrap();
        assert_eq!(payload, Payload { offset: 44, len: 8 });
        assert!(notes.is_empty());
        let payload = locate(&source, FileKind::Binary, &mut notes)
            .unwrap()
            .unwrap();
        assert_eq!(payload.offset, 0);
        assert_eq!(notes[0].code, "cue.file-type-mismatch");
    }
}
