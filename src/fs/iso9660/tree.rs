//! From directory records to nodes: names by flavour, Rock Ridge metadata,
//! relocated directories, multi-extent and interleaved files.
//!
// Sources: ECMA-119 §6.5.1 (multi-extent files: records with the same name,
// all but the last flagged), §6.4.3 (interleaving: file unit size, gap),
// RRIP §4.1.5 (CL/PL/RE relocation).

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fs::{FileExtent, Node, NodeKind};
use crate::structure::ucs2be_text;
use crate::units::Lba;

use super::dirent::{
    self, FLAG_ASSOCIATED, FLAG_HIDDEN, FLAG_MULTI_EXTENT, FLAG_PROTECTION, FLAG_RECORD, Record, Xa,
};
use super::rockridge::{self, Rr, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG};
use super::{BLOCK, Flavor, IsoFs, at_sector, names, susp};

/// Records read from one directory at most: far above any real disc, and
/// low enough that a hostile directory cannot hold more than ~100 MiB.
const MAX_RECORDS: usize = 250_000;

const ZISOFS_NOTE: &str = "compression";

/// Whether a node's data is zisofs-compressed.
pub fn is_zisofs(node: &Node) -> bool {
    node.notes
        .iter()
        .any(|(k, v)| k == ZISOFS_NOTE && v == "zisofs")
}

fn lba(n: u64) -> Lba {
    Lba(i64::try_from(n).unwrap_or(i64::MAX))
}

impl IsoFs {
    pub(super) fn root_node(&self) -> Node {
        let mut node = self.node(&self.root, None, String::new(), Vec::new());
        node.kind = NodeKind::Dir;
        node
    }

    /// The data extents of a record, clamped to the image.
    fn extents_of(&self, r: &Record, out: &mut Vec<FileExtent>) {
        let start = r.data_lba();
        let mut size = u64::from(r.size);
        let avail = self.blocks.saturating_sub(start) * BLOCK;
        if size > avail {
            self.note(at_sector(
                Diagnostic::warning(
                    "iso.extent-past-end",
                    format!(
                        "extent at sector {start} of {size} bytes runs past the end of the image; clamped to {avail} bytes"
                    ),
                ),
                start,
            ));
            size = avail;
        }
        if size == 0 && r.size != 0 {
            return;
        }
        if r.unit_size == 0 || r.gap == 0 {
            out.push(FileExtent {
                lba: lba(start),
                bytes: size,
            });
            return;
        }
        // Interleaved: units of `unit_size` blocks separated by `gap` blocks.
        let unit = u64::from(r.unit_size) * BLOCK;
        let step = u64::from(r.unit_size) + u64::from(r.gap);
        let mut at = start;
        while size > 0 && at < self.blocks {
            let n = size.min(unit);
            out.push(FileExtent {
                lba: lba(at),
                bytes: n,
            });
            size -= n;
            at += step;
        }
    }

    /// A node for `r` (the first record of a file), with `extra` records of
    /// a multi-extent file following it.
    fn node(&self, r: &Record, rr: Option<&Rr>, name: String, extra: Vec<&Record>) -> Node {
        let mut extents = Vec::new();
        self.extents_of(r, &mut extents);
        for more in &extra {
            self.extents_of(more, &mut extents);
        }
        let mut notes = Vec::new();
        if r.flags & FLAG_HIDDEN != 0 {
            notes.push(("flags".to_owned(), "hidden".to_owned()));
        }
        if r.flags & FLAG_ASSOCIATED != 0 {
            notes.push(("flags".to_owned(), "associated file".to_owned()));
        }
        if r.flags & FLAG_RECORD != 0 {
            notes.push((
                "flags".to_owned(),
                "record format in extended attributes".to_owned(),
            ));
        }
        if r.flags & FLAG_PROTECTION != 0 {
            notes.push((
                "flags".to_owned(),
                "protection in extended attributes".to_owned(),
            ));
        }
        if !extra.is_empty() {
            notes.push((
                "multi-extent".to_owned(),
                format!("{} extents", extra.len() + 1),
            ));
        }
        if r.unit_size != 0 && r.gap != 0 {
            notes.push((
                "interleaved".to_owned(),
                format!("unit {} blocks, gap {} blocks", r.unit_size, r.gap),
            ));
        }
        if r.ext_attr_length != 0 {
            notes.push((
                "extended attribute record".to_owned(),
                format!("{} blocks", r.ext_attr_length),
            ));
        }
        if let Some(xa) = Xa::parse(r.system_use()) {
            notes.push(("xa".to_owned(), xa.describe()));
        }
        let mut kind = if r.is_dir() {
            NodeKind::Dir
        } else {
            NodeKind::File
        };
        let mut size: u64 = extents.iter().map(|e| e.bytes).sum();
        let mut mode = None;
        let mut target = None;
        let mut mtime = r.recorded;
        // The recording date's UTC offset byte (§9.1.5).
        let mut offset_byte = r.bytes().get(24).copied();
        if let Some(rr) = rr {
            if let Some(m) = rr.mode {
                mode = Some(m & 0o7777);
                kind = match m & S_IFMT {
                    S_IFDIR => NodeKind::Dir,
                    S_IFREG => NodeKind::File,
                    S_IFLNK => NodeKind::Symlink,
                    0 => kind,
                    _ => NodeKind::Other,
                };
            }
            if rr.target.is_some() && kind != NodeKind::Dir {
                kind = NodeKind::Symlink;
                target = rr.target.clone();
            }
            if rr.mtime.is_some() {
                mtime = rr.mtime;
                offset_byte = rr.mtime_offset_byte;
            }
            if let Some(zf) = &rr.zisofs
                && kind == NodeKind::File
            {
                notes.push((ZISOFS_NOTE.to_owned(), "zisofs".to_owned()));
                notes.push(("compressed size".to_owned(), size.to_string()));
                size = u64::from(zf.size.value);
            }
            if let Some(s) = rr.sparse_size {
                notes.push(("sparse size".to_owned(), s.to_string()));
            }
        }
        if let Some(note) = offset_byte
            .filter(|_| mtime.is_some())
            .and_then(dirent::offset_note)
        {
            self.note(at_sector(
                Diagnostic::warning("iso.date-offset", format!("{name}: the date's {note}")),
                r.offset / BLOCK,
            ));
        }
        Node {
            id: r.offset,
            name,
            raw_name: None,
            kind,
            size,
            extents,
            mtime,
            mode,
            target,
            deleted: false,
            notes,
        }
    }

    /// The Rock Ridge entries of a record.
    fn rr_of(&self, r: &Record, diags: &mut Vec<Diagnostic>) -> Rr {
        let skip = self.susp_skip.unwrap_or(0);
        let su = r.system_use().get(skip..).unwrap_or_default();
        let mut decoder = rockridge::Decoder::default();
        susp::for_each(
            su,
            self.reader.as_ref(),
            lba(r.offset / BLOCK),
            diags,
            &mut |e| {
                decoder.feed(e);
            },
        );
        decoder.finish()
    }

    /// The record's name as text, and its bytes when they are not text.
    fn name_of(&self, r: &Record, rr: Option<&mut Rr>) -> (String, Option<Vec<u8>>) {
        if let Some(name) = rr.and_then(|rr| rr.name.take()).filter(|n| !n.is_empty()) {
            return names::text(&name);
        }
        match self.flavor {
            Flavor::Joliet => {
                let text = ucs2be_text(r.name());
                if self.raw_names {
                    (text, None)
                } else {
                    (names::clean_joliet(&text).to_owned(), None)
                }
            }
            Flavor::Plain | Flavor::RockRidge if self.raw_names => names::text(r.name()),
            Flavor::Plain | Flavor::RockRidge => names::text(names::clean(r.name())),
        }
    }

    /// The `.` record of the directory at `at` (for CL targets).
    fn dot_record(&self, at: u64) -> Option<Record> {
        let sector = self
            .reader
            .read_vec(at.checked_mul(BLOCK)?, BLOCK as usize)
            .ok()?;
        dirent::parse(&sector, at * BLOCK)
            .ok()
            .filter(Record::is_self)
    }

    pub(super) fn list(&self, dir: &Node) -> Result<Vec<Node>> {
        if dir.kind != NodeKind::Dir {
            return Err(Error::Unsupported(format!(
                "{} is not a directory",
                dir.name
            )));
        }
        let mut diags = Vec::new();
        let mut records = Vec::new();
        for e in &dir.extents {
            let first = u64::try_from(e.lba.0).unwrap_or(0);
            let sectors = e.bytes.div_ceil(BLOCK);
            for s in 0..sectors {
                if records.len() >= MAX_RECORDS {
                    diags.push(at_sector(
                        Diagnostic::warning(
                            "iso.dir-too-large",
                            format!(
                                "{}: more than {MAX_RECORDS} records; the rest are not read",
                                dir.name
                            ),
                        ),
                        first + s,
                    ));
                    break;
                }
                let at = (first + s) * BLOCK;
                match self.reader.read_vec(at, BLOCK as usize) {
                    Ok(data) => records.extend(dirent::records(&data, at, &mut diags)),
                    Err(error) => {
                        diags.push(at_sector(
                            Diagnostic::warning("iso.dir-unreadable", error.to_string()),
                            first + s,
                        ));
                        break;
                    }
                }
            }
        }
        let rock = self.flavor == Flavor::RockRidge;
        let mut out = Vec::new();
        let mut i = 0usize;
        while let Some(r) = records.get(i) {
            i += 1;
            if r.is_self() || r.is_parent() {
                continue;
            }
            let mut rr = rock.then(|| self.rr_of(r, &mut diags));
            if let Some(rr) = &rr
                && rr.relocated
            {
                // Shown where its CL entry puts it.
                continue;
            }
            // A multi-extent file: this and the following records of the
            // same name up to one without the flag.
            let mut extra = Vec::new();
            if r.flags & FLAG_MULTI_EXTENT != 0 {
                while let Some(next) = records.get(i) {
                    if next.name() != r.name() {
                        break;
                    }
                    extra.push(next);
                    i += 1;
                    if next.flags & FLAG_MULTI_EXTENT == 0 {
                        break;
                    }
                }
            }
            let (name, raw_name) = self.name_of(r, rr.as_mut());
            let mut node = self.node(r, rr.as_ref(), name, extra);
            node.raw_name = raw_name;
            if let Some(cl) = rr.as_ref().and_then(|rr| rr.child_link) {
                match self.dot_record(u64::from(cl)) {
                    Some(dot) if self.rr_of(&dot, &mut diags).child_link.is_some() => {
                        diags.push(at_sector(
                            Diagnostic::warning(
                                "rr.cl-chain",
                                format!("relocated directory {} points at another relocation; not followed", node.name),
                            ),
                            r.offset / BLOCK,
                        ));
                        node.kind = NodeKind::Other;
                        node.extents.clear();
                    }
                    Some(dot) => {
                        node.kind = NodeKind::Dir;
                        node.extents.clear();
                        self.extents_of(&dot, &mut node.extents);
                        node.size = node.extents.iter().map(|e| e.bytes).sum();
                        node.notes
                            .push(("relocated".to_owned(), format!("from sector {cl}")));
                    }
                    None => {
                        diags.push(at_sector(
                            Diagnostic::warning(
                                "rr.cl-bad",
                                format!("relocated directory {} has no usable '.' record at sector {cl}", node.name),
                            ),
                            r.offset / BLOCK,
                        ));
                        node.kind = NodeKind::Other;
                        node.extents.clear();
                    }
                }
            }
            out.push(node);
        }
        for d in diags {
            self.note(d);
        }
        Ok(out)
    }
}
