//! `discscope locate IMAGE ADDR [--json]`: what owns a sector.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use discscope::container;
use discscope::fs::probe::{self, Options};
use discscope::inspect::escape;
use discscope::inspect::owners::{Owner, OwnerIndex};
use discscope::medium::{Medium, MediumKind};
use discscope::units::Msf;

use super::{Outcome, Output};

/// ADDR: an LBA (`1234`, `-150`), an absolute MSF (`00:02:00`), or a byte
/// offset (`0x1A2B00`) into the image's sector space.
pub fn parse_addr(text: &str, medium: &Medium) -> anyhow::Result<i64> {
    let text = text.trim();
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        let offset = u64::from_str_radix(hex, 16)
            .map_err(|_| anyhow::anyhow!("{text}: not a hex byte offset"))?;
        let size = u64::from(medium.sector_size.max(1));
        return Ok(medium.first_lba().0 + i64::try_from(offset / size)?);
    }
    if text.contains(':') {
        let msf: Msf = text.parse().map_err(|e| anyhow::anyhow!("{text}: {e}"))?;
        return Ok(msf.to_lba().0);
    }
    text.parse::<i64>()
        .map_err(|_| anyhow::anyhow!("{text}: not an address (LBA, mm:ss:ff or 0xOFFSET)"))
}

#[derive(Serialize)]
struct Located {
    lba: i64,
    owners: Vec<Owner>,
}

pub fn run(image: &Path, addr: &str, json: bool, out: &mut Output) -> anyhow::Result<Outcome> {
    let medium = Arc::new(container::open(image)?);
    let lba = parse_addr(addr, &medium)?;
    if lba < medium.first_lba().0 || lba >= medium.end_lba().0 {
        anyhow::bail!(
            "{}: sector {lba} is outside the image (sectors {}..{})",
            image.display(),
            medium.first_lba().0,
            medium.end_lba().0
        );
    }
    let views = probe::views(&medium, &Options::default());
    let block = match medium.kind {
        MediumKind::Disk => u64::from(medium.sector_size),
        MediumKind::Optical => 2048,
    };
    let index = OwnerIndex::for_medium(&medium, &views, block)?;
    let mut owners = index.owners(lba);
    if owners.is_empty() {
        owners.push(Owner {
            kind: "unused",
            path: None,
            filesystem: "",
            name: None,
        });
    }
    if json {
        out.json(&Located { lba, owners })?;
        return Ok(Outcome::Clean);
    }
    writeln!(out, "sector {lba}")?;
    for o in &owners {
        let what = o.path.as_deref().or(o.name.as_deref()).unwrap_or("");
        let fs = if o.filesystem.is_empty() {
            String::new()
        } else {
            format!(" ({})", o.filesystem)
        };
        writeln!(out, "  {:<18} {}{fs}", o.kind, escape(what))?;
    }
    Ok(Outcome::Clean)
}
