//! Rock Ridge: POSIX names, modes, links, times, relocation and zisofs over
//! SUSP entries.
//!
// Sources: IEEE P1282 (RRIP 1.12) §4.1.1 PX, §4.1.2 PN, §4.1.3 SL, §4.1.4 NM,
// §4.1.5 CL/PL/RE, §4.1.6 TF, §4.1.7 SF; RRIP 1.09 RR (dropped in 1.10);
// zisofs ZF as written by mkzftree and libisofs (algorithm "pz", header
// size / 4, log2 block size, uncompressed size).

use crate::structure::{Both, Both32, Codec, Field, Hex8, Raw, U8, Value, declare};
use crate::timestamp::Timestamp;

use super::descriptor::Date17;
use super::dirent::Date7;
#[cfg(test)]
use super::susp::SuspEntry;
use super::susp::{self, entry};
use crate::structure::named::flags;

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
    /// The last byte of the TF modification time: its UTC offset.
    pub mtime_offset_byte: Option<u8>,
    pub sparse_size: Option<u64>,
    pub zisofs: Option<Zf>,
    /// Any Rock Ridge entry at all.
    pub present: bool,
}

pub const S_IFMT: u32 = 0o170_000;
pub const S_IFDIR: u32 = 0o040_000;
pub const S_IFREG: u32 = 0o100_000;
pub const S_IFLNK: u32 = 0o120_000;

/// Longest name or link target kept (bytes); longer ones are cut.
const MAX_TEXT: usize = 64 * 1024;

/// A POSIX file mode (both-endian), its type and permissions in the note.
#[derive(Clone, Copy, Debug)]
pub struct Mode;

impl Codec for Mode {
    type Out = Both<u32>;
    const WIDTH: Option<usize> = Both32::WIDTH;
    fn decode(raw: &[u8]) -> Both<u32> {
        Both32::decode(raw)
    }
    fn value(raw: &[u8]) -> Value {
        Both32::value(raw)
    }
    fn note(raw: &[u8]) -> Option<String> {
        let mode = Both32::decode(raw).value;
        let kind = match mode & S_IFMT {
            S_IFDIR => "directory",
            S_IFREG => "regular file",
            S_IFLNK => "symbolic link",
            0o010_000 => "fifo",
            0o020_000 => "character device",
            0o060_000 => "block device",
            0o140_000 => "socket",
            _ => "unknown type",
        };
        let mut note = format!("{mode:06o}, {kind}");
        if let Some(mismatch) = Both32::note(raw) {
            note.push_str(&format!("; {mismatch}"));
        }
        Some(note)
    }
}

flags!(
    /// NM flags (§4.1.4).
    NameFlags: Hex8 => u8, 2,
    [(0x01, "continues"), (0x02, "current directory"), (0x04, "parent directory"), (0x20, "host")]
);

flags!(
    /// SL flags (§4.1.3): the last component continues in the next SL.
    LinkFlags: Hex8 => u8, 2, [(0x01, "continues")]
);

flags!(
    /// The flags of one SL component (§4.1.3.1).
    ComponentFlags: Hex8 => u8, 2,
    [(0x01, "continues"), (0x02, "current directory"), (0x04, "parent directory"),
     (0x08, "root"), (0x10, "volume root"), (0x20, "host")]
);

/// TF flag bits (§4.1.6): the times recorded, in order, then the form.
const TIMES: [(u64, &str); 8] = [
    (0x01, "creation"),
    (0x02, "modification"),
    (0x04, "access"),
    (0x08, "attributes"),
    (0x10, "backup"),
    (0x20, "expiration"),
    (0x40, "effective"),
    (0x80, "long form"),
];
const TF_LONG: u8 = 0x80;

flags!(
    /// TF flags: which times follow, and whether in the 17-byte form.
    TimeFlags: Hex8 => u8, 2, TIMES
);

flags!(
    /// RR flags (RRIP 1.09): the Rock Ridge entries the record carries.
    EntryFlags: Hex8 => u8, 2,
    [(0x01, "PX"), (0x02, "PN"), (0x04, "SL"), (0x08, "NM"), (0x10, "CL"),
     (0x20, "PL"), (0x40, "RE"), (0x80, "TF")]
);

entry! {
    /// PX, as RRIP 1.10 laid it out; RRIP 1.12 adds a serial number.
    pub struct Px = "POSIX file attributes", "IEEE P1282 §4.1.1", 36 {
        4, 8 => mode: Mode, "file mode", "st_mode: file type and permission bits";
        12, 8 => links: Both32, "links", "st_nlink: directory entries naming the file";
        20, 8 => uid: Both32, "user id", "st_uid";
        28, 8 => gid: Both32, "group id", "st_gid";
    }
}

entry! {
    /// PN: a device's number.
    pub struct Pn = "POSIX device number", "IEEE P1282 §4.1.2", 20 {
        4, 8 => high: Both32, "device number high", "the upper 32 bits of dev_t";
        12, 8 => low: Both32, "device number low", "the lower 32 bits of dev_t";
    }
}

entry! {
    /// SL, its fixed part; component records follow.
    pub struct Sl = "Symbolic link", "IEEE P1282 §4.1.3", 5 {
        4, 1 => flags: LinkFlags, "flags", "bit 0: the link continues in the next SL entry";
    }
}

declare! {
    /// The head of one SL component record; its content follows.
    pub struct Component = "Symbolic link component", Directory, "IEEE P1282 §4.1.3.1", 2 {
        0, 1 => flags: ComponentFlags, "flags", "continues, current, parent, root, volume root, host";
        1, 1 => length: U8, "length", "bytes of the component's content";
    }
}

entry! {
    /// NM, its fixed part; the name follows.
    pub struct Nm = "Alternate name", "IEEE P1282 §4.1.4", 5 {
        4, 1 => flags: NameFlags, "flags", "continues, current directory, parent directory, host";
    }
}

entry! {
    /// CL: where a relocated directory really is.
    pub struct Cl = "Child link", "IEEE P1282 §4.1.5.1", 12 {
        4, 8 => location: Both32, "child directory", "logical block of the relocated directory";
    }
}

entry! {
    /// PL: the real parent of a relocated directory.
    pub struct Pl = "Parent link", "IEEE P1282 §4.1.5.2", 12 {
        4, 8 => location: Both32, "parent directory", "logical block of the original parent";
    }
}

entry! {
    /// RE: this directory was relocated; a CL elsewhere names it.
    pub struct Re = "Relocated directory", "IEEE P1282 §4.1.5.3", 4 {}
}

entry! {
    /// TF, its fixed part; the times its flags name follow.
    pub struct Tf = "Time stamps", "IEEE P1282 §4.1.6", 5 {
        4, 1 => flags: TimeFlags, "flags", "which times follow, and bit 7 for the 17-byte form";
    }
}

entry! {
    /// SF: a sparse file's real size.
    pub struct Sf = "Sparse file", "IEEE P1282 §4.1.7", 21 {
        4, 8 => high: Both32, "virtual size high", "the upper 32 bits of the file size";
        12, 8 => low: Both32, "virtual size low", "the lower 32 bits of the file size";
        20, 1 => depth: U8, "table depth", "levels of the sparse file's block tables";
    }
}

entry! {
    /// RR (RRIP 1.09): which Rock Ridge entries the record carries.
    pub struct RrFlags = "Rock Ridge extensions in use", "RRIP 1.09 (dropped in 1.10)", 5 {
        4, 1 => flags: EntryFlags, "flags", "PX, PN, SL, NM, CL, PL, RE, TF bits";
    }
}

entry! {
    /// ZF: the file's data is zisofs-compressed.
    pub struct Zf = "zisofs", "zisofs (mkzftree, libisofs)", 16 {
        4, 2 => algorithm: Raw<2>, "algorithm", "pz for zisofs";
        6, 1 => header_size_div4: U8, "header size / 4", "the file header's length in 4-byte units";
        7, 1 => block_log2: U8, "log2 block size", "15 for 32 KiB blocks";
        8, 8 => size: Both32, "uncompressed size", "bytes of the file once decompressed";
    }
}

/// The times a TF entry holds: which (its index in [`TIMES`]), where in
/// the entry, and the bytes.
fn stamps(entry: &[u8]) -> Vec<(usize, usize, &[u8])> {
    let Ok(tf) = Tf::decode(entry) else {
        return Vec::new();
    };
    let width = if tf.flags & TF_LONG != 0 { 17 } else { 7 };
    (0..7)
        .filter(|bit| tf.flags & (1 << bit) != 0)
        .enumerate()
        .map_while(|(i, bit)| {
            let at = Tf::LAYOUT.size + i * width;
            entry.get(at..at + width).map(|raw| (bit, at, raw))
        })
        .collect()
}

/// A TF time in its form.
fn stamp(raw: &[u8]) -> Option<Timestamp> {
    if raw.len() == 17 {
        Date17::decode(raw)
    } else {
        Date7::decode(raw)
    }
}

/// The component records of an SL entry's data: where each starts, its
/// flags, its content.
fn components(data: &[u8]) -> impl Iterator<Item = (usize, u8, &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let head = Component::decode(data.get(pos..)?).ok()?;
        let start = pos + Component::LAYOUT.size;
        let content = data.get(start..start + usize::from(head.length))?;
        let at = pos;
        pos = start + content.len();
        Some((at, head.flags, content))
    })
}

/// Folds the entries of one record into an [`Rr`].
#[cfg(test)]
pub fn decode(entries: &[SuspEntry]) -> Rr {
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
        let rr = &mut self.rr;
        match bytes.get(..2) {
            Some(b"PX") => {
                rr.present = true;
                if let Ok(px) = Px::decode(bytes) {
                    rr.mode = Some(px.mode.value);
                    rr.links = Some(px.links.value);
                    rr.uid = Some(px.uid.value);
                    rr.gid = Some(px.gid.value);
                }
            }
            Some(b"PN") => {
                rr.present = true;
                if let Ok(pn) = Pn::decode(bytes) {
                    rr.device = Some((pn.high.value, pn.low.value));
                }
            }
            Some(b"NM") => {
                rr.present = true;
                self.name_entry(bytes);
            }
            Some(b"SL") => {
                rr.present = true;
                self.link_entry(bytes);
            }
            Some(b"CL") => {
                rr.present = true;
                rr.child_link = Cl::decode(bytes).ok().map(|cl| cl.location.value);
            }
            Some(b"PL") => {
                rr.present = true;
                rr.parent_link = Pl::decode(bytes).ok().map(|pl| pl.location.value);
            }
            Some(b"RE") => {
                rr.present = true;
                rr.relocated = true;
            }
            Some(b"TF") => {
                rr.present = true;
                if let Some((_, _, raw)) = stamps(bytes).into_iter().find(|(bit, _, _)| *bit == 1) {
                    rr.mtime = stamp(raw);
                    rr.mtime_offset_byte = raw.last().copied();
                }
            }
            Some(b"SF") => {
                rr.present = true;
                if let Ok(sf) = Sf::decode(bytes) {
                    rr.sparse_size =
                        Some((u64::from(sf.high.value) << 32) | u64::from(sf.low.value));
                }
            }
            Some(b"ZF") => {
                rr.present = true;
                if let Ok(zf) = Zf::decode(bytes)
                    && &zf.algorithm == b"pz"
                {
                    rr.zisofs = Some(zf);
                }
            }
            _ => {}
        }
    }

    /// NM: a piece of the name, or `.`/`..`.
    fn name_entry(&mut self, bytes: &[u8]) {
        let Ok(nm) = Nm::decode(bytes) else {
            return;
        };
        if nm.flags & 0x06 != 0 {
            self.rr.name_special = true;
        } else if !self.name_done && self.name.len() < MAX_TEXT {
            let text = bytes.get(Nm::LAYOUT.size..).unwrap_or_default();
            self.name.extend_from_slice(text);
            self.name.truncate(MAX_TEXT);
        }
        if nm.flags & 0x01 == 0 {
            self.name_done = true;
        }
        self.name_seen = true;
    }

    /// SL: components of the link target, joined with '/'.
    fn link_entry(&mut self, bytes: &[u8]) {
        self.link_seen = true;
        let target = &mut self.target;
        let data = bytes.get(Sl::LAYOUT.size..).unwrap_or_default();
        for (_, flags, content) in components(data) {
            if flags & 0x0E == 0 && content.is_empty() {
                // An empty component adds nothing (libarchive's "new" Rock
                // Ridge samples pad with them).
                continue;
            }
            if flags & 0x08 != 0 {
                // A root component after others still gets the separator
                // before it, as Linux and isoinfo build it.
                if self.need_sep {
                    target.push('/');
                }
                target.push('/');
                self.need_sep = false;
            } else {
                if self.need_sep {
                    target.push('/');
                }
                if flags & 0x02 != 0 {
                    target.push('.');
                } else if flags & 0x04 != 0 {
                    target.push_str("..");
                } else {
                    target.push_str(&String::from_utf8_lossy(content));
                }
                self.need_sep = flags & 0x01 == 0;
            }
            if target.len() > MAX_TEXT {
                break;
            }
        }
    }
}

/// The fields of a Rock Ridge entry (an entry at `shift`, named with
/// `prefix`); returns where they end, or `None` for other signatures.
pub fn annotate(bytes: &[u8], shift: u64, prefix: &str, out: &mut Vec<Field>) -> Option<usize> {
    let declared = |layout, out: &mut Vec<Field>| susp::declared(layout, bytes, shift, prefix, out);
    Some(match bytes.get(..2)? {
        b"PX" => {
            let end = declared(&Px::LAYOUT, out);
            match bytes.get(end..end + 8) {
                Some(raw) if end == Px::LAYOUT.size => {
                    out.push(Field {
                        note: Both32::note(raw),
                        ..Field::new(
                            shift + end as u64,
                            8,
                            format!("{prefix} file serial number"),
                            Both32::value(raw),
                            "st_ino (RRIP 1.12)",
                            "IEEE P1282 §4.1.1",
                        )
                    });
                    end + 8
                }
                _ => end,
            }
        }
        b"PN" => declared(&Pn::LAYOUT, out),
        b"SL" => {
            let end = declared(&Sl::LAYOUT, out);
            let data = bytes.get(end..).unwrap_or_default();
            let mut used = end;
            for (n, (at, _, content)) in components(data).enumerate() {
                let name = format!("{prefix} component {}", n + 1);
                let start = shift + (end + at) as u64;
                out.extend(Component::LAYOUT.fields_at(
                    data.get(at..).unwrap_or_default(),
                    start,
                    Some(&name),
                ));
                if !content.is_empty() {
                    out.push(Field::new(
                        start + Component::LAYOUT.size as u64,
                        content.len() as u64,
                        format!("{name} content"),
                        susp::text_or_hex(content),
                        "a path component (none for '.', '..' and the root)",
                        "IEEE P1282 §4.1.3.1",
                    ));
                }
                used = end + at + Component::LAYOUT.size + content.len();
            }
            used
        }
        b"NM" => {
            let end = declared(&Nm::LAYOUT, out);
            let name = bytes.get(end..).unwrap_or_default();
            if !name.is_empty() {
                out.push(Field::new(
                    shift + end as u64,
                    name.len() as u64,
                    format!("{prefix} name"),
                    susp::text_or_hex(name),
                    "the file's POSIX name, or a piece of it",
                    "IEEE P1282 §4.1.4",
                ));
            }
            end + name.len()
        }
        b"CL" => declared(&Cl::LAYOUT, out),
        b"PL" => declared(&Pl::LAYOUT, out),
        b"RE" => declared(&Re::LAYOUT, out),
        b"TF" => {
            let mut end = declared(&Tf::LAYOUT, out);
            for (bit, at, raw) in stamps(bytes) {
                let (value, note) = if raw.len() == 17 {
                    (Date17::value(raw), Date17::note(raw))
                } else {
                    (Date7::value(raw), Date7::note(raw))
                };
                let which = TIMES.get(bit).map_or("", |(_, name)| name);
                out.push(Field {
                    note,
                    ..Field::new(
                        shift + at as u64,
                        raw.len() as u64,
                        format!("{prefix} {which} time"),
                        value,
                        "a time the flags name, in the 7- or 17-byte form",
                        "IEEE P1282 §4.1.6",
                    )
                });
                end = at + raw.len();
            }
            end
        }
        b"SF" => declared(&Sf::LAYOUT, out),
        b"RR" => declared(&RrFlags::LAYOUT, out),
        b"ZF" => declared(&Zf::LAYOUT, out),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn entry(sig: &[u8; 2], data: &[u8]) -> SuspEntry {
        let mut bytes = vec![sig[0], sig[1], (4 + data.len()) as u8, 1];
        bytes.extend_from_slice(data);
        SuspEntry {
            signature: *sig,
            version: 1,
            bytes,
        }
    }

    fn both(v: u32) -> Vec<u8> {
        [v.to_le_bytes(), v.to_be_bytes()].concat()
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

    #[test]
    fn attributes_times_and_zisofs() {
        let px = entry(
            b"PX",
            &[both(0o100644), both(1), both(1000), both(100), both(7)].concat(),
        );
        let mut tf = vec![0x06];
        tf.extend([123, 11, 14, 22, 13, 20, 0]);
        tf.extend([124, 1, 2, 3, 4, 5, 0]);
        let tf = entry(b"TF", &tf);
        let mut zf = b"pz\x04\x0f".to_vec();
        zf.extend(both(460_000));
        let zf = entry(b"ZF", &zf);
        let rr = decode(&[px, tf, zf]);
        assert_eq!(
            (rr.mode, rr.uid, rr.gid),
            (Some(0o100644), Some(1000), Some(100))
        );
        assert_eq!(rr.mtime.unwrap().to_string(), "2023-11-14T22:13:20Z");
        let zf = rr.zisofs.unwrap();
        assert_eq!((zf.block_log2, zf.size.value), (15, 460_000));
    }

    #[test]
    fn declarations_tile_and_name_what_is_missing() {
        check_declarations!(Px, Pn, Sl, Component, Nm, Cl, Pl, Re, Tf, Sf, RrFlags, Zf);
    }

    #[test]
    fn a_truncated_entry_names_its_field() {
        let px = entry(b"PX", &[both(0o40755), both(2)].concat());
        match Px::decode(&px.bytes) {
            Err(Error::Truncated { field, offset, .. }) => {
                assert_eq!((field, offset), ("user id", 20));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn entries_are_annotated_field_by_field() {
        let mut fields = Vec::new();
        let px = entry(
            b"PX",
            &[both(0o100644), both(1), both(0), both(0), both(9)].concat(),
        );
        let end = annotate(&px.bytes, 0, "PX", &mut fields).unwrap();
        assert_eq!(end, 44);
        let sl = entry(b"SL", b"\x00\x08\x00\x00\x03usr");
        let end = annotate(&sl.bytes, 44, "SL", &mut fields).unwrap();
        assert_eq!(end, sl.bytes.len());
        let mut tf = vec![0x82];
        tf.extend(b"2023111422132000\x00");
        let tf = entry(b"TF", &tf);
        annotate(&tf.bytes, 100, "TF", &mut fields).unwrap();
        let field = |name: &str| fields.iter().find(|f| f.name == name).unwrap();
        assert_eq!(field("PX file mode").text(), "33188 (100644, regular file)");
        assert_eq!(field("PX file serial number").value, Value::Unsigned(9));
        assert_eq!(field("SL component 1 flags").text(), "0x08 (root)");
        assert_eq!(
            field("SL component 2 content").value,
            Value::Text("usr".into())
        );
        assert_eq!(field("SL component 2 content").offset, 44 + 5 + 2 + 2);
        assert_eq!(field("TF flags").text(), "0x82 (modification long form)");
        assert_eq!(field("TF modification time").text(), "2023-11-14T22:13:20Z");
        assert_eq!(field("TF modification time").offset, 105);
    }
}
