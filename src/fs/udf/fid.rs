//! File identifier descriptors: the entries of a directory.
//!
//! Sources: ECMA-167 4/14.4 (file version, characteristics: bit 0 hidden
//! ("existence"), 1 directory, 2 deleted, 3 parent, 4 metadata; the
//! identifier's and implementation use's lengths; padding to a multiple
//! of 4 bytes), OSTA UDF 2.60 §2.3.4 (names in CS0; a deleted entry may
//! keep its ICB or zero it).

use crate::structure::{Field, Hex8, Le16, Place, Structure, U8, Value, declare};

use super::descriptor::DescriptorTag;
use super::extent::{LongAd, LongAdCodec, le16};
use super::name::{Cs0, cs0};
use super::tag::{self, Checked};

declare! {
    /// The fixed part of a file identifier descriptor.
    pub struct FidFixed = "File identifier descriptor", Directory, "ECMA-167 4/14.4", 38 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 257", "ECMA-167 3/7.2";
        16, 2 => version: Le16, "file version number", "1";
        18, 1 => characteristics: Hex8, "file characteristics", "bit 0 hidden, 1 directory, 2 deleted, 3 parent, 4 metadata";
        19, 1 => name_length: U8, "length of file identifier", "bytes of the name";
        20, 16 => icb: LongAdCodec, "ICB", "where the entry's file entry is";
        36, 2 => iu_length: Le16, "length of implementation use", "bytes before the name";
    }
}

pub const HIDDEN: u8 = 1;
pub const DIRECTORY: u8 = 2;
pub const DELETED: u8 = 4;
pub const PARENT: u8 = 8;

/// One directory entry as found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fid {
    /// Offset in the directory's data.
    pub offset: usize,
    /// Bytes it takes with its padding.
    pub length: usize,
    pub characteristics: u8,
    pub icb: LongAd,
    pub name: Cs0,
    pub checked: Checked,
}

impl Fid {
    pub fn is(&self, flag: u8) -> bool {
        self.characteristics & flag != 0
    }
}

/// The bytes a FID at the start of `bytes` takes, if its fixed part is
/// there.
pub fn length_of(bytes: &[u8]) -> Option<usize> {
    let fixed = bytes.get(..38)?;
    let name = usize::from(fixed.get(19).copied().unwrap_or(0));
    let iu = usize::from(le16(fixed, 36));
    Some((38 + iu + name).div_ceil(4) * 4)
}

/// What reading a directory's data found.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub fids: Vec<Fid>,
    /// Problems, each with the offset in the directory where it was seen.
    pub problems: Vec<(usize, String)>,
}

/// Reads every FID in a directory's data. `location` gives the block a
/// FID's tag at an offset should name. A FID whose tag is damaged is
/// reported and the reading resumes at the next good FID tag.
pub fn list(data: &[u8], location: &dyn Fn(usize) -> u32, most: usize) -> Listing {
    let mut out = Listing::default();
    let mut at = 0usize;
    while at + 38 <= data.len() {
        if out.fids.len() >= most {
            out.problems.push((
                at,
                format!("more than {most} entries; the rest were not read"),
            ));
            break;
        }
        let rest = data.get(at..).unwrap_or_default();
        let want = location(at);
        let Some(checked) = Checked::new(rest, want) else {
            break;
        };
        if !checked.is(tag::FILE_ID) {
            // Padding after the last entry is zeros.
            if rest.iter().take(38).all(|&b| b == 0) {
                break;
            }
            out.problems.push((
                at,
                format!(
                    "no file identifier descriptor where one should be (tag identifier {})",
                    checked.tag.id
                ),
            ));
            match resync(data, at + 4) {
                Some(next) => {
                    at = next;
                    continue;
                }
                None => break,
            }
        }
        let length = length_of(rest).unwrap_or(38);
        if at + length > data.len() {
            out.problems.push((
                at,
                format!(
                    "a file identifier descriptor of {length} bytes runs past the end of its directory ({} bytes)",
                    data.len()
                ),
            ));
            break;
        }
        let name_len = usize::from(rest.get(19).copied().unwrap_or(0));
        let iu = usize::from(le16(rest, 36));
        let name = cs0(rest.get(38 + iu..38 + iu + name_len).unwrap_or_default());
        // The CRC length should stay inside the FID; when it runs past,
        // check again over the FID alone so the overrun is reported.
        let checked = if usize::from(checked.tag.crc_length) + 16 > length {
            let body = rest.get(..length).unwrap_or_default();
            Checked::new(body, want).unwrap_or(checked)
        } else {
            checked
        };
        out.fids.push(Fid {
            offset: at,
            length,
            characteristics: rest.get(18).copied().unwrap_or(0),
            icb: LongAd::parse(rest.get(20..36).unwrap_or_default()),
            name,
            checked,
        });
        at += length;
    }
    out
}

/// The next 4-aligned offset from `from` that starts a FID tag with a good
/// checksum.
fn resync(data: &[u8], from: usize) -> Option<usize> {
    let mut at = from.div_ceil(4) * 4;
    while at + 38 <= data.len() {
        let rest = data.get(at..)?;
        if le16(rest, 0) == tag::FILE_ID && tag::checksum(rest) == rest.get(4).copied()? {
            return Some(at);
        }
        at += 4;
    }
    None
}

/// A FID as an annotated structure.
pub fn structure(bytes: &[u8], position: u64) -> Structure {
    let length = length_of(bytes).unwrap_or(38);
    let mut s = FidFixed::LAYOUT.structure(bytes, Place::Medium(position));
    s.length = length as u64;
    let name_len = usize::from(bytes.get(19).copied().unwrap_or(0));
    let iu = usize::from(le16(bytes, 36));
    let flags = bytes.get(18).copied().unwrap_or(0);
    let mut what = Vec::new();
    for (bit, word) in [
        (HIDDEN, "hidden"),
        (DIRECTORY, "directory"),
        (DELETED, "deleted"),
        (PARENT, "parent"),
        (16, "metadata"),
    ] {
        if flags & bit != 0 {
            what.push(word);
        }
    }
    if !what.is_empty() {
        s.note("file characteristics", what.join(", "));
    }
    if iu > 0 {
        s.push(Field::new(
            38,
            iu as u64,
            "implementation use",
            Value::Text(format!("{iu} bytes")),
            "recorded by the implementation (often its regid)",
            "ECMA-167 4/14.4.8",
        ));
    }
    if name_len > 0 {
        let raw = bytes.get(38 + iu..38 + iu + name_len).unwrap_or_default();
        let name = cs0(raw);
        let mut f = Field::new(
            (38 + iu) as u64,
            name_len as u64,
            "file identifier",
            Value::Text(name.text),
            format!(
                "the name in OSTA compressed unicode (compression ID {})",
                raw.first().copied().unwrap_or(0)
            ),
            "ECMA-167 4/14.4.9; UDF 2.60 §2.1.1",
        );
        f.note = name.problem;
        s.push(f);
    }
    let used = 38 + iu + name_len;
    if length > used {
        s.push(Field::new(
            used as u64,
            (length - used) as u64,
            "padding",
            Value::Text("zero".to_owned()),
            "to a multiple of 4 bytes",
            "ECMA-167 4/14.4.10",
        ));
    }
    let location = super::extent::le32(bytes, 12);
    if let Some(checked) = Checked::new(bytes.get(..length).unwrap_or(bytes), location) {
        super::descriptor::expand_tag(&mut s, bytes, &checked, u64::from(location));
    }
    s
}
