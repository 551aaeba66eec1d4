//! `discscope locate IMAGE ADDR [--json]`: what owns a sector.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use discscope::inspect::escape;
use discscope::inspect::owners::{Owner, OwnerIndex};
use discscope::medium::Medium;
use discscope::units::Lba;
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
    let survey = super::open::survey(image, false)?;
    let medium = Arc::clone(&survey.medium);
    let lba = parse_addr(addr, &medium)?;
    if lba < medium.first_lba().0 || lba >= medium.end_lba().0 {
        anyhow::bail!(
            "{}: sector {lba} is outside the image (sectors {}..{})",
            image.display(),
            medium.first_lba().0,
            medium.end_lba().0
        );
    }
    let index = OwnerIndex::build(&survey)?;
    let mut owners = index.owners(Lba(lba));
    if owners.is_empty() {
        owners.push(Owner::unused());
    }
    if json {
        out.json(&Located { lba, owners })?;
        return Ok(Outcome::Clean);
    }
    writeln!(out, "sector {lba}")?;
    for o in &owners {
        let fs = o
            .filesystem
            .map_or(String::new(), |s| format!(" ({})", s.as_str()));
        writeln!(out, "  {:<18} {}{fs}", o.kind.as_str(), escape(o.what()))?;
    }
    Ok(Outcome::Clean)
}
