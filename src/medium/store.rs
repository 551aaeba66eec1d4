//! What a container knows about its own storage beyond the address map:
//! which of its structures describe how a sector is stored (a compressed
//! block's map entry), and checks of its own data (the checksum of each
//! stored block, digests of the whole image).
//!
//! Containers that store sectors as they are (cue/bin, ISO, CloneCD) have
//! nothing to add and leave [`Medium::store`](super::Medium::store) empty.

use std::fmt;
use std::sync::atomic::AtomicBool;

use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Result;
use crate::structure::Structure;
use crate::units::Lba;

/// A container's view of its own storage.
pub trait Store: Send + Sync + fmt::Debug {
    /// The container's structures that say how the sector at `lba` is
    /// stored (for a CHD: the map entry of each hunk holding it).
    fn structures_at(&self, lba: Lba) -> Vec<Structure>;

    /// Starts a check of the container's own data: from now on the blocks
    /// that sector reads decode are fed to it, so a verification that
    /// reads every sector decodes each block once.
    fn start_check(&self);

    /// Finishes the check started by [`Store::start_check`]: decodes the
    /// blocks no read reached, compares digests, and lists every block
    /// that failed. `progress` gets (blocks done, total); `cancel` stops
    /// early with a partial answer.
    fn finish_check(
        &self,
        progress: &(dyn Fn(u64, u64) + Sync),
        cancel: &AtomicBool,
    ) -> Result<StoreCheck>;
}

/// A digest the container records, and what the data gives now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestCheck {
    /// `raw_sha1`, `sha1`, ...
    pub name: &'static str,
    /// What it covers, for people.
    pub covers: &'static str,
    /// As recorded (hex), if the container records it.
    pub stored: Option<String>,
    /// As computed (hex), if every byte it covers could be read.
    pub computed: Option<String>,
}

impl DigestCheck {
    /// `Some(true)` when both are known and equal, `None` when either is
    /// missing.
    pub fn ok(&self) -> Option<bool> {
        match (&self.stored, &self.computed) {
            (Some(stored), Some(computed)) => Some(stored == computed),
            _ => None,
        }
    }
}

/// What a check of the container's own data found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreCheck {
    /// What the blocks are called (`hunk`).
    pub block_name: &'static str,
    /// Blocks checked.
    pub blocks: u64,
    /// Blocks that could not be decoded or whose checksum failed.
    pub bad_blocks: u64,
    pub digests: Vec<DigestCheck>,
    /// One finding per bad block (at most a few thousand) and per digest
    /// that differs, each with its position in the container.
    pub findings: Vec<Diagnostic>,
    /// Whether the check ran to the end.
    pub complete: bool,
}

impl StoreCheck {
    /// Nothing wrong found.
    pub fn ok(&self) -> bool {
        self.bad_blocks == 0
            && self.digests.iter().all(|d| d.ok() != Some(false))
            && self.findings.iter().all(|f| f.severity != Severity::Error)
    }
}
