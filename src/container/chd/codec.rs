//! Hunk codecs: the `chd` crate's decoders for each codec a header can
//! name, created when a hunk first needs them, fed only input they can
//! take, and run under `catch_unwind` (the crate has panicked on mutated
//! input). A codec the crate lacks is an error naming it.
//!
//! Sources: MAME `chdcodec.cpp` (codec tags and names; the CD codecs'
//! header: one ECC bit per frame, then the compressed sector length in 2
//! bytes, or 3 for hunks of 64 KiB and more).

use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::sync::Once;

use chd::codecs::{
    CdFlacCodec, CdLzmaCodec, CdZlibCodec, CdZstdCodec, CodecImplementation, CompressionCodec,
    HuffmanCodec, LzmaCodec, RawFlacCodec, ZlibCodec, ZstdCodec,
};

use super::fields::tag_text;
use super::header::tag;

/// Bytes of a CD frame in a CD CHD: 2352 of sector and 96 of subcode.
pub const FRAME: u32 = 2448;

/// chdman's names for the codecs, as `chdman info` lists hunks.
const NAMES: [(&[u8; 4], &str); 10] = [
    (b"zlib", "Deflate"),
    (b"lzma", "LZMA"),
    (b"huff", "Huffman"),
    (b"flac", "FLAC"),
    (b"zstd", "Zstandard"),
    (b"cdzl", "CD Deflate"),
    (b"cdlz", "CD LZMA"),
    (b"cdfl", "CD FLAC"),
    (b"cdzs", "CD Zstandard"),
    (b"avhu", "A/V Huffman"),
];

/// How `chdman info` names a codec.
pub fn name(codec: u32) -> Option<&'static str> {
    NAMES
        .iter()
        .find(|(t, _)| tag(t) == codec)
        .map(|(_, name)| *name)
}

/// Whether discscope can decompress hunks of this codec.
pub fn supported(codec: u32) -> bool {
    codec != 0 && codec != tag(b"avhu") && name(codec).is_some()
}

/// The codec's tag as text, for messages (`cdlz`, or hex).
pub fn describe(codec: u32) -> String {
    match name(codec) {
        Some(name) => format!("{} ({name})", tag_text(codec)),
        None => tag_text(codec),
    }
}

fn create(codec: u32, hunk_bytes: u32) -> Result<Box<dyn CompressionCodec>, String> {
    fn boxed<C: CompressionCodec + 'static>(
        codec: chd::Result<C>,
    ) -> Result<Box<dyn CompressionCodec>, String> {
        codec
            .map(|c| Box::new(c) as Box<dyn CompressionCodec>)
            .map_err(|e| e.to_string())
    }
    let cd = |name: &str| {
        if hunk_bytes.is_multiple_of(FRAME) {
            Ok(())
        } else {
            Err(format!(
                "the {name} codec needs hunks of whole {FRAME}-byte CD frames; the hunk size is {hunk_bytes}"
            ))
        }
    };
    match &codec.to_be_bytes() {
        b"zlib" => boxed(ZlibCodec::new(hunk_bytes)),
        b"lzma" => boxed(<LzmaCodec>::new(hunk_bytes)),
        b"huff" => boxed(HuffmanCodec::new(hunk_bytes)),
        b"flac" => boxed(RawFlacCodec::new(hunk_bytes)),
        b"zstd" => boxed(ZstdCodec::new(hunk_bytes)),
        b"cdzl" => cd("cdzl").and_then(|()| boxed(CdZlibCodec::new(hunk_bytes))),
        b"cdlz" => cd("cdlz").and_then(|()| boxed(CdLzmaCodec::new(hunk_bytes))),
        b"cdfl" => cd("cdfl").and_then(|()| boxed(CdFlacCodec::new(hunk_bytes))),
        b"cdzs" => cd("cdzs").and_then(|()| boxed(CdZstdCodec::new(hunk_bytes))),
        _ => Err(format!(
            "codec {} is not one discscope can decompress",
            describe(codec)
        )),
    }
}

/// The input a codec would index past, or reject only after a panic.
fn precheck(codec: u32, input: &[u8], output_len: usize) -> Result<(), String> {
    let bytes = codec.to_be_bytes();
    match &bytes {
        b"cdzl" | b"cdlz" | b"cdzs" | b"cdfl" => {
            let frames = output_len / FRAME as usize;
            let ecc_bytes = frames.div_ceil(8);
            if &bytes == b"cdfl" {
                return if input.is_empty() {
                    Err("no compressed bytes".into())
                } else {
                    Ok(())
                };
            }
            let length_bytes = if output_len < 65536 { 2 } else { 3 };
            let header = ecc_bytes + length_bytes;
            let length = input
                .get(ecc_bytes..header)
                .ok_or_else(|| {
                    format!(
                        "{} bytes are too few for the CD codec's header",
                        input.len()
                    )
                })?
                .iter()
                .fold(0usize, |n, &b| (n << 8) | usize::from(b));
            if header + length > input.len() {
                return Err(format!(
                    "its sector data claims {length} bytes but {} follow the header",
                    input.len() - header
                ));
            }
            Ok(())
        }
        b"flac" if input.is_empty() => Err("no compressed bytes".into()),
        _ => Ok(()),
    }
}

thread_local! {
    /// Set while a codec runs under `catch_unwind` on this thread.
    static CONTAINING: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// Whether a panic now would be one that a codec call catches: panic
/// hooks (the terminal UI's) leave such a panic alone.
pub fn containing() -> bool {
    CONTAINING.with(Cell::get)
}

/// Runs `f`, turning a panic into `None` without printing it.
fn contain<T>(f: impl FnOnce() -> T) -> Option<T> {
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !containing() {
                previous(info);
            }
        }));
    });
    CONTAINING.with(|c| c.set(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    CONTAINING.with(|c| c.set(false));
    result.ok()
}

/// The four codecs a header names, each created on first use.
pub struct Codecs {
    tags: [u32; 4],
    hunk_bytes: u32,
    slots: [Option<Box<dyn CompressionCodec>>; 4],
}

impl std::fmt::Debug for Codecs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Codecs")
            .field("tags", &self.tags.map(tag_text))
            .finish()
    }
}

impl Codecs {
    pub fn new(tags: [u32; 4], hunk_bytes: u32) -> Codecs {
        Codecs {
            tags,
            hunk_bytes,
            slots: [None, None, None, None],
        }
    }

    /// Decompresses `input` with the codec in `slot` into all of
    /// `output`. `Err` says why it could not; a codec that panicked is
    /// dropped and made anew next time.
    pub fn decompress(&mut self, slot: u8, input: &[u8], output: &mut [u8]) -> Result<(), String> {
        let codec = self
            .tags
            .get(usize::from(slot))
            .copied()
            .ok_or_else(|| format!("there is no compressor slot {slot}"))?;
        if codec == 0 {
            return Err(format!("compressor slot {slot} is empty in the header"));
        }
        precheck(codec, input, output.len())?;
        let entry = self
            .slots
            .get_mut(usize::from(slot))
            .ok_or_else(|| format!("there is no compressor slot {slot}"))?;
        if entry.is_none() {
            *entry = Some(create(codec, self.hunk_bytes)?);
        }
        let Some(decoder) = entry.as_mut() else {
            return Err(format!("codec {} could not be created", describe(codec)));
        };
        match contain(|| decoder.decompress(input, output)) {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(format!("{}: {e}", describe(codec))),
            None => {
                *entry = None;
                Err(format!(
                    "{} failed on this input (the decoder panicked; caught)",
                    describe(codec)
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_chdman() {
        assert_eq!(name(tag(b"cdlz")), Some("CD LZMA"));
        assert_eq!(describe(tag(b"cdzs")), "cdzs (CD Zstandard)");
        assert_eq!(describe(tag(b"abcd")), "abcd");
        assert!(!supported(tag(b"avhu")));
        assert!(supported(tag(b"zstd")));
    }

    #[test]
    fn an_unknown_codec_is_named_and_short_input_refused() {
        let mut codecs = Codecs::new([tag(b"xyzw"), tag(b"cdlz"), 0, 0], FRAME * 8);
        let mut out = vec![0; (FRAME * 8) as usize];
        let error = codecs.decompress(0, &[1, 2, 3], &mut out).unwrap_err();
        assert!(error.contains("xyzw"), "{error}");
        let error = codecs.decompress(1, &[0], &mut out).unwrap_err();
        assert!(error.contains("too few"), "{error}");
        let error = codecs
            .decompress(1, &[0, 0xFF, 0xFF, 1], &mut out)
            .unwrap_err();
        assert!(error.contains("claims"), "{error}");
        let error = codecs.decompress(2, &[0], &mut out).unwrap_err();
        assert!(error.contains("empty"), "{error}");
    }

    #[test]
    fn a_panic_is_contained() {
        assert_eq!(contain(|| 5), Some(5));
        let caught: Option<()> = contain(|| std::panic::panic_any("boom"));
        assert!(caught.is_none());
        assert!(!containing());
    }
}
