//! Where the sector data of a FILE begins: byte 0 for BINARY and MOTOROLA,
//! the `data` chunk of a RIFF WAVE, the `SSND` chunk of an AIFF.

use crate::container::cue::sheet::FileKind;
use crate::container::dialect::{self, Dialect};
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

/// How a finding names the kind a file was declared as.
fn declared(dialect: Dialect, kind: FileKind) -> String {
    match (dialect, kind) {
        (Dialect::Cue, kind) => format!("declared {}", kind.as_str()),
        (Dialect::Toc, FileKind::Wave) => "named .wav".to_owned(),
        (Dialect::Toc, _) => "read as raw data (its name does not end in .wav)".to_owned(),
    }
}

/// Finds the payload of a file of the declared kind. A WAVE or AIFF file
/// without its header is read as raw data, with a warning.
pub fn locate(
    dialect: Dialect,
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
                    dialect.code(dialect::FILE_TYPE_MISMATCH),
                    format!(
                        "{} but the file has a {} header, which will be read as sector data",
                        declared(dialect, kind),
                        if riff { "RIFF WAVE" } else { "AIFF" }
                    ),
                ));
            }
            Some(whole)
        }
        FileKind::Wave if riff => {
            if let Some(note) = wave_format(dialect, reader)? {
                notes.push(note);
            }
            chunk(reader, 12, b"data", false)?
        }
        FileKind::Aiff if aiff => chunk(reader, 12, b"SSND", true)?.map(|p| Payload {
            // SSND starts with an offset and a block size.
            offset: p.offset + 8,
            len: p.len.saturating_sub(8),
        }),
        FileKind::Wave | FileKind::Aiff => {
            notes.push(Diagnostic::warning(
                dialect.code(dialect::FILE_TYPE_MISMATCH),
                format!(
                    "{} but the file has no such header; read as raw data",
                    declared(dialect, kind)
                ),
            ));
            Some(whole)
        }
        FileKind::Mp3 | FileKind::Flac | FileKind::Ogg => None,
    })
}

/// Warns when a WAVE's `fmt ` chunk is not CD audio (PCM, 2 channels,
/// 44,100 Hz, 16 bits): its bytes would be read as CD frames all the same.
// Sources: Microsoft RIFF WAVE, the `fmt ` chunk (WAVEFORMATEX).
fn wave_format(dialect: Dialect, reader: &dyn ReadAt) -> Result<Option<Diagnostic>> {
    let Some(fmt) = chunk(reader, 12, b"fmt ", false)? else {
        return Ok(None);
    };
    let mut head = [0u8; 16];
    if fmt.len < 16 || reader.read_exact_at(fmt.offset, &mut head).is_err() {
        return Ok(None);
    }
    let [t0, t1, c0, c1, r0, r1, r2, r3, .., b0, b1] = head;
    let (tag, channels, bits) = (
        u16::from_le_bytes([t0, t1]),
        u16::from_le_bytes([c0, c1]),
        u16::from_le_bytes([b0, b1]),
    );
    let rate = u32::from_le_bytes([r0, r1, r2, r3]);
    // 1 is PCM; 0xFFFE (extensible) carries PCM in its sub-format.
    if matches!(tag, 1 | 0xFFFE) && channels == 2 && rate == 44_100 && bits == 16 {
        return Ok(None);
    }
    Ok(Some(Diagnostic::warning(
        dialect.code(dialect::WAVE_FORMAT),
        format!(
            "the WAVE holds format {tag:#06x}, {channels} channel(s), {rate} Hz, {bits}-bit; \
             CD audio is PCM, 2 channels, 44,100 Hz, 16-bit, so its sectors will not play as stored"
        ),
    )))
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

    fn wave(channels: u16, rate: u32, bits: u16) -> MemorySource {
        let mut wav = b"RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0".to_vec();
        wav.extend(channels.to_le_bytes());
        wav.extend(rate.to_le_bytes());
        wav.extend((rate * u32::from(channels) * u32::from(bits / 8)).to_le_bytes());
        wav.extend((channels * bits / 8).to_le_bytes());
        wav.extend(bits.to_le_bytes());
        wav.extend(b"data\x04\0\0\0\x01\x02\x03\x04");
        MemorySource::new(wav, "t.wav")
    }

    #[test]
    fn warns_about_wave_that_is_not_cd_audio() {
        let mut notes = Vec::new();
        let cd = locate(
            Dialect::Cue,
            &wave(2, 44_100, 16),
            FileKind::Wave,
            &mut notes,
        )
        .unwrap();
        assert_eq!(cd, Some(Payload { offset: 44, len: 4 }));
        assert!(notes.is_empty(), "{notes:?}");
        for odd in [
            wave(1, 44_100, 16),
            wave(2, 48_000, 16),
            wave(2, 44_100, 24),
        ] {
            let mut notes = Vec::new();
            let payload = locate(Dialect::Cue, &odd, FileKind::Wave, &mut notes).unwrap();
            assert_eq!(payload, Some(Payload { offset: 44, len: 4 }));
            assert_eq!(notes.len(), 1);
            assert_eq!(notes[0].code, "cue.wave-format");
        }
    }

    #[test]
    fn finds_wave_data() {
        let mut wav = b"RIFF\0\0\0\0WAVEfmt \x10\0\0\0".to_vec();
        // PCM, 2 channels, 44,100 Hz, 176,400 bytes/s, 4-byte frames, 16-bit.
        wav.extend(b"\x01\0\x02\0\x44\xac\0\0\x10\xb1\x02\0\x04\0\x10\0");
        wav.extend(b"data\x08\0\0\0");
        wav.extend([1u8; 8]);
        let source = MemorySource::new(wav, "t.wav");
        let mut notes = Vec::new();
        let payload = locate(Dialect::Cue, &source, FileKind::Wave, &mut notes)
            .unwrap()
            .unwrap();
        assert_eq!(payload, Payload { offset: 44, len: 8 });
        assert!(notes.is_empty());
        let payload = locate(Dialect::Cue, &source, FileKind::Binary, &mut notes)
            .unwrap()
            .unwrap();
        assert_eq!(payload.offset, 0);
        assert_eq!(notes[0].code, "cue.file-type-mismatch");
    }
}
