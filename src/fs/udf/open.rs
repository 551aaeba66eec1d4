//! Opening a UDF volume: recognition, anchors, descriptor sequences,
//! partitions, integrity and the file set.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Position, Result};
use crate::fs::Detail;
use crate::io::ReadAt;
use crate::structure::{Kind, Place, Structure, Value};
use crate::units::Lba;

use super::anchor::{self, Anchors};
use super::data::Blocks;
use super::descriptor::{Iuvd, Lvd, Pd, Pvd, Usd, expand_tag, usd_fields};
use super::extent::{LongAd, le16, le32};
use super::fileset::Fsd;
use super::integrity;
use super::partition::{
    Logical, Mapping, MetadataTail, Partitions, SparableTail, Type2, map_fields,
};
use super::recognition;
use super::regid::{EntityId, revision_text};
use super::sequence::{self, ReadDescriptor, Sequence};
use super::tag::{self, Checked};
use super::{MAX_FINDINGS, UdfFs, metadata, sparing, vat};

/// What opening found, gathered before the filesystem exists.
struct Opening {
    blocks: Blocks,
    medium_block: u64,
    structures: Vec<Structure>,
    found: Vec<Diagnostic>,
}

impl Opening {
    fn lba(&self, block: u64) -> Lba {
        Lba(
            i64::try_from(self.blocks.position(block) / self.medium_block.max(1))
                .unwrap_or(i64::MAX),
        )
    }

    fn finding(&mut self, d: Diagnostic, block: Option<u64>) {
        if self.found.len() >= MAX_FINDINGS {
            return;
        }
        let d = match block {
            Some(b) => d.at(Location::Sector(self.lba(b))),
            None => d,
        };
        if !self.found.contains(&d) {
            self.found.push(d);
        }
    }

    fn read(&self, block: u64) -> Option<Vec<u8>> {
        self.blocks.read(block)
    }

    /// A descriptor of a sequence as a structure.
    fn descriptor(&self, f: &ReadDescriptor, prefix: &str) -> Structure {
        let place = Place::Medium(self.blocks.position(f.block));
        let mut s = match f.id() {
            tag::PRIMARY => Pvd::LAYOUT.structure(&f.bytes, place),
            tag::IMPLEMENTATION_USE => Iuvd::LAYOUT.structure(&f.bytes, place),
            tag::PARTITION => Pd::LAYOUT.structure(&f.bytes, place),
            tag::LOGICAL_VOLUME => {
                let mut s = Lvd::LAYOUT.structure(&f.bytes, place);
                let table = le32(&f.bytes, 264) as usize;
                let maps = f
                    .bytes
                    .get(440..440 + table.min(f.bytes.len().saturating_sub(440)))
                    .unwrap_or_default();
                map_fields(&mut s, maps, le32(&f.bytes, 268));
                s.length = (440 + maps.len()) as u64;
                s
            }
            tag::UNALLOCATED => {
                let mut s = Usd::LAYOUT.structure(&f.bytes, place);
                let count = le32(&f.bytes, 20);
                s.fields.extend(usd_fields(&f.bytes, count));
                s.length = (24 + 8 * u64::from(count)).min(f.bytes.len() as u64);
                s
            }
            tag::POINTER => super::descriptor::Vdp::LAYOUT.structure(&f.bytes, place),
            _ => super::descriptor::Td::LAYOUT.structure(&f.bytes, place),
        };
        s.name = format!("{prefix}{}", tag::name(f.id()));
        expand_tag(&mut s, &f.bytes, &f.checked, f.block);
        s
    }
}

/// Probes `source` for UDF.
pub fn probe(source: Arc<dyn ReadAt>, base: u64, medium_block: u64) -> Option<Result<UdfFs>> {
    let first = if anchor::BLOCK_SIZES.contains(&medium_block) {
        medium_block
    } else {
        2048
    };
    // Recognition descriptors are 2048 bytes apart, or one block apart
    // when blocks are larger: a sequence found only at 4096-byte steps
    // says the blocks are 4096 bytes, whatever stale anchors remain.
    let nsr2048 = recognition::has_nsr(source.as_ref(), 2048);
    let nsr4096 = !nsr2048 && recognition::has_nsr(source.as_ref(), 4096);
    let nsr = nsr2048 || nsr4096;
    let anchors = if nsr4096 {
        anchor::find(source.as_ref(), 4096).filter(|a| a.block_size == 4096)
    } else {
        anchor::find(source.as_ref(), first)
    };
    match anchors {
        None if nsr => Some(Err(Error::invalid(
            Position::Byte(recognition::START),
            "UDF volume",
            "anchor volume descriptor pointer",
            "one at block 256, N-256 or N for some block size, as the NSR02/NSR03 recognition sequence announces",
            "none",
        ))),
        None => None,
        Some(anchors) => Some(open(source, base, medium_block, anchors)),
    }
}

fn open(source: Arc<dyn ReadAt>, base: u64, medium_block: u64, anchors: Anchors) -> Result<UdfFs> {
    let mut o = Opening {
        blocks: Blocks {
            source,
            size: anchors.block_size,
            count: anchors.blocks,
            base,
        },
        medium_block,
        structures: Vec::new(),
        found: Vec::new(),
    };
    let bs = anchors.block_size;
    // Recognition.
    let step = bs.max(2048);
    let rec = recognition::read(o.blocks.source.as_ref(), step, base);
    o.structures.extend(rec.structures.iter().cloned());
    if rec.nsr.is_none() {
        o.finding(
            Diagnostic::warning(
                "udf.no-nsr",
                "the volume recognition sequence has no NSR02 or NSR03 descriptor; read through its anchors anyway",
            ),
            Some(recognition::START / bs),
        );
    } else if !rec.extended_area {
        o.finding(
            Diagnostic::warning(
                "udf.no-bea",
                "the NSR descriptor is not inside a BEA01 ... TEA01 extended area",
            ),
            Some(recognition::START / bs),
        );
    }
    // Anchors.
    for a in &anchors.found {
        o.structures.push(a.structure(o.blocks.position(a.block)));
        if !a.checked.clean() {
            let text = a
                .checked
                .problems(&a.bytes, u32::try_from(a.block).unwrap_or(0))
                .join("; ");
            o.finding(
                Diagnostic::error("udf.tag", format!("anchor at block {}: {text}", a.block)),
                Some(a.block),
            );
        }
    }
    let last = anchors.blocks.saturating_sub(1);
    if anchors.found.len() < 2 {
        o.finding(
            Diagnostic::warning(
                "udf.anchor-missing",
                format!(
                    "only one anchor volume descriptor pointer (block {}); ECMA-167 wants two of blocks 256, {} and {last} (none at {})",
                    anchors.found.first().map_or(0, |a| a.block),
                    last.saturating_sub(256),
                    anchors
                        .missing
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            anchors.missing.first().copied(),
        );
    }
    let Some(chosen) = anchors.found.first().cloned() else {
        return Err(Error::invalid(
            Position::Byte(256 * bs),
            "UDF volume",
            "anchor volume descriptor pointer",
            "at least one",
            "none",
        ));
    };
    for a in anchors.found.iter().skip(1) {
        if a.main != chosen.main || a.reserve != chosen.reserve {
            o.finding(
                Diagnostic::warning(
                    "udf.anchor-differs",
                    format!(
                        "the anchor at block {} names other sequences (main {}+{}, reserve {}+{}) than the one at block {} (main {}+{}, reserve {}+{})",
                        a.block, a.main.location, a.main.length, a.reserve.location, a.reserve.length,
                        chosen.block, chosen.main.location, chosen.main.length, chosen.reserve.location, chosen.reserve.length
                    ),
                ),
                Some(a.block),
            );
        }
    }
    // Sequences.
    let read = |b: u64| o.read(b);
    let main = sequence::read(chosen.main, bs, &read);
    let reserve = sequence::read(chosen.reserve, bs, &read);
    let mut vds = main.clone();
    for (what, seq) in [("main", &main), ("reserve", &reserve)] {
        let prefix = if what == "main" { "" } else { "Reserve " };
        for f in &seq.all {
            let s = o.descriptor(f, prefix);
            o.structures.push(s);
        }
        for (block, problem) in &seq.problems {
            o.finding(
                Diagnostic::error(
                    "udf.tag",
                    format!("{what} volume descriptor sequence, block {block}: {problem}"),
                ),
                Some(*block),
            );
        }
    }
    if !main.usable() {
        if reserve.usable() {
            o.finding(
                Diagnostic::warning(
                    "udf.using-reserve",
                    format!(
                        "the main volume descriptor sequence (blocks {}..) gives no logical volume and partition; the reserve sequence (blocks {}..) was used",
                        chosen.main.location, chosen.reserve.location
                    ),
                ),
                Some(u64::from(chosen.main.location)),
            );
            vds = reserve.clone();
        } else {
            return Err(Error::invalid(
                Position::Byte(u64::from(chosen.main.location) * bs),
                "volume descriptor sequences",
                "main and reserve",
                "a logical volume descriptor and a partition descriptor in one of them",
                "neither gives both",
            ));
        }
    } else if reserve.all.is_empty() {
        o.finding(
            Diagnostic::warning(
                "udf.reserve-missing",
                format!(
                    "no reserve volume descriptor sequence at block {}",
                    chosen.reserve.location
                ),
            ),
            Some(u64::from(chosen.reserve.location)),
        );
    } else {
        for line in sequence::compare(&main, &reserve) {
            o.finding(
                Diagnostic::warning("udf.reserve-differs", line),
                Some(u64::from(chosen.reserve.location)),
            );
        }
    }
    if !vds.terminated {
        o.finding(
            Diagnostic::info(
                "udf.no-terminator",
                "the volume descriptor sequence ends without a terminating descriptor",
            ),
            Some(u64::from(chosen.main.location)),
        );
    }
    open_volume(o, vds)
}

fn open_volume(mut o: Opening, vds: Sequence) -> Result<UdfFs> {
    let bs = o.blocks.size;
    let Some(lvd_found) = vds.logical.clone() else {
        return Err(Error::invalid(
            Position::Byte(0),
            "volume descriptor sequence",
            "logical volume descriptor",
            "one",
            "none",
        ));
    };
    let lvd = Lvd::decode(&lvd_found.bytes)?;
    if u64::from(lvd.block_size) != bs {
        o.finding(
            Diagnostic::warning(
                "udf.block-size",
                format!(
                    "the logical volume descriptor says blocks of {} bytes; the anchors are at {bs}-byte blocks, which were used",
                    lvd.block_size
                ),
            ),
            Some(lvd_found.block),
        );
    }
    let pvd = vds
        .primary
        .as_ref()
        .and_then(|f| Pvd::decode(&f.bytes).ok());
    let iuvd = vds
        .implementation
        .as_ref()
        .and_then(|f| Iuvd::decode(&f.bytes).ok());
    // Partition maps.
    let table = le32(&lvd_found.bytes, 264) as usize;
    let maps_bytes = lvd_found
        .bytes
        .get(440..440usize.saturating_add(table).min(lvd_found.bytes.len()))
        .unwrap_or_default()
        .to_vec();
    if 440 + table > lvd_found.bytes.len() {
        o.finding(
            Diagnostic::error(
                "udf.map-table",
                format!(
                    "the partition map table's {table} bytes run past the logical volume descriptor"
                ),
            ),
            Some(lvd_found.block),
        );
    }
    let pd_of = |number: u16| {
        vds.partitions
            .iter()
            .find(|p| le16(&p.bytes, 22) == number)
            .and_then(|p| Pd::decode(&p.bytes).ok())
    };
    let mut parts = Partitions::default();
    let mut kinds: Vec<(usize, String, Vec<u8>)> = Vec::new();
    let mut at = 0usize;
    for n in 0..lvd.map_count.min(64) {
        let Some(rest) = maps_bytes.get(at..) else {
            break;
        };
        let (kind, len) = (
            rest.first().copied().unwrap_or(0),
            usize::from(rest.get(1).copied().unwrap_or(0)),
        );
        if len < 6 || len > rest.len() {
            o.finding(
                Diagnostic::error(
                    "udf.map-table",
                    format!("partition map {} has length {len}", n + 1),
                ),
                Some(lvd_found.block),
            );
            break;
        }
        let number = if kind == 1 {
            le16(rest, 4)
        } else {
            le16(rest, 38)
        };
        let Some(pd) = pd_of(number) else {
            o.finding(
                Diagnostic::error("udf.partition-missing", format!("partition map {} names partition {number}, which no partition descriptor describes", n + 1)),
                Some(lvd_found.block),
            );
            parts.maps.push(Logical {
                number,
                start: 0,
                length: 0,
                mapping: Mapping::Physical,
            });
            at += len;
            continue;
        };
        let (start, length) = (u64::from(pd.start), u64::from(pd.length));
        if start.saturating_add(length) > o.blocks.count {
            o.finding(
                Diagnostic::warning(
                    "udf.partition-outside",
                    format!("partition {number} (blocks {start}+{length}) reaches past the end of the volume ({} blocks)", o.blocks.count),
                ),
                None,
            );
        }
        let mapping = if kind == 2 {
            let id = EntityId::parse(rest.get(4..36).unwrap_or_default());
            kinds.push((
                n as usize,
                id.identifier.clone(),
                rest.get(..len).unwrap_or_default().to_vec(),
            ));
            match id.identifier.as_str() {
                "*UDF Virtual Partition" => Mapping::Virtual { vat: Vec::new() },
                "*UDF Sparable Partition" => Mapping::Sparable {
                    packet: 32,
                    spares: Vec::new(),
                },
                "*UDF Metadata Partition" => Mapping::Metadata { runs: Vec::new() },
                other => {
                    o.finding(
                        Diagnostic::warning("udf.map-unknown", format!("partition map {} has the unknown type identifier {other:?}; read as physical", n + 1)),
                        Some(lvd_found.block),
                    );
                    Mapping::Physical
                }
            }
        } else {
            Mapping::Physical
        };
        parts.maps.push(Logical {
            number,
            start,
            length,
            mapping,
        });
        at += len;
    }
    if parts.maps.is_empty() {
        return Err(Error::invalid(
            Position::Byte(lvd_found.block * bs),
            "logical volume descriptor",
            "partition maps",
            "at least one usable map",
            "none",
        ));
    }
    // Type 2 maps, resolved in order: sparing, then virtual, then metadata.
    let mut vat_found = None;
    let mut metadata_tail = None;
    for (index, identifier, raw) in &kinds {
        let tail = raw.get(40..).unwrap_or_default();
        let number = le16(raw, 38);
        match identifier.as_str() {
            "*UDF Sparable Partition" => {
                let Ok(t) = SparableTail::decode(tail) else {
                    continue;
                };
                let sp = sparing::read(&o.blocks, &t);
                o.structures.extend(sp.structures.iter().cloned());
                for (b, p) in &sp.problems {
                    o.finding(
                        Diagnostic::warning("udf.sparing", p.clone()),
                        (*b > 0).then_some(*b),
                    );
                }
                let packet = if t.packet_length == 0 || !t.packet_length.is_power_of_two() {
                    o.finding(
                        Diagnostic::warning(
                            "udf.sparing",
                            format!(
                                "packet length {} is not a power of two; 32 used",
                                t.packet_length
                            ),
                        ),
                        None,
                    );
                    32
                } else {
                    u32::from(t.packet_length)
                };
                if let Some(m) = parts.maps.get_mut(*index) {
                    m.mapping = Mapping::Sparable {
                        packet,
                        spares: sp.spares,
                    };
                }
            }
            "*UDF Virtual Partition" => {
                let Some(physical) = parts.physical_of(number) else {
                    o.finding(Diagnostic::error("udf.vat", format!("no type 1 map for partition {number}, which the virtual map reads through")), None);
                    continue;
                };
                match vat::find(&o.blocks, &parts, physical) {
                    Some(v) => {
                        o.structures.extend(v.structures.iter().cloned());
                        for (b, p) in &v.problems {
                            o.finding(Diagnostic::warning("udf.vat", p.clone()), Some(*b));
                        }
                        if !v.generations.is_empty() {
                            o.finding(
                                Diagnostic::info("udf.vat-generations", format!("{} earlier VAT generations are on the disc (blocks {})", v.generations.len(), v.generations.iter().map(u64::to_string).collect::<Vec<_>>().join(", "))),
                                None,
                            );
                        }
                        let phys = parts.maps.get(physical).cloned();
                        if let (Some(m), Some(phys)) = (parts.maps.get_mut(*index), phys) {
                            m.start = phys.start;
                            m.length = phys.length;
                            m.mapping = Mapping::Virtual { vat: v.entries.clone() };
                        }
                        vat_found = Some(v);
                    }
                    None => o.finding(
                        Diagnostic::error("udf.vat", "the virtual partition's VAT ICB was not found in the last blocks of the volume"),
                        Some(o.blocks.count.saturating_sub(1)),
                    ),
                }
            }
            "*UDF Metadata Partition" => {
                if let Ok(t) = MetadataTail::decode(tail) {
                    metadata_tail = Some((*index, number, t));
                }
            }
            _ => {}
        }
    }
    // Virtual maps resolve through their physical partition: keep the
    // virtual map's own start at the physical one (VAT entries are
    // physical-partition blocks).
    let mut used_mirror = false;
    if let Some((index, number, tail)) = &metadata_tail {
        match parts.physical_of(*number) {
            Some(physical) => {
                let md = metadata::read(&o.blocks, &parts, physical, tail, false);
                apply_metadata(&mut o, &mut parts, *index, physical, md, &mut used_mirror);
            }
            None => o.finding(
                Diagnostic::error(
                    "udf.metadata",
                    format!(
                        "no type 1 map for partition {number}, which the metadata map reads through"
                    ),
                ),
                None,
            ),
        }
    }
    // Integrity.
    let read = |b: u64| o.read(b);
    let integ = integrity::read(lvd.integrity, bs, &read);
    for (block, bytes, checked) in &integ.found {
        o.structures.push(integrity::structure(
            bytes,
            checked,
            *block,
            o.blocks.position(*block),
        ));
    }
    for (b, p) in &integ.problems {
        o.finding(
            Diagnostic::error(
                "udf.tag",
                format!("logical volume integrity descriptor at block {b}: {p}"),
            ),
            Some(*b),
        );
    }
    match &integ.current {
        None if lvd.integrity.length > 0 => o.finding(
            Diagnostic::warning("udf.integrity-missing", format!("no logical volume integrity descriptor at block {}", lvd.integrity.location)),
            Some(u64::from(lvd.integrity.location)),
        ),
        Some(c) if !c.closed && vat_found.is_none() => o.finding(
            Diagnostic::warning("udf.integrity-open", "the logical volume integrity descriptor is open: the volume was not closed after writing"),
            Some(c.block),
        ),
        _ => {}
    }
    // The file set.
    let mut fsd = read_fsd(&mut o, &parts, lvd.file_set);
    if fsd.is_none()
        && let Some((index, number, tail)) = &metadata_tail
        && !used_mirror
        && let Some(physical) = parts.physical_of(*number)
    {
        let md = metadata::read(&o.blocks, &parts, physical, tail, true);
        if md.used_mirror {
            o.finding(
                Diagnostic::warning("udf.metadata-mirror", "the file set could not be read through the metadata file; the metadata mirror file was used"),
                None,
            );
            apply_metadata(&mut o, &mut parts, *index, physical, md, &mut used_mirror);
            fsd = read_fsd(&mut o, &parts, lvd.file_set);
        }
    }
    let Some((fsd, fsd_block)) = fsd else {
        return Err(Error::invalid(
            Position::Byte(lvd_found.block * bs),
            "logical volume descriptor",
            "file set location",
            "the block of a file set descriptor",
            format!(
                "block {} of partition {}, which holds none",
                lvd.file_set.block, lvd.file_set.partition
            ),
        ));
    };
    let _ = fsd_block;
    // Details for info.
    let label = match &vat_found {
        Some(v) if v.label.as_deref().is_some_and(|l| !l.is_empty()) => {
            v.label.clone().unwrap_or_default()
        }
        _ => lvd.label.clone(),
    };
    let mut details = Vec::new();
    let mut add = |key: &'static str, label: &'static str, value: Value| {
        details.push(Detail { key, label, value })
    };
    let text = |s: String| Value::Text(s);
    let revisions = vat_found.as_ref().and_then(|v| v.revisions).or_else(|| {
        integ
            .current
            .as_ref()
            .map(|c| (c.min_read, c.min_write, c.max_write))
    });
    if let Some((r, w, m)) = revisions {
        add("udf_revision", "UDF revision", text(revision_text(r)));
        add(
            "min_write_revision",
            "min write rev",
            text(revision_text(w)),
        );
        add(
            "max_write_revision",
            "max write rev",
            text(revision_text(m)),
        );
    }
    add("domain_revision", "domain", text(lvd.domain.describe()));
    if let Some(p) = &pvd {
        add(
            "implementation",
            "implementation",
            text(p.implementation.identifier.clone()),
        );
        add(
            "application",
            "application",
            text(p.application.identifier.clone()),
        );
        add("volume_id", "volume id", text(p.volume_id.clone()));
        add("volume_set", "volume set", text(p.volume_set.clone()));
    }
    add(
        "logical_volume_id",
        "logical volume",
        text(lvd.label.clone()),
    );
    add("file_set_id", "file set", text(fsd.file_set_id.clone()));
    add("block_size", "block size", Value::Unsigned(bs));
    add("blocks", "blocks", Value::Unsigned(o.blocks.count));
    add(
        "partitions",
        "partitions",
        text(
            parts
                .maps
                .iter()
                .map(|m| format!("{} {}", m.mapping.describe(), m.number))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    );
    if let Some(pd) = vds
        .partitions
        .first()
        .and_then(|p| Pd::decode(&p.bytes).ok())
    {
        let access = match pd.access {
            0 => "pseudo-overwritable",
            1 => "read-only",
            2 => "write-once",
            3 => "rewritable",
            4 => "overwritable",
            _ => "unknown",
        };
        add("access_type", "access", text(access.to_owned()));
    }
    if let Some(c) = &integ.current {
        add(
            "integrity",
            "integrity",
            // On a sequentially written disc the VAT, not the integrity
            // descriptor, records the state: a VAT found is a closed state.
            text(
                if c.closed || vat_found.is_some() {
                    "closed"
                } else {
                    "open"
                }
                .to_owned(),
            ),
        );
        add(
            "lvid_implementation",
            "last written by",
            text(c.implementation.identifier.clone()),
        );
    }
    let counts = vat_found
        .as_ref()
        .and_then(|v| v.files.zip(v.directories))
        .or_else(|| integ.current.as_ref().map(|c| (c.files, c.directories)));
    if let Some((files, dirs)) = counts {
        add("files", "files", Value::Unsigned(u64::from(files)));
        add(
            "directories",
            "directories",
            Value::Unsigned(u64::from(dirs)),
        );
    }
    if let Some(iu) = &iuvd
        && iu.implementation.identifier == "*UDF LV Info"
    {
        add("owner", "owner", text(iu.info1.clone()));
        add("organization", "organization", text(iu.info2.clone()));
        add("contact", "contact", text(iu.info3.clone()));
    }
    if let Some(v) = &vat_found {
        let form = if v.form == 150 { "1.50" } else { "2.00" };
        add(
            "vat",
            "VAT",
            text(format!(
                "UDF {form} form, {} entries, {} earlier generations",
                v.entries.len(),
                v.generations.len()
            )),
        );
    }
    if vat_found.is_some() {
        // An unclosed sequentially written disc keeps one anchor.
        for d in o
            .found
            .iter_mut()
            .filter(|d| d.code == "udf.anchor-missing")
        {
            d.severity = crate::diagnostic::Severity::Info;
        }
    }
    let root = fsd.root;
    let fs = UdfFs {
        blocks: o.blocks.clone(),
        medium_block: o.medium_block,
        partitions: parts,
        root,
        label,
        details,
        structures: o.structures,
        opened: o.found,
        findings: Mutex::new(Vec::new()),
        icbs: Mutex::new(HashMap::new()),
        last: Mutex::new(None),
    };
    fs.check_root();
    Ok(fs)
}

fn apply_metadata(
    o: &mut Opening,
    parts: &mut Partitions,
    index: usize,
    physical: usize,
    md: metadata::Metadata,
    used_mirror: &mut bool,
) {
    o.structures.extend(md.structures.iter().cloned());
    for (b, p) in &md.problems {
        o.finding(
            Diagnostic::error("udf.metadata", p.clone()),
            (*b > 0).then_some(*b),
        );
    }
    if md.used_mirror && !*used_mirror {
        o.finding(
            Diagnostic::warning(
                "udf.metadata-mirror",
                "the metadata file is damaged; its mirror was used",
            ),
            None,
        );
    }
    *used_mirror = md.used_mirror;
    let phys = parts.maps.get(physical).cloned();
    if let (Some(m), Some(phys)) = (parts.maps.get_mut(index), phys) {
        m.start = phys.start;
        m.length = phys.length;
        m.mapping = Mapping::Metadata { runs: md.runs };
    }
}

/// Reads the file set descriptor at `at`, noting its checks.
fn read_fsd(o: &mut Opening, parts: &Partitions, at: LongAd) -> Option<(Fsd, u64)> {
    let block = parts.resolve(at.partition, u64::from(at.block)).ok()?;
    let bytes = o.read(block)?;
    let checked = Checked::new(&bytes, at.block)?;
    if !checked.is(tag::FILE_SET) {
        o.finding(
            Diagnostic::error(
                "udf.tag",
                format!(
                    "no file set descriptor at block {} of partition {} (tag identifier {}; {})",
                    at.block,
                    at.partition,
                    checked.tag.id,
                    checked.problems(&bytes, at.block).join("; ")
                ),
            ),
            Some(block),
        );
        return None;
    }
    if !checked.clean() {
        o.finding(
            Diagnostic::error(
                "udf.tag",
                format!(
                    "file set descriptor: {}",
                    checked.problems(&bytes, at.block).join("; ")
                ),
            ),
            Some(block),
        );
    }
    let fsd = Fsd::decode(&bytes).ok()?;
    let mut s = Fsd::LAYOUT.structure(&bytes, Place::Medium(o.blocks.position(block)));
    expand_tag(&mut s, &bytes, &checked, u64::from(at.block));
    o.structures.push(s);
    let _ = Type2::LAYOUT;
    let _ = Kind::FileSet;
    Some((fsd, block))
}
