//! What `info` says of a UDF volume: revisions, identifiers, partitions,
//! integrity, counts and the VAT, from the descriptors opening read.

use super::Opening;
use super::maps::Resolved;
use crate::fs::Detail;
use crate::fs::udf::descriptor::{Iuvd, Lvd, Pd, Pvd};
use crate::fs::udf::fileset::Fsd;
use crate::fs::udf::integrity::Integrity;
use crate::fs::udf::regid::revision_text;
use crate::fs::udf::sequence::Sequence;
use crate::structure::Value;

/// The volume's details, in the order `info` lists them.
pub(super) fn details(
    o: &Opening,
    vds: &Sequence,
    lvd: &Lvd,
    maps: &Resolved,
    integ: &Integrity,
    fsd: &Fsd,
) -> Vec<Detail> {
    let pvd = vds
        .primary
        .as_ref()
        .and_then(|f| Pvd::decode(&f.bytes).ok());
    let iuvd = vds
        .implementation
        .as_ref()
        .and_then(|f| Iuvd::decode(&f.bytes).ok());
    let mut details = Vec::new();
    let mut add = |key: &'static str, label: &'static str, value: Value| {
        details.push(Detail { key, label, value })
    };
    let text = |s: String| Value::Text(s);
    let revisions = maps.vat.as_ref().and_then(|v| v.revisions).or_else(|| {
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
    add("block_size", "block size", Value::Unsigned(o.blocks.size));
    add("blocks", "blocks", Value::Unsigned(o.blocks.count));
    add(
        "partitions",
        "partitions",
        text(
            maps.parts
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
                if c.closed || maps.vat.is_some() {
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
    let counts = maps
        .vat
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
    if let Some(v) = &maps.vat {
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
    details
}
