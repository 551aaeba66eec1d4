//! Deciding what an image file is.

use std::path::{Path, PathBuf};

use crate::container::cue::resolve::case_insensitive;
use crate::container::cue::text::{self, NotASheet};
use crate::error::{Error, Result};
use crate::io::{FileSource, ReadAt};

/// The sync pattern that opens every raw data sector (ECMA-130 §14.1).
pub const SYNC: [u8; 12] = [
    0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00,
];

/// A sheet-less image's layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawKind {
    /// 2048-byte user data sectors holding ISO 9660.
    Iso,
    /// 2352-byte raw sectors with sync; the mode byte of sector 0.
    Raw2352 { mode: u8 },
    /// 2336-byte mode 2 sectors without sync and header.
    Raw2336,
    /// 512-byte sectors of a floppy or hard disk.
    Disk,
}

/// What a path turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detected {
    /// A cue sheet (possibly found beside a `.bin`).
    Cue(PathBuf),
    Raw(RawKind),
    /// A zip archive holding one image (`.imz`).
    Imz,
    /// A CloneCD set, by its `.ccd`.
    Ccd(PathBuf),
    /// A MAME CHD.
    Chd,
    /// A cdrdao toc file.
    Toc(PathBuf),
    /// A Nero image.
    Nrg(PathBuf),
    /// An Alcohol 120% image, by its `.mds`.
    Mds(PathBuf),
    /// A DiscJuggler image.
    Cdi(PathBuf),
}

const CUE_WORDS: [&str; 8] = [
    "FILE",
    "REM",
    "TITLE",
    "CATALOG",
    "PERFORMER",
    "SONGWRITER",
    "CDTEXTFILE",
    "TRACK",
];

/// Looks at the file's content (and name when content is silent).
pub fn detect(path: &Path) -> Result<Detected> {
    let source = FileSource::open(path)?;
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let head_len = source.len().min(64 * 1024) as usize;
    let head = source.read_vec(0, head_len)?;

    // A toc file's statements (a disc type line, a TRACK with a toc mode,
    // DATAFILE, SILENCE, ZERO) decide it whatever its name.
    let toc_text = text::recognise_other(&head) == Some(NotASheet::CdrdaoToc);
    if toc_text || (extension == "toc" && !looks_like_cue(&head)) {
        return Ok(Detected::Toc(path.to_owned()));
    }
    // An Alcohol descriptor by its signature (version 2 is refused when
    // opened, named); its data file by the descriptor beside it.
    if crate::container::mds::version(&head).is_some() || extension == "mds" {
        return Ok(Detected::Mds(path.to_owned()));
    }
    if extension == "mdx" {
        return Err(Error::image(
            path,
            "this is a Daemon Tools .mdx image (MDS 2.x, encrypted), which discscope names but cannot read",
        ));
    }
    if extension == "mdf"
        && let Some(descriptor) = sibling_with_extension(path, "mds")
    {
        return Ok(Detected::Mds(descriptor));
    }
    // Without its descriptor an .mdf of raw 2352-byte sectors still reads
    // as a raw image; one with subchannel after each sector does not.
    let raw_2352 = head.starts_with(&SYNC) && head.get(2448..2460) != Some(SYNC.as_slice());
    if extension == "mdf" && !raw_2352 {
        return Err(Error::image(
            path,
            "this is an Alcohol 120% .mdf data file and no .mds describing it is beside it",
        ));
    }
    if extension == "cue" || looks_like_cue(&head) {
        return Ok(Detected::Cue(path.to_owned()));
    }
    if extension == "bin"
        && let Some(sheet) = sibling_with_extension(path, "cue")
    {
        return Ok(Detected::Cue(sheet));
    }
    if head.starts_with(crate::container::chd::SIGNATURE) {
        return Ok(Detected::Chd);
    }
    if extension == "ccd" || text::recognise_other(&head) == Some(NotASheet::CloneCdControl) {
        return Ok(Detected::Ccd(path.to_owned()));
    }
    if crate::container::nrg::has_footer(&source)? || extension == "nrg" {
        return Ok(Detected::Nrg(path.to_owned()));
    }
    if crate::container::cdi::footer(&source)?.is_some() || extension == "cdi" {
        return Ok(Detected::Cdi(path.to_owned()));
    }
    if matches!(extension.as_str(), "img" | "sub")
        && let Some(ccd) = sibling_with_extension(path, "ccd")
    {
        return Ok(Detected::Ccd(ccd));
    }
    if super::imz::is_zip(&head) {
        return Ok(Detected::Imz);
    }
    // ISO 9660, or a UDF-only DVD image (its volume recognition sequence
    // starts where ISO 9660's descriptors would).
    let identifier = bytes_at(&source, 0x8001, 5)?;
    let udf_dvd = extension == "iso" && identifier.as_deref() == Some(b"BEA01");
    if identifier.as_deref() == Some(b"CD001") || udf_dvd {
        return Ok(Detected::Raw(RawKind::Iso));
    }
    if head.starts_with(&SYNC) {
        let mode = head.get(15).copied().unwrap_or(1);
        return Ok(Detected::Raw(RawKind::Raw2352 { mode }));
    }
    if looks_like_2336(&source)? {
        return Ok(Detected::Raw(RawKind::Raw2336));
    }
    if extension == "bin" && source.len() % 2352 == 0 && !source.is_empty() {
        // A sheet-less audio image: no sync, a multiple of the raw size.
        return Ok(Detected::Raw(RawKind::Raw2352 { mode: 0xff }));
    }
    if source.is_empty() {
        return Err(Error::image(path, "the file is empty"));
    }
    Ok(Detected::Raw(RawKind::Disk))
}

fn bytes_at(source: &FileSource, offset: u64, len: usize) -> Result<Option<Vec<u8>>> {
    if offset + len as u64 > source.len() {
        return Ok(None);
    }
    source.read_vec(offset, len).map(Some)
}

/// A cue sheet's first meaningful word is one of its commands.
fn looks_like_cue(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    let text = String::from_utf8_lossy(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head));
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_default()
        .to_ascii_uppercase();
    CUE_WORDS.contains(&first.as_str())
        && text
            .lines()
            .any(|l| l.trim_start().to_ascii_uppercase().starts_with("FILE"))
}

/// Mode 2 sectors stored without sync and header: the subheader's two
/// copies match, and ISO 9660 sits at sector 16 if the disc has a filesystem.
fn looks_like_2336(source: &FileSource) -> Result<bool> {
    if !source.len().is_multiple_of(2336) || source.len() < 2336 * 17 {
        return Ok(false);
    }
    let descriptor = bytes_at(source, 16 * 2336 + 8 + 1, 5)?;
    Ok(descriptor.as_deref() == Some(b"CD001"))
}

/// `name.EXT` beside `path`: exactly that name, or else that name in any
/// letter case.
pub fn sibling_with_extension(path: &Path, extension: &str) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_str()?;
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let exact = folder.join(format!("{stem}.{extension}"));
    if exact.is_file() {
        return Some(exact);
    }
    case_insensitive(&exact).filter(|p| p.is_file())
}
