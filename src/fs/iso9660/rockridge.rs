//! Rock Ridge: POSIX names, modes, links, times, relocation and zisofs over
//! SUSP entries.
//!
// Sources: IEEE P1282 (RRIP 1.12) §4.1.1 PX, §4.1.2 PN, §4.1.3 SL, §4.1.4 NM,
// §4.1.5 CL/PL/RE, §4.1.6 TF, §4.1.7 SF; zisofs ZF as written by mkzftree
// and libisofs (algorithm "pz", header size / 4, log2 block size, size).

use crate::timestamp::Timestamp;

use super::dirent::{both32, date7};
#[cfg(test)]
use super::susp::Entry;

/// What the Rock Ridge entries of one record say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rr {
    pub mode: Option<u32>,
    pub links: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub device: Option<(u32, u32)>,
    pub name: Option<Vec<u8>>,
    /// The NM entry names `.` or `..`.
    pub name_special: bool,
    pub target: Option<String>,
    pub child_link: Option<u32>,
    pub parent_link: Option<u32>,
    pub relocated: bool,
    pub mtime: Option<Timestamp>,
    pub sparse_size: Option<u64>,
    pub zisofs: Option<Zf>,
    /// Any Rock Ridge entry at all.
    pub present: bool,
}

/// A ZF entry: the file's data is zisofs-compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zf {
    pub header_size_div4: u8,
    pub block_log2: u8,
    pub size: u32,
}

pub const S_IFMT: u32 = 0o170_000;
pub const S_IFDIR: u32 = 0o040_000;
pub const S_IFREG: u32 = 0o100_000;
pub const S_IFLNK: u32 = 0o120_000;

/// Longest name or link target kept (bytes); longer ones are cut.
const MAX_TEXT: usize = 64 * 1024;

/// A 7- or 17-byte time of a TF entry.
fn tf_time(bytes: &[u8], long: bool) -> Option<Timestamp> {
    if long {
        super::descriptor::date17(bytes)
    } else {
        date7(bytes)
    }
}

/// Folds the entries of one record into an [`Rr`].
#[cfg(test)]
pub fn decode(entries: &[Entry]) -> Rr {
    let mut d = Decoder::default();
    for e in entries {
        d.feed(&e.bytes);
    }
    d.finish()
}

/// Folds entries one at a time, as SUSP hands them over.
#[derive(Debug, Default)]
pub struct Decoder {
    rr: Rr,
    name: Vec<u8>,
    name_seen: bool,
    name_done: bool,
    target: String,
    link_seen: bool,
    /// A '/' goes before the next component (none after the root or inside
    /// a component continued into the next SL entry).
    need_sep: bool,
}

/// An entry's bytes, header included.
struct E<'a> {
    bytes: &'a [u8],
}

impl E<'_> {
    fn byte(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(0)
    }
}

impl Decoder {
    pub fn finish(mut self) -> Rr {
        if self.name_seen {
            self.rr.name = Some(self.name);
        }
        if self.link_seen {
            self.rr.target = Some(self.target);
        }
        self.rr
    }

    /// One entry, header included.
    pub fn feed(&mut self, bytes: &[u8]) {
        let Decoder {
            rr,
            name,
            name_seen,
            name_done,
            target,
            link_seen,
            need_sep,
        } = self;
        let e = E { bytes };
        let data = e.bytes.get(4..).unwrap_or_default();
        match &[e.byte(0), e.byte(1)] {
            b"PX" => {
                rr.present = true;
                rr.mode = both32(e.bytes, 4).map(|v| v.0);
                rr.links = both32(e.bytes, 12).map(|v| v.0);
                rr.uid = both32(e.bytes, 20).map(|v| v.0);
                rr.gid = both32(e.bytes, 28).map(|v| v.0);
            }
            b"PN" => {
                rr.present = true;
                if let (Some(hi), Some(lo)) = (both32(e.bytes, 4), both32(e.bytes, 12)) {
                    rr.device = Some((hi.0, lo.0));
                }
            }
            b"NM" => {
                rr.present = true;
                let flags = e.byte(4);
                if flags & 0x06 != 0 {
                    rr.name_special = true;
                } else if !*name_done && name.len() < MAX_TEXT {
                    name.extend_from_slice(data.get(1..).unwrap_or_default());
                    name.truncate(MAX_TEXT);
                }
                if flags & 0x01 == 0 {
                    *name_done = true;
                }
                *name_seen = true;
            }
            b"SL" => {
                rr.present = true;
                *link_seen = true;
                let mut comps = data.get(1..).unwrap_or_default();
                while let [flags, len, rest @ ..] = comps {
                    let len = usize::from(*len);
                    let Some(content) = rest.get(..len) else {
                        break;
                    };
                    if flags & 0x0E == 0 && len == 0 {
                        // An empty component adds nothing (libarchive's
                        // "new" Rock Ridge samples pad with them).
                        comps = rest;
                        continue;
                    }
                    if flags & 0x08 != 0 {
                        // A root component after others still gets the
                        // separator before it, as Linux and isoinfo build it.
                        if *need_sep {
                            target.push('/');
                        }
                        target.push('/');
                        *need_sep = false;
                    } else {
                        if *need_sep {
                            target.push('/');
                        }
                        if flags & 0x02 != 0 {
                            target.push('.');
                        } else if flags & 0x04 != 0 {
                            target.push_str("..");
                        } else {
                            target.push_str(&String::from_utf8_lossy(content));
                        }
                        *need_sep = flags & 0x01 == 0;
                    }
                    if target.len() > MAX_TEXT {
                        break;
                    }
                    comps = rest.get(len..).unwrap_or_default();
                }
            }
            b"CL" => {
                rr.present = true;
                rr.child_link = both32(e.bytes, 4).map(|v| v.0);
            }
            b"PL" => {
                rr.present = true;
                rr.parent_link = both32(e.bytes, 4).map(|v| v.0);
            }
            b"RE" => {
                rr.present = true;
                rr.relocated = true;
            }
            b"TF" => {
                rr.present = true;
                let flags = e.byte(4);
                let long = flags & 0x80 != 0;
                let width = if long { 17 } else { 7 };
                let mut at = 5usize;
                for bit in 0..7u8 {
                    if flags & (1 << bit) == 0 {
                        continue;
                    }
                    if bit == 1 {
                        rr.mtime = e.bytes.get(at..).and_then(|b| tf_time(b, long));
                    }
                    at += width;
                }
            }
            b"SF" => {
                rr.present = true;
                if let (Some(hi), Some(lo)) = (both32(e.bytes, 4), both32(e.bytes, 12)) {
                    rr.sparse_size = Some((u64::from(hi.0) << 32) | u64::from(lo.0));
                }
            }
            b"ZF" => {
                rr.present = true;
                if e.bytes.get(4..6) == Some(b"pz")
                    && let Some((size, _)) = both32(e.bytes, 8)
                {
                    rr.zisofs = Some(Zf {
                        header_size_div4: e.byte(6),
                        block_log2: e.byte(7),
                        size,
                    });
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(sig: &[u8; 2], data: &[u8]) -> Entry {
        let mut bytes = vec![sig[0], sig[1], (4 + data.len()) as u8, 1];
        bytes.extend_from_slice(data);
        Entry {
            signature: *sig,
            version: 1,
            bytes,
        }
    }

    #[test]
    fn symlink_targets() {
        // /usr/lib
        let e = entry(b"SL", b"\x00\x08\x00\x00\x03usr\x00\x03lib");
        assert_eq!(decode(&[e]).target.unwrap(), "/usr/lib");
        // ../a.txt
        let e = entry(b"SL", b"\x00\x04\x00\x00\x05a.txt");
        assert_eq!(decode(&[e]).target.unwrap(), "../a.txt");
        // a component continued across two SL entries: "lo" + "ng"
        let a = entry(b"SL", b"\x01\x01\x02lo");
        let b = entry(b"SL", b"\x00\x00\x02ng\x00\x01x");
        assert_eq!(decode(&[a, b]).target.unwrap(), "long/x");
    }

    #[test]
    fn names_continue() {
        let a = entry(b"NM", b"\x01abc");
        let b = entry(b"NM", b"\x00def");
        assert_eq!(decode(&[a, b]).name.unwrap(), b"abcdef");
    }
}
