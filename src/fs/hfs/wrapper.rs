//! The HFS wrapper: an HFS volume whose master directory block names an
//! embedded HFS+ volume (drEmbedSigWord H+ and drEmbedExtent), as Mac OS
//! 8.1 to 9 wrote them so that older Macs could start up from HFS+
//! disks. The embedded volume is the one shown.
//!
//! Source: TN1150 "HFS Wrapper".

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Position, Result};
use crate::fs::hfs::mdb::{self, Mdb};
use crate::fs::hfs::{HfsFs, Placement};
use crate::io::ReadAt;
use crate::structure::Structure;

/// An HFS wrapper: the embedded HFS+ volume is the one read.
pub(super) fn open_wrapped(
    source: Arc<dyn ReadAt>,
    map: Placement,
    mdb: &Mdb,
    head: &[u8],
) -> Result<HfsFs> {
    let embed = u64::from(mdb.first_block)
        .checked_mul(mdb::SECTOR)
        .and_then(|first| {
            u64::from(mdb.embed_start)
                .checked_mul(u64::from(mdb.block_size))?
                .checked_add(first)
        })
        .filter(|&at| at.checked_add(1536).is_some_and(|end| end <= source.len()))
        .ok_or_else(|| {
            Error::invalid(
                Position::Byte(mdb::OFFSET + 126),
                "HFS wrapper master directory block",
                "drEmbedExtent",
                "an embedded volume inside the wrapper",
                format!(
                    "block {} of {} bytes, outside it",
                    mdb.embed_start, mdb.block_size
                ),
            )
        })?;
    let mut wrapper = Vec::new();
    if let Ok(boot) = source.read_vec(0, 1024)
        && boot.get(..2) == Some(b"LK")
    {
        wrapper.push(mdb::BootBlocks::LAYOUT.structure(&boot, map.place(0)));
    }
    wrapper.push(Structure {
        name: "HFS wrapper master directory block".to_owned(),
        ..Mdb::LAYOUT.structure(head, map.place(mdb::OFFSET))
    });
    let mut fs = HfsFs::open_plus(source, map, embed, wrapper)?;
    fs.opened.push(Diagnostic::info(
        "hfs.wrapper",
        format!(
            "an HFS wrapper holds an HFS+ volume at byte {embed:#x} ({} allocation blocks of {} bytes from block {}); the HFS+ volume is shown",
            mdb.embed_count, mdb.block_size, mdb.embed_start
        ),
    ));
    Ok(fs)
}
