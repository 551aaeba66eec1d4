//! The file tree: entries read through their ICBs, directories listed from
//! their file identifier descriptors, named streams as `file:stream`,
//! symbolic links, and file data read through the partition maps.

use std::collections::HashSet;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Position, Result};
use crate::fs::{FileExtent, Node, NodeKind};
use crate::structure::{Place, Structure};
use crate::units::Lba;

use super::allocation::{self, Allocation, Piece};
use super::data;
use super::extent::{LongAd, le16};
use super::fid::{self, Fid};
use super::icb::{self, Entry, IndirectEntry};
use super::symlink;
use super::tag::{self, Checked};
use super::{MAX_DIR_BYTES, MAX_DIR_ENTRIES, MAX_ICB_HOPS, NodeIcb, UdfFs};

/// Named streams listed per file at most.
const MAX_STREAMS: usize = 1024;
/// Bytes of a symbolic link's data read at most.
const MAX_LINK_BYTES: u64 = 64 * 1024;

/// An entry in force with its allocation.
#[derive(Debug)]
pub struct OpenedEntry {
    pub entry: Entry,
    pub alloc: Allocation,
    /// The volume block of the entry and its partition-relative block.
    pub block: u64,
    pub lbn: u32,
}

impl UdfFs {
    /// A finding about a descriptor whose tag failed a check.
    fn tag_finding(&self, what: &str, bytes: &[u8], checked: &Checked, lbn: u32, block: u64) {
        let problems = checked.problems(bytes, lbn);
        if problems.is_empty() {
            return;
        }
        self.note(self.at_block(
            Diagnostic::error(
                "udf.tag",
                format!(
                    "{} at block {lbn} (volume block {block}): {}",
                    tag::name(checked.tag.id).to_owned() + what,
                    problems.join("; ")
                ),
            ),
            block,
        ));
    }

    /// The volume block of block `lbn` of partition reference `part`.
    fn block_of(&self, part: u16, lbn: u32) -> Result<u64> {
        self.partitions
            .resolve(part, u64::from(lbn))
            .map_err(|e| Error::Unsupported(e.to_string()))
    }

    /// Reads the entry in force for the ICB at `icb`, following indirect
    /// entries (strategy 4096) with loops and long chains cut.
    pub(super) fn entry(&self, icb: LongAd) -> Result<(Entry, u64, u32, u16)> {
        // Most ICBs are one entry: the set is allocated on a second hop.
        let mut seen: HashSet<(u16, u32)> = HashSet::new();
        let first = (icb.partition, icb.block);
        let mut at = icb;
        let mut current: Option<(Entry, u64, u32, u16)> = None;
        let mut hops = 0usize;
        loop {
            hops += 1;
            let key = (at.partition, at.block);
            let again = hops > 1 && (key == first || !seen.insert(key));
            if hops > MAX_ICB_HOPS || again {
                self.note(Diagnostic::warning(
                    "udf.icb-loop",
                    format!(
                        "the ICB hierarchy at block {} of partition {} loops or has more than {MAX_ICB_HOPS} entries; its last good entry is used",
                        icb.block, icb.partition
                    ),
                ));
                break;
            }
            let block = match self.block_of(at.partition, at.block) {
                Ok(b) => b,
                Err(e) if current.is_none() => return Err(e),
                Err(_) => break,
            };
            let Some(bytes) = self.blocks.read(block) else {
                if current.is_none() {
                    return Err(Error::invalid(
                        Position::Byte(self.blocks.position(block)),
                        "ICB",
                        "location",
                        "a block inside the volume",
                        format!("block {}", at.block),
                    ));
                }
                break;
            };
            let Some(checked) = Checked::new(&bytes, at.block) else {
                break;
            };
            if checked.is(tag::INDIRECT) {
                self.tag_finding("", &bytes, &checked, at.block, block);
                let next = LongAd::parse(bytes.get(36..52).unwrap_or_default());
                if next.bytes() == 0 {
                    break;
                }
                at = next;
                continue;
            }
            if checked.is(tag::FILE_ENTRY) || checked.is(tag::EXTENDED_FILE_ENTRY) {
                self.tag_finding("", &bytes, &checked, at.block, block);
                let Some(entry) = Entry::parse(bytes) else {
                    break;
                };
                if entry.clipped {
                    self.note(self.at_block(
                        Diagnostic::error(
                            "udf.entry-lengths",
                            format!(
                                "the file entry at block {}: its attribute and descriptor lengths run past the block; cut to it",
                                at.block
                            ),
                        ),
                        block,
                    ));
                }
                let strategy = entry.strategy;
                current = Some((entry, block, at.block, at.partition));
                if strategy != 4096 {
                    break;
                }
                // Strategy 4096: an indirect entry may follow in the next block.
                let next = LongAd {
                    length: self.blocks.size as u32,
                    block: at.block.wrapping_add(1),
                    partition: at.partition,
                };
                let Some(nb) = self
                    .block_of(next.partition, next.block)
                    .ok()
                    .and_then(|b| self.blocks.read(b))
                else {
                    break;
                };
                match Checked::new(&nb, next.block) {
                    Some(c) if c.is(tag::INDIRECT) => {
                        let target = LongAd::parse(nb.get(36..52).unwrap_or_default());
                        if target.bytes() == 0 {
                            break;
                        }
                        at = target;
                    }
                    _ => break,
                }
                continue;
            }
            if current.is_none() {
                let problems = checked.problems(&bytes, at.block);
                let text = format!(
                    "no file entry at block {} of partition {} (found {}, tag identifier {}{}{})",
                    at.block,
                    at.partition,
                    tag::name(checked.tag.id),
                    checked.tag.id,
                    if problems.is_empty() { "" } else { "; " },
                    problems.join("; ")
                );
                self.note(self.at_block(Diagnostic::error("udf.tag", text.clone()), block));
                return Err(Error::invalid(
                    Position::Byte(self.blocks.position(block)),
                    "file entry",
                    "descriptor tag",
                    "a valid tag",
                    text,
                ));
            }
            break;
        }
        current.ok_or_else(|| {
            Error::invalid(
                Position::Byte(0),
                "ICB",
                "entry",
                "a file entry",
                format!("none at block {}", icb.block),
            )
        })
    }

    /// The entry of `icb` with its allocation decoded.
    fn open_icb(&self, icb: LongAd) -> Result<OpenedEntry> {
        let (entry, block, lbn, part) = self.entry(icb)?;
        let read_aed = |p: u16, b: u32| {
            let at = self.partitions.resolve(p, u64::from(b)).ok()?;
            let bytes = self.blocks.read(at)?;
            if let Some(c) = Checked::new(&bytes, b)
                && !c.clean()
            {
                self.tag_finding("", &bytes, &c, b, at);
            }
            Some(bytes)
        };
        let alloc = allocation::decode(
            &entry.bytes,
            entry.ad.clone(),
            entry.ad_type(),
            part,
            &read_aed,
        );
        for p in &alloc.problems {
            self.note(self.at_block(
                Diagnostic::error("udf.allocation", format!("the entry at block {lbn}: {p}")),
                block,
            ));
        }
        Ok(OpenedEntry {
            entry,
            alloc,
            block,
            lbn,
        })
    }

    /// The root's entry is read at open: a failure is a finding.
    pub(super) fn check_root(&self) {
        if let Err(e) = self.entry(self.root) {
            self.note(Diagnostic::error(
                "udf.root",
                format!("the root directory cannot be read: {e}"),
            ));
        }
    }

    /// The ICB a node names.
    fn icb_of(&self, node: &Node) -> Result<NodeIcb> {
        if let Some(i) = self.icbs.lock().ok().and_then(|m| m.get(&node.id).copied()) {
            return Ok(i);
        }
        Err(Error::Unsupported(format!(
            "{}: this entry was not listed by this volume",
            node.name
        )))
    }

    fn remember(&self, id: u64, icb: LongAd, block: Option<u64>) {
        if let Ok(mut m) = self.icbs.lock() {
            m.insert(id, NodeIcb { icb, block });
        }
    }

    pub(super) fn root_node(&self) -> Result<Node> {
        let block = self.block_of(self.root.partition, self.root.block).ok();
        let id = block.map_or(u64::MAX, |b| self.blocks.position(b));
        let mut node = match self.open_icb(self.root) {
            Ok(o) => self.node_of("", id, &o, 0),
            Err(_) => Node::new(id, String::new(), NodeKind::Dir, 0, Vec::new()),
        };
        node.kind = NodeKind::Dir;
        self.remember(id, self.root, block);
        Ok(node)
    }

    /// Medium extents of an allocation's recorded pieces, for `size` bytes.
    fn extents(&self, alloc: &Allocation, size: u64) -> Vec<FileExtent> {
        let mut out: Vec<FileExtent> = Vec::new();
        let mut left = size;
        for e in &alloc.extents {
            if left == 0 {
                break;
            }
            let take = e.bytes.min(left);
            left -= take;
            let Piece::Recorded { partition, block } = e.piece else {
                continue;
            };
            let count = take.div_ceil(self.blocks.size);
            let runs = match self.partitions.runs(partition, u64::from(block), count) {
                Ok(runs) => runs,
                Err(e) => {
                    self.note(Diagnostic::error(
                        "udf.extent-outside",
                        format!("an extent of {take} bytes at block {block} of partition {partition}: {e}"),
                    ));
                    continue;
                }
            };
            let mut rest = take;
            for (start, n) in runs {
                let bytes = (n * self.blocks.size).min(rest);
                rest -= bytes;
                let lba = self.lba(start);
                match out.last_mut() {
                    Some(last)
                        if last.bytes % self.medium_block == 0
                            && last.lba.0
                                + i64::try_from(last.bytes / self.medium_block).unwrap_or(0)
                                == lba.0 =>
                    {
                        last.bytes += bytes
                    }
                    _ => out.push(FileExtent { lba, bytes }),
                }
            }
        }
        out
    }

    /// The bytes of an allocation that can be read: recorded extents that
    /// map to the volume, and at most as many unrecorded bytes (read as
    /// zeros) as the volume holds, so a hostile claim of terabytes of holes
    /// does not become terabytes of output.
    fn readable(&self, o: &OpenedEntry, name: &str) -> u64 {
        let volume = self.blocks.count.saturating_mul(self.blocks.size);
        let (mut recorded, mut zeros) = (0u64, 0u64);
        for e in &o.alloc.extents {
            match e.piece {
                Piece::Recorded { partition, block } => {
                    let count = e.bytes.div_ceil(self.blocks.size);
                    match self.partitions.runs(partition, u64::from(block), count) {
                        Ok(_) => recorded = recorded.saturating_add(e.bytes),
                        Err(err) => {
                            self.note(self.at_block(
                                Diagnostic::error(
                                    "udf.extent-outside",
                                    format!("{name}: an extent of {} bytes at block {block} of partition {partition}: {err}; the file is cut there", e.bytes),
                                ),
                                o.block,
                            ));
                            break;
                        }
                    }
                }
                Piece::Zeros { .. } => zeros = zeros.saturating_add(e.bytes),
                Piece::Embedded { .. } => recorded = recorded.saturating_add(e.bytes),
            }
        }
        if zeros > volume {
            self.note(self.at_block(
                Diagnostic::warning(
                    "udf.sparse-limit",
                    format!("{name}: {zeros} bytes of unrecorded extents, more than the volume's {volume}; only {volume} are read"),
                ),
                o.block,
            ));
            zeros = volume;
        }
        recorded.saturating_add(zeros)
    }

    /// A node from an opened entry.
    fn node_of(&self, name: &str, id: u64, o: &OpenedEntry, flags: u8) -> Node {
        let e = &o.entry;
        let kind = match e.file_type {
            icb::TYPE_DIRECTORY | icb::TYPE_STREAM_DIRECTORY => NodeKind::Dir,
            icb::TYPE_FILE | 0 | 249 => NodeKind::File,
            icb::TYPE_SYMLINK => NodeKind::Symlink,
            _ => NodeKind::Other,
        };
        let total = self.readable(o, name);
        let size = if e.info_length > total {
            self.note(self.at_block(
                Diagnostic::warning(
                    "udf.short-allocation",
                    format!(
                        "{name}: the information length {} is more than its {total} allocated bytes; the size shown is {total}",
                        e.info_length
                    ),
                ),
                o.block,
            ));
            total
        } else {
            e.info_length
        };
        let mut notes = vec![
            (
                "ICB".to_owned(),
                format!("block {} (volume block {})", o.lbn, o.block),
            ),
            (
                "entry".to_owned(),
                format!(
                    "{}, {}, strategy {}",
                    if e.extended {
                        "extended file entry"
                    } else {
                        "file entry"
                    },
                    icb::file_type_name(e.file_type),
                    e.strategy
                ),
            ),
            (
                "allocation".to_owned(),
                match e.ad_type() {
                    0 => "short_ad",
                    1 => "long_ad",
                    2 => "ext_ad",
                    3 => "embedded in the entry",
                    _ => "undefined",
                }
                .to_owned(),
            ),
        ];
        if e.links > 1 {
            notes.push((
                "links".to_owned(),
                format!("{} (hard links share this entry)", e.links),
            ));
        }
        if flags & fid::HIDDEN != 0 {
            notes.push(("hidden".to_owned(), "yes".to_owned()));
        }
        let sparse = o.alloc.sparse();
        if sparse > 0 {
            notes.push((
                "sparse".to_owned(),
                format!("{sparse} bytes not recorded (read as zeros)"),
            ));
        }
        if e.uid != u32::MAX {
            notes.push(("uid".to_owned(), e.uid.to_string()));
        }
        if e.gid != u32::MAX {
            notes.push(("gid".to_owned(), e.gid.to_string()));
        }
        if let Some(c) = e.ctime {
            notes.push(("created".to_owned(), c.rfc3339()));
        }
        notes.push(("unique id".to_owned(), e.unique_id.to_string()));
        let attrs = super::ea::attributes(&e.bytes, e.ea.clone());
        if !attrs.is_empty() {
            notes.push((
                "extended attributes".to_owned(),
                attrs
                    .iter()
                    .map(|a| match &a.identifier {
                        Some(id) => format!("{} {id}", super::ea::type_name(a.kind)),
                        None => super::ea::type_name(a.kind).to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ));
        }
        let target = (kind == NodeKind::Symlink).then(|| {
            let d = data::read_all(
                &self.blocks,
                &self.partitions,
                e,
                &o.alloc,
                self.blocks.position(o.block),
                o.lbn,
                MAX_LINK_BYTES,
            );
            let (text, problem) = symlink::target(&d.bytes);
            if let Some(p) = problem {
                self.note(self.at_block(
                    Diagnostic::warning("udf.symlink", format!("{name}: {p}")),
                    o.block,
                ));
            }
            text
        });
        Node {
            id,
            name: name.to_owned(),
            raw_name: None,
            kind,
            size,
            extents: self.extents(&o.alloc, size),
            mtime: e.mtime,
            mode: Some(e.mode()),
            target,
            deleted: flags & fid::DELETED != 0,
            notes,
        }
    }

    /// A node for a FID whose entry cannot be read.
    fn broken_node(&self, name: &str, id: u64, f: &Fid, why: &str) -> Node {
        Node {
            id,
            name: name.to_owned(),
            raw_name: None,
            kind: if f.is(fid::DIRECTORY) {
                NodeKind::Dir
            } else {
                NodeKind::File
            },
            size: 0,
            extents: Vec::new(),
            mtime: None,
            mode: None,
            target: None,
            deleted: f.is(fid::DELETED),
            notes: vec![("error".to_owned(), why.to_owned())],
        }
    }

    /// Lists the FIDs of the directory whose entry is `o`.
    fn fids(&self, o: &OpenedEntry, what: &str) -> (Vec<(Fid, u64)>, data::Data) {
        let d = data::read_all(
            &self.blocks,
            &self.partitions,
            &o.entry,
            &o.alloc,
            self.blocks.position(o.block),
            o.lbn,
            MAX_DIR_BYTES,
        );
        for p in &d.problems {
            self.note(self.at_block(
                Diagnostic::error("udf.directory", format!("{what}: {p}")),
                o.block,
            ));
        }
        let location = |at: usize| d.span_at(at).map_or(0, |s| s.lbn);
        let listing = fid::list(&d.bytes, &location, MAX_DIR_ENTRIES);
        for (at, p) in &listing.problems {
            let block = d.span_at(*at).map_or(o.block, |s| {
                (s.position.saturating_sub(self.blocks.base)) / self.blocks.size
            });
            self.note(self.at_block(
                Diagnostic::error(
                    "udf.fid",
                    format!("{what}, byte {at} of the directory: {p}"),
                ),
                block,
            ));
        }
        let mut out = Vec::with_capacity(listing.fids.len());
        for f in listing.fids {
            let Some(span) = d.span_at(f.offset) else {
                continue;
            };
            let position = span.position + (f.offset - span.offset) as u64;
            if !f.checked.clean() {
                let lbn = location(f.offset);
                let raw = d
                    .bytes
                    .get(f.offset..f.offset + f.length)
                    .unwrap_or_default();
                let block = (position.saturating_sub(self.blocks.base)) / self.blocks.size;
                self.tag_finding(&format!(" ({what})"), raw, &f.checked, lbn, block);
            }
            if let Some(p) = &f.name.problem {
                self.note(Diagnostic::warning(
                    "udf.name",
                    format!("{what}: {:?}: {p}", f.name.text),
                ));
            }
            out.push((f, position));
        }
        (out, d)
    }

    pub(super) fn list(&self, dir: &Node) -> Result<Vec<Node>> {
        let icb = self.icb_of(dir)?;
        let o = self.open_icb(icb.icb)?;
        if o.entry.file_type != icb::TYPE_DIRECTORY
            && o.entry.file_type != icb::TYPE_STREAM_DIRECTORY
        {
            return Err(Error::Unsupported(format!(
                "{}: not a directory ({})",
                dir.name,
                icb::file_type_name(o.entry.file_type)
            )));
        }
        let (fids, _) = self.fids(&o, if dir.name.is_empty() { "/" } else { &dir.name });
        let mut out = Vec::with_capacity(fids.len());
        for (f, position) in fids {
            if f.is(fid::PARENT) {
                continue;
            }
            let name = if f.name.text.is_empty() {
                format!("(unnamed at {position:#x})")
            } else {
                f.name.text.clone()
            };
            let node = match self.open_icb(f.icb) {
                Ok(opened) => {
                    self.remember(position, f.icb, Some(opened.block));
                    if f.is(fid::DIRECTORY) != (opened.entry.file_type == icb::TYPE_DIRECTORY)
                        && !f.is(fid::DELETED)
                    {
                        self.note(self.at_block(
                            Diagnostic::warning(
                                "udf.fid-kind",
                                format!(
                                    "{name}: the identifier says {}directory but its entry is a {}",
                                    if f.is(fid::DIRECTORY) { "" } else { "not a " },
                                    icb::file_type_name(opened.entry.file_type)
                                ),
                            ),
                            opened.block,
                        ));
                    }
                    let node = self.node_of(&name, position, &opened, f.characteristics);
                    let streams = opened.entry.stream;
                    out.push(node);
                    if let Some(s) = streams
                        && !f.is(fid::DELETED)
                    {
                        out.extend(self.streams(&name, s));
                    }
                    continue;
                }
                Err(e) => {
                    self.remember(position, f.icb, None);
                    if !f.is(fid::DELETED) {
                        self.note(Diagnostic::error("udf.entry", format!("{name}: {e}")));
                    }
                    self.broken_node(&name, position, &f, &e.to_string())
                }
            };
            out.push(node);
        }
        Ok(out)
    }

    /// The named streams of `name` (its stream directory at `icb`).
    fn streams(&self, name: &str, icb: LongAd) -> Vec<Node> {
        let Ok(o) = self.open_icb(icb) else {
            self.note(Diagnostic::error(
                "udf.stream",
                format!("{name}: its stream directory cannot be read"),
            ));
            return Vec::new();
        };
        if o.entry.file_type != icb::TYPE_STREAM_DIRECTORY {
            self.note(self.at_block(
                Diagnostic::warning(
                    "udf.stream",
                    format!(
                        "{name}: its stream directory ICB holds a {}",
                        icb::file_type_name(o.entry.file_type)
                    ),
                ),
                o.block,
            ));
        }
        let (fids, _) = self.fids(&o, &format!("{name} (streams)"));
        let mut out = Vec::new();
        for (f, position) in fids
            .into_iter()
            .filter(|(f, _)| !f.is(fid::PARENT))
            .take(MAX_STREAMS)
        {
            let full = format!("{name}:{}", f.name.text);
            match self.open_icb(f.icb) {
                Ok(opened) => {
                    self.remember(position, f.icb, Some(opened.block));
                    let mut node = self.node_of(&full, position, &opened, f.characteristics);
                    node.notes.push((
                        "stream".to_owned(),
                        format!("named stream {:?} of {name}", f.name.text),
                    ));
                    if node.kind == NodeKind::Dir {
                        node.kind = NodeKind::Other;
                    }
                    out.push(node);
                }
                Err(e) => {
                    self.remember(position, f.icb, None);
                    out.push(self.broken_node(&full, position, &f, &e.to_string()));
                }
            }
        }
        out
    }

    pub(super) fn read_file(&self, file: &Node, offset: u64, buf: &mut [u8]) -> Result<usize> {
        if file.kind != NodeKind::File && file.kind != NodeKind::Other {
            return Err(Error::Unsupported(format!(
                "{} is not a regular file",
                file.name
            )));
        }
        if offset >= file.size {
            return Ok(0);
        }
        let cached = self.last.lock().ok().and_then(|l| {
            l.as_ref()
                .filter(|(id, _)| *id == file.id)
                .map(|(_, o)| Arc::clone(o))
        });
        let opened = match cached {
            Some(o) => o,
            None => {
                let icb = self.icb_of(file)?;
                let o = Arc::new(self.open_icb(icb.icb)?);
                if let Ok(mut l) = self.last.lock() {
                    *l = Some((file.id, Arc::clone(&o)));
                }
                o
            }
        };
        let want = usize::try_from(file.size - offset)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let buf = buf.get_mut(..want).unwrap_or_default();
        data::read_at(
            &self.blocks,
            &self.partitions,
            &opened.entry,
            &opened.alloc,
            offset,
            buf,
        )
    }
}

/// The structures in one block at medium position `position`: an entry,
/// an indirect entry or allocation extent descriptor when the block starts
/// with one, else the file identifier descriptors that start in it.
pub fn block_structures(block: &[u8], position: u64) -> Vec<Structure> {
    let id = le16(block, 0);
    let good = block.len() >= 16 && block.get(4).copied() == Some(tag::checksum(block));
    let location = super::extent::le32(block, 12);
    if good && (id == tag::FILE_ENTRY || id == tag::EXTENDED_FILE_ENTRY) {
        let Some(entry) = Entry::parse(block.to_vec()) else {
            return Vec::new();
        };
        let mut out = vec![
            entry.structure(
                if entry.extended {
                    "Extended file entry"
                } else {
                    "File entry"
                }
                .to_owned(),
                position,
                location,
            ),
        ];
        if entry.ad_type() == 3
            && matches!(
                entry.file_type,
                icb::TYPE_DIRECTORY | icb::TYPE_STREAM_DIRECTORY
            )
        {
            let area = block.get(entry.ad.clone()).unwrap_or_default();
            out.extend(fids_in(area, position + entry.ad.start as u64, 0));
        }
        return out;
    }
    if good && id == tag::INDIRECT {
        let mut s = IndirectEntry::LAYOUT.structure(block, Place::Medium(position));
        icb::expand_icb_tag(&mut s, block);
        if let Some(c) = Checked::new(block, location) {
            super::descriptor::expand_tag(&mut s, block, &c, u64::from(location));
        }
        return vec![s];
    }
    if good && id == tag::ALLOCATION_EXTENT {
        return vec![allocation::aed_structure(block, position, 0)];
    }
    fids_in(block, position, 0)
}

/// The FIDs that start in `bytes`, from the first good FID tag at or after
/// `from`.
fn fids_in(bytes: &[u8], position: u64, from: usize) -> Vec<Structure> {
    let mut out = Vec::new();
    let mut at = from;
    while at + 38 <= bytes.len() && out.len() < 4096 {
        let rest = bytes.get(at..).unwrap_or_default();
        let good =
            le16(rest, 0) == tag::FILE_ID && rest.get(4).copied() == Some(tag::checksum(rest));
        if !good {
            at += 4;
            continue;
        }
        let len = fid::length_of(rest).unwrap_or(40);
        out.push(fid::structure(rest, position + at as u64));
        at += len;
    }
    let _ = Lba(0);
    out
}
