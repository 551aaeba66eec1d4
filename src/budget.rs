//! The work and memory budget of one image: every reader draws on it, so
//! that no arrangement of structures (thousands of entries naming one
//! chain, one directory, one partition or one boot image) can make the
//! work or the memory grow faster than the image.
//!
//! Five things are counted, each against a limit proportional to the bytes
//! the image stores (plus a floor for small images):
//!
//! | budget | what draws on it | default |
//! |---|---|---|
//! | sectors read | every block a filesystem reads through a volume (metadata and file data) | 16,384 + 16 × the image's sectors |
//! | entries visited | every directory entry a walk yields (`ls -R`, `extract`, the owner index, the FAT check) | 1,000,000 + 65,536 per MiB |
//! | chain links followed | FAT cluster chains (each chain is walked once) | 1,000,000 + 4,096 per MiB |
//! | structures decoded | volumes probed for a filesystem (partitions, boot images, nested images) | 1,024 + 16 per MiB |
//! | bytes held | caches that hold image bytes in memory (FAT tables) | 32 MiB + the image's size |
//!
//! `--budget N` multiplies every limit by N ([`set_factor`]). Spending past
//! a limit fails with [`Error::Budget`](crate::Error::Budget), which names
//! the budget and where it ran out; the first time each budget runs out it
//! also leaves a finding (`budget.sectors`, `budget.entries`,
//! `budget.links`, `budget.structures`, `budget.bytes`) that `info`, `ls`,
//! `extract` and `verify` show. A cache refused by the bytes budget is not
//! an error: its reader reads the bytes as it needs them instead.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};

/// What a budget counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resource {
    /// Blocks read through a volume.
    Sectors,
    /// Directory entries visited by walks.
    Entries,
    /// Links of chains followed (FAT clusters).
    Links,
    /// Volumes probed and structures decoded for them.
    Structures,
    /// Bytes of the image held in memory by caches.
    Bytes,
}

impl Resource {
    /// Every resource, in the order of [`Limits`].
    pub const ALL: [Resource; 5] = [
        Resource::Sectors,
        Resource::Entries,
        Resource::Links,
        Resource::Structures,
        Resource::Bytes,
    ];

    /// The finding's stable code.
    pub fn code(self) -> &'static str {
        match self {
            Resource::Sectors => "budget.sectors",
            Resource::Entries => "budget.entries",
            Resource::Links => "budget.links",
            Resource::Structures => "budget.structures",
            Resource::Bytes => "budget.bytes",
        }
    }

    /// The budget's name in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Resource::Sectors => "sectors-read",
            Resource::Entries => "entries-visited",
            Resource::Links => "chain-links",
            Resource::Structures => "structures-decoded",
            Resource::Bytes => "bytes-held",
        }
    }

    /// The budget an [`Error::Budget`] names.
    pub fn of_error(error: &Error) -> Option<Resource> {
        match error {
            Error::Budget { budget, .. } => {
                Resource::ALL.into_iter().find(|r| r.describe() == *budget)
            }
            _ => None,
        }
    }

    fn index(self) -> usize {
        match self {
            Resource::Sectors => 0,
            Resource::Entries => 1,
            Resource::Links => 2,
            Resource::Structures => 3,
            Resource::Bytes => 4,
        }
    }
}

impl std::fmt::Display for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.describe())
    }
}

/// The limit of each resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub sectors: u64,
    pub entries: u64,
    pub links: u64,
    pub structures: u64,
    pub bytes: u64,
}

const MIB: u64 = 1 << 20;

impl Limits {
    /// No limit at all (tests, and readers used without an image).
    pub const UNLIMITED: Limits = Limits {
        sectors: u64::MAX,
        entries: u64::MAX,
        links: u64::MAX,
        structures: u64::MAX,
        bytes: u64::MAX,
    };

    /// The defaults for an image that stores `bytes` bytes in sectors of
    /// `block` bytes (2048 for optical media, 512 for disks), before the
    /// `--budget` factor.
    pub fn defaults(bytes: u64, block: u64) -> Limits {
        let mib = bytes.div_ceil(MIB);
        Limits {
            sectors: 16_384u64.saturating_add((bytes / block.max(1)).saturating_mul(16)),
            entries: 1_000_000u64.saturating_add(mib.saturating_mul(65_536)),
            links: 1_000_000u64.saturating_add(mib.saturating_mul(4_096)),
            structures: 1_024u64.saturating_add(mib.saturating_mul(16)),
            bytes: (32 * MIB).saturating_add(bytes),
        }
    }

    /// Every limit multiplied by `factor`.
    pub fn scaled(self, factor: u64) -> Limits {
        let f = factor.max(1);
        Limits {
            sectors: self.sectors.saturating_mul(f),
            entries: self.entries.saturating_mul(f),
            links: self.links.saturating_mul(f),
            structures: self.structures.saturating_mul(f),
            bytes: self.bytes.saturating_mul(f),
        }
    }

    /// The limit of `resource`.
    pub fn of(&self, resource: Resource) -> u64 {
        match resource {
            Resource::Sectors => self.sectors,
            Resource::Entries => self.entries,
            Resource::Links => self.links,
            Resource::Structures => self.structures,
            Resource::Bytes => self.bytes,
        }
    }
}

/// The `--budget` factor every image's defaults are multiplied by.
static FACTOR: AtomicU64 = AtomicU64::new(1);

/// Sets the factor (the command line's `--budget N`; 0 counts as 1).
pub fn set_factor(factor: u64) {
    FACTOR.store(factor.max(1), Ordering::Relaxed);
}

/// The factor in force.
pub fn factor() -> u64 {
    FACTOR.load(Ordering::Relaxed)
}

/// One image's budget: what has been spent, and the findings of the
/// budgets that ran out. Shared by every reader of the image (and every
/// thread), so counters are atomic.
#[derive(Debug, Default)]
pub struct Budget {
    /// Set on first use, once the image's size is known.
    limits: OnceLock<Limits>,
    used: [AtomicU64; 5],
    /// The first place each budget ran out (or refused), by resource.
    exhausted: Mutex<Vec<(Resource, Diagnostic)>>,
}

impl Budget {
    /// A budget with fixed limits.
    pub fn new(limits: Limits) -> Budget {
        let budget = Budget::default();
        let _ = budget.limits.set(limits);
        budget
    }

    /// A budget that never runs out.
    pub fn unlimited() -> Budget {
        Budget::new(Limits::UNLIMITED)
    }

    /// Fixes the limits (only the first call counts): the defaults for an
    /// image of `bytes` bytes in `block`-byte sectors, times the factor.
    pub fn init(&self, bytes: u64, block: u64) {
        let _ = self
            .limits
            .get_or_init(|| Limits::defaults(bytes, block).scaled(factor()));
    }

    /// The limits in force (unlimited until [`Budget::init`]).
    pub fn limits(&self) -> Limits {
        self.limits.get().copied().unwrap_or(Limits::UNLIMITED)
    }

    fn counter(&self, resource: Resource) -> &AtomicU64 {
        // `index` is below 5 for every resource.
        let [a, b, c, d, e] = &self.used;
        match resource.index() {
            0 => a,
            1 => b,
            2 => c,
            3 => d,
            _ => e,
        }
    }

    /// What has been spent of `resource` (bytes: held now).
    pub fn used(&self, resource: Resource) -> u64 {
        self.counter(resource).load(Ordering::Relaxed)
    }

    /// Whether `resource` has run out.
    pub fn is_exhausted(&self, resource: Resource) -> bool {
        self.exhausted
            .lock()
            .map(|e| e.iter().any(|(r, _)| *r == resource))
            .unwrap_or(false)
    }

    /// Spends `n` of `resource`; past the limit, fails naming the budget
    /// and `at` (where the reader was: "sector 123 of /A/B", "FAT chain
    /// from cluster 2"), and records the finding the first time.
    pub fn spend(&self, resource: Resource, n: u64, at: impl FnOnce() -> String) -> Result<()> {
        let limit = self.limits().of(resource);
        let before = self.counter(resource).fetch_add(n, Ordering::Relaxed);
        if before.saturating_add(n) <= limit {
            return Ok(());
        }
        // Keep the counter from wrapping on endless retries.
        self.counter(resource).store(limit, Ordering::Relaxed);
        Err(self.refuse(resource, limit, at()))
    }

    /// Takes `bytes` of the bytes-held budget for as long as the returned
    /// guard lives; `None` (with the finding recorded once) when that would
    /// pass the limit: the caller then reads without caching.
    pub fn hold(self: &Arc<Self>, bytes: u64, at: impl FnOnce() -> String) -> Option<Held> {
        let limit = self.limits().bytes;
        let counter = self.counter(Resource::Bytes);
        let mut now = counter.load(Ordering::Relaxed);
        loop {
            let next = now.saturating_add(bytes);
            if next > limit {
                let _ = self.refuse(Resource::Bytes, limit, at());
                return None;
            }
            match counter.compare_exchange_weak(now, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => {
                    return Some(Held {
                        budget: Arc::clone(self),
                        bytes,
                    });
                }
                Err(actual) => now = actual,
            }
        }
    }

    /// The error for a spent budget, with its finding recorded the first
    /// time.
    fn refuse(&self, resource: Resource, limit: u64, at: String) -> Error {
        let error = Error::Budget {
            budget: resource.describe(),
            limit,
            at,
        };
        if let Ok(mut exhausted) = self.exhausted.lock()
            && !exhausted.iter().any(|(r, _)| *r == resource)
        {
            let message = match resource {
                Resource::Bytes => {
                    format!("{error}; that cache is not kept (its bytes are read as needed)")
                }
                _ => format!("{error}; the walk or read stopped there"),
            };
            exhausted.push((resource, Diagnostic::warning(resource.code(), message)));
        }
        error
    }

    /// A finding for each budget that ran out, where it first did.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.exhausted
            .lock()
            .map(|e| e.iter().map(|(_, d)| d.clone()).collect())
            .unwrap_or_default()
    }
}

/// The finding of a walk or a read that a spent budget ended (`None` for
/// any other error).
pub fn finding(error: &Error) -> Option<Diagnostic> {
    let resource = Resource::of_error(error)?;
    Some(Diagnostic::warning(
        resource.code(),
        format!("{error}; the walk stopped there"),
    ))
}

/// Bytes held against a budget, given back when dropped.
#[derive(Debug)]
pub struct Held {
    budget: Arc<Budget>,
    bytes: u64,
}

impl Drop for Held {
    fn drop(&mut self) {
        let _ = self.budget.counter(Resource::Bytes).fetch_update(
            Ordering::Relaxed,
            Ordering::Relaxed,
            |now| Some(now.saturating_sub(self.bytes)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_past_a_limit_names_the_budget_once() {
        let budget = Budget::new(Limits {
            links: 10,
            ..Limits::UNLIMITED
        });
        assert!(budget.spend(Resource::Links, 10, || "here".into()).is_ok());
        let error = budget
            .spend(Resource::Links, 1, || "FAT chain from cluster 2".into())
            .unwrap_err()
            .to_string();
        assert!(error.contains("chain-links budget of 10"), "{error}");
        assert!(error.contains("FAT chain from cluster 2"), "{error}");
        assert!(budget.spend(Resource::Links, 1, || "again".into()).is_err());
        let found = budget.diagnostics();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "budget.links");
        assert!(found[0].message.contains("cluster 2"));
        assert!(budget.is_exhausted(Resource::Links));
        assert!(!budget.is_exhausted(Resource::Sectors));
    }

    #[test]
    fn held_bytes_come_back() {
        let budget = Arc::new(Budget::new(Limits {
            bytes: 100,
            ..Limits::UNLIMITED
        }));
        let a = budget.hold(60, || "a".into());
        assert!(a.is_some());
        assert!(budget.hold(60, || "b".into()).is_none());
        drop(a);
        assert_eq!(budget.used(Resource::Bytes), 0);
        assert!(budget.hold(60, || "c".into()).is_some());
        assert_eq!(budget.diagnostics()[0].code, "budget.bytes");
    }

    #[test]
    fn defaults_grow_with_the_image_and_the_factor() {
        let small = Limits::defaults(128 << 10, 512);
        let big = Limits::defaults(8 << 30, 2048);
        for r in Resource::ALL {
            assert!(big.of(r) > small.of(r), "{r}");
            assert_eq!(small.scaled(4).of(r), small.of(r) * 4);
        }
        assert_eq!(small.sectors, 16_384 + 16 * 256);
    }
}
