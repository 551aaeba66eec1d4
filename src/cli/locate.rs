//! `discscope locate IMAGE ADDR [--json]`: what owns a sector.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use discscope::escape::escape;
use discscope::inspect::owners::{Owner, OwnerIndex};

use super::{Outcome, Output};

#[derive(Serialize)]
struct Located {
    lba: i64,
    owners: Vec<Owner>,
}

pub fn run(image: &Path, addr: &str, json: bool, out: &mut Output) -> anyhow::Result<Outcome> {
    let survey = super::open::survey(image, false)?;
    let lba = super::open::sector(image, &survey.medium, addr)?.lba;
    let index = OwnerIndex::build(&survey)?;
    let mut owners = index.owners(lba);
    if owners.is_empty() {
        owners.push(Owner::unused());
    }
    if json {
        out.json(&Located { lba: lba.0, owners })?;
        return Ok(Outcome::Clean);
    }
    writeln!(out, "sector {lba}")?;
    for o in &owners {
        let fs = o
            .filesystem
            .map_or(String::new(), |s| format!(" ({})", s.as_str()));
        writeln!(
            out,
            "  {:<18} {}{fs}{}",
            o.kind.as_str(),
            escape(o.what()),
            held(o)
        )?;
    }
    Ok(Outcome::Clean)
}

/// Which of the owner's bytes the sector holds: `, bytes 2048-4095`
/// (inclusive, as HTTP ranges count); nothing for structures.
fn held(owner: &Owner) -> String {
    match (owner.offset, owner.length) {
        (Some(offset), Some(length)) if length > 0 => format!(
            ", {}bytes {offset}-{}",
            if owner.compressed { "compressed " } else { "" },
            offset + length - 1
        ),
        _ => String::new(),
    }
}
