//! Opening a UDF volume: recognition, anchors, descriptor sequences,
//! partitions ([`maps`]), integrity and the file set; what `info` says
//! of the volume is in [`details`].

mod details;
mod maps;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Position, Result};
use crate::io::ReadAt;
use crate::structure::{Place, Structure};
use crate::units::Lba;

use super::anchor::{self, Anchors};
use super::data::Blocks;
use super::descriptor::{Iuvd, Lvd, Pd, Pvd, Usd, expand_tag, usd_fields};
use super::extent::{LongAd, le32};
use super::fileset::Fsd;
use super::integrity;
use super::partition::{Partitions, map_fields};
use super::recognition;
use super::sequence::{self, ReadDescriptor, Sequence};
use super::tag::{self, Checked};
use super::{MAX_FINDINGS, UdfFs, metadata};

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
    let mut resolved = maps::read(&mut o, &vds, &lvd_found, &lvd)?;
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
        Some(c) if !c.closed && resolved.vat.is_none() => o.finding(
            Diagnostic::warning("udf.integrity-open", "the logical volume integrity descriptor is open: the volume was not closed after writing"),
            Some(c.block),
        ),
        _ => {}
    }
    // The file set.
    let mut fsd = read_fsd(&mut o, &resolved.parts, lvd.file_set);
    if fsd.is_none()
        && let Some((index, number, tail)) = &resolved.metadata
        && !resolved.used_mirror
        && let Some(physical) = resolved.parts.physical_of(*number)
    {
        let md = metadata::read(&o.blocks, &resolved.parts, physical, tail, true);
        if md.used_mirror {
            o.finding(
                Diagnostic::warning("udf.metadata-mirror", "the file set could not be read through the metadata file; the metadata mirror file was used"),
                None,
            );
            maps::apply_metadata(
                &mut o,
                &mut resolved.parts,
                *index,
                physical,
                md,
                &mut resolved.used_mirror,
            );
            fsd = read_fsd(&mut o, &resolved.parts, lvd.file_set);
        }
    }
    let Some(fsd) = fsd else {
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
    let label = match &resolved.vat {
        Some(v) if v.label.as_deref().is_some_and(|l| !l.is_empty()) => {
            v.label.clone().unwrap_or_default()
        }
        _ => lvd.label.clone(),
    };
    let details = details::details(&o, &vds, &lvd, &resolved, &integ, &fsd);
    if resolved.vat.is_some() {
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
        partitions: resolved.parts,
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

/// Reads the file set descriptor at `at`, noting its checks.
fn read_fsd(o: &mut Opening, parts: &Partitions, at: LongAd) -> Option<Fsd> {
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
    Some(fsd)
}
