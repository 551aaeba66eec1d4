//! The logical bytes of a CHD as a [`ReadAt`]: each hunk decoded on
//! demand (following copies within the file and from the parent), its
//! checksum compared, and kept in a bounded least-recently-used cache.
//! Decoders are pooled so threads decode different hunks at once.
//!
//! A hunk whose checksum fails is still returned (the sectors in it then
//! show the damage) and recorded as a fault; a hunk that cannot be
//! decoded at all is an error naming the hunk and where it is.
//!
//! While a check runs ([`Hunks::start_tap`]), every hunk fetched is also
//! fed, in hunk order, to a SHA-1 of the logical data: a verification
//! that reads every sector decodes each hunk once.
//!
//! Sources: MAME `chd.cpp` (`read_hunk`: CRC-16 of v5 hunks, CRC-32 of
//! v3/v4 hunks unless flagged; a self copy reads the other hunk; a v5
//! parent copy reads the parent's bytes from `offset × parent unit size`;
//! a v5 raw map's hunk 0 reads the parent's same hunk, or zeros).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crc::{CRC_32_ISO_HDLC, Crc};
use sha1::{Digest as _, Sha1};

use super::codec::Codecs;
use super::header::ChdHeader;
use super::map::{CRC16, HunkStorage, Map, MapEntry};
use crate::error::{Error, Result};
use crate::io::ReadAt;

const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);
/// Bytes of decoded hunks kept (at least two hunks whatever their size).
pub const CACHE_BYTES: usize = 8 << 20;
/// Hunks a check holds while waiting for an earlier one to arrive.
const PENDING: usize = 256;
/// Faults remembered in detail.
const FAULTS_KEPT: usize = 10_000;

/// Why a hunk is bad.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Where its map entry or data is in the file.
    pub offset: u64,
    pub message: String,
    /// Whether its bytes could still be read (a checksum that fails).
    pub readable: bool,
}

#[derive(Default)]
struct Cache {
    hunks: HashMap<u32, (Arc<[u8]>, u64)>,
    order: BTreeMap<u64, u32>,
    clock: u64,
}

/// The in-order SHA-1 of the logical data a check computes.
struct Tap {
    next: u32,
    pending: BTreeMap<u32, Arc<[u8]>>,
    sha1: Sha1,
    /// A hunk that could not be read: the digest cannot be known.
    broken: bool,
}

/// A CHD's hunks.
pub struct Hunks {
    path: Arc<Path>,
    file: Arc<dyn ReadAt>,
    version: u32,
    hunk_bytes: u32,
    unit_bytes: u32,
    logical_bytes: u64,
    map: Map,
    parent: Option<Arc<Hunks>>,
    /// The parent's SHA-1 the header names, when the file needs one.
    parent_needed: Option<[u8; 20]>,
    tags: [u32; 4],
    capacity: usize,
    cache: Mutex<Cache>,
    pool: Mutex<Vec<Codecs>>,
    faults: Mutex<BTreeMap<u32, Fault>>,
    tapping: AtomicBool,
    tap: Mutex<Option<Tap>>,
}

impl std::fmt::Debug for Hunks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hunks")
            .field("path", &self.path)
            .field("hunk_bytes", &self.hunk_bytes)
            .field("count", &self.map.count())
            .field("parent", &self.parent.is_some())
            .finish()
    }
}

impl Hunks {
    pub fn new(
        header: &ChdHeader,
        map: Map,
        file: Arc<dyn ReadAt>,
        path: &Path,
        parent: Option<Arc<Hunks>>,
    ) -> Hunks {
        let capacity = (CACHE_BYTES / header.hunk_bytes.max(1) as usize).max(2);
        Hunks {
            path: Arc::from(path),
            file,
            version: header.version,
            hunk_bytes: header.hunk_bytes,
            unit_bytes: header.unit_bytes,
            logical_bytes: header.logical_bytes,
            map,
            parent,
            parent_needed: header.parent_sha1,
            tags: header.codecs,
            capacity,
            cache: Mutex::new(Cache::default()),
            pool: Mutex::new(Vec::new()),
            faults: Mutex::new(BTreeMap::new()),
            tapping: AtomicBool::new(false),
            tap: Mutex::new(None),
        }
    }

    pub fn hunk_bytes(&self) -> u32 {
        self.hunk_bytes
    }

    pub fn count(&self) -> u32 {
        self.map.count()
    }

    pub fn map(&self) -> &Map {
        &self.map
    }

    /// Hunks found bad so far, by number.
    pub fn faults(&self) -> BTreeMap<u32, Fault> {
        self.faults.lock().map(|f| f.clone()).unwrap_or_default()
    }

    fn fault(&self, hunk: u32, offset: u64, message: String, readable: bool) {
        if let Ok(mut faults) = self.faults.lock()
            && faults.len() < FAULTS_KEPT
        {
            faults.entry(hunk).or_insert(Fault {
                offset,
                message,
                readable,
            });
        }
    }

    fn error(&self, hunk: u32, offset: u64, message: String) -> Error {
        self.fault(hunk, offset, message.clone(), false);
        Error::image(
            self.path.as_ref(),
            format!("hunk {hunk} (map entry or data at {offset:#x}): {message}"),
        )
    }

    fn cached(&self, hunk: u32) -> Option<Arc<[u8]>> {
        let mut cache = self.cache.lock().ok()?;
        cache.clock += 1;
        let now = cache.clock;
        let (bytes, used) = cache.hunks.get_mut(&hunk)?;
        let bytes = Arc::clone(bytes);
        let before = std::mem::replace(used, now);
        cache.order.remove(&before);
        cache.order.insert(now, hunk);
        Some(bytes)
    }

    fn keep(&self, hunk: u32, bytes: &Arc<[u8]>) {
        let Ok(mut cache) = self.cache.lock() else {
            return;
        };
        cache.clock += 1;
        let now = cache.clock;
        if let Some((_, before)) = cache.hunks.insert(hunk, (Arc::clone(bytes), now)) {
            cache.order.remove(&before);
        }
        cache.order.insert(now, hunk);
        while cache.hunks.len() > self.capacity {
            let Some((_, oldest)) = cache.order.pop_first() else {
                break;
            };
            cache.hunks.remove(&oldest);
        }
    }

    /// The error of a hunk that failed before: it fails again, as the
    /// file does not change.
    fn failed(&self, hunk: u32) -> Option<Error> {
        let fault = self
            .faults
            .lock()
            .ok()?
            .get(&hunk)
            .filter(|f| !f.readable)
            .cloned()?;
        Some(Error::image(
            self.path.as_ref(),
            format!(
                "hunk {hunk} (map entry or data at {:#x}): {}",
                fault.offset, fault.message
            ),
        ))
    }

    /// The decoded bytes of `hunk` (always `hunk_bytes` long).
    pub fn hunk(&self, hunk: u32) -> Result<Arc<[u8]>> {
        if let Some(error) = self.failed(hunk) {
            return Err(error);
        }
        let bytes = match self.cached(hunk) {
            Some(bytes) => bytes,
            None => {
                let bytes = self.load(hunk)?;
                self.keep(hunk, &bytes);
                bytes
            }
        };
        if self.tapping.load(Ordering::Relaxed) {
            self.feed(hunk, &bytes);
        }
        Ok(bytes)
    }

    /// Decodes `hunk`, following copies of earlier hunks of this file.
    fn load(&self, hunk: u32) -> Result<Arc<[u8]>> {
        let mut at = hunk;
        let mut entry = self.map.entry(at)?;
        while entry.kind == HunkStorage::SelfRef {
            let target = entry.offset;
            let site = site_offset(&entry);
            // Only earlier hunks: the chain shortens at each step.
            let Some(target) = u32::try_from(target).ok().filter(|&t| t < at) else {
                let via = if at == hunk {
                    String::new()
                } else {
                    format!(" (through hunk {at})")
                };
                return Err(self.error(
                    hunk,
                    site,
                    format!("it is a copy{via} of hunk {target}, which is not an earlier hunk"),
                ));
            };
            at = target;
            if let Some(bytes) = self.cached(at) {
                return Ok(bytes);
            }
            if self.failed(at).is_some() {
                return Err(self.error(
                    hunk,
                    site,
                    format!("it is a copy of hunk {at}, which cannot be read"),
                ));
            }
            entry = self.map.entry(at)?;
        }
        let bytes: Arc<[u8]> = self.materialize(at, &entry)?.into();
        if at != hunk {
            self.keep(at, &bytes);
        }
        Ok(bytes)
    }

    fn materialize(&self, hunk: u32, entry: &MapEntry) -> Result<Vec<u8>> {
        let size = self.hunk_bytes as usize;
        let site = site_offset(entry);
        match entry.kind {
            HunkStorage::Codec(slot) => {
                let compressed = self.stored(hunk, entry, u64::from(entry.length))?;
                let mut out = vec![0u8; size];
                let mut codecs = self
                    .pool
                    .lock()
                    .ok()
                    .and_then(|mut pool| pool.pop())
                    .unwrap_or_else(|| Codecs::new(self.tags, self.hunk_bytes));
                let result = codecs.decompress(slot, &compressed, &mut out);
                if let Ok(mut pool) = self.pool.lock() {
                    pool.push(codecs);
                }
                if let Err(why) = result {
                    return Err(self.error(hunk, entry.offset, why));
                }
                self.check_crc(hunk, entry, &out);
                Ok(out)
            }
            HunkStorage::Uncompressed => {
                let out = self.stored(hunk, entry, u64::from(self.hunk_bytes))?;
                self.check_crc(hunk, entry, &out);
                Ok(out)
            }
            HunkStorage::Mini => {
                let pattern = entry.offset.to_be_bytes();
                let out: Vec<u8> = pattern.iter().copied().cycle().take(size).collect();
                self.check_crc(hunk, entry, &out);
                Ok(out)
            }
            HunkStorage::ParentRef | HunkStorage::Unallocated => {
                let Some(parent) = &self.parent else {
                    if entry.kind == HunkStorage::Unallocated && self.parent_needed.is_none() {
                        return Ok(vec![0; size]);
                    }
                    return Err(self.error(
                        hunk,
                        site,
                        "it is copied from the parent CHD, which was not given (--parent FILE)"
                            .to_owned(),
                    ));
                };
                let mut out = vec![0u8; size];
                let from = match (entry.kind, self.version) {
                    (HunkStorage::Unallocated, _) => {
                        u64::from(hunk).saturating_mul(u64::from(parent.hunk_bytes))
                    }
                    (_, 5) => entry.offset.saturating_mul(u64::from(parent.unit_bytes)),
                    _ => entry.offset.saturating_mul(u64::from(parent.hunk_bytes)),
                };
                parent
                    .read_exact_at(from, &mut out)
                    .map_err(|e| self.error(hunk, site, format!("its parent bytes: {e}")))?;
                Ok(out)
            }
            HunkStorage::SelfRef => Err(self.error(hunk, site, "a copy of itself".to_owned())),
            HunkStorage::Invalid(t) => Err(self.error(
                hunk,
                site,
                format!("its map entry has type {t}, which the format does not define"),
            )),
            HunkStorage::Unmapped => Err(self.error(
                hunk,
                site,
                "the compressed map ends before its entry".to_owned(),
            )),
        }
    }

    /// The stored bytes of a hunk, checked against the file's end.
    fn stored(&self, hunk: u32, entry: &MapEntry, length: u64) -> Result<Vec<u8>> {
        let end = entry.offset.saturating_add(length);
        if end > self.file.len() {
            return Err(self.error(
                hunk,
                entry.offset,
                format!(
                    "its {length} stored bytes at {:#x} run past the end of the {}-byte file",
                    entry.offset,
                    self.file.len()
                ),
            ));
        }
        self.file.read_vec(entry.offset, length as usize)
    }

    fn check_crc(&self, hunk: u32, entry: &MapEntry, bytes: &[u8]) {
        let Some(stored) = entry.crc else { return };
        let (computed, width) = if self.version >= 5 {
            (u32::from(CRC16.checksum(bytes)), 4)
        } else {
            (CRC32.checksum(bytes), 8)
        };
        if computed != stored {
            self.fault(
                hunk,
                entry.offset,
                format!(
                    "its CRC is {computed:#0w$x}; the map records {stored:#0w$x}",
                    w = width + 2
                ),
                true,
            );
        }
    }

    /// Starts feeding fetched hunks to a SHA-1 of the logical data.
    pub fn start_tap(&self) {
        if let Ok(mut tap) = self.tap.lock() {
            *tap = Some(Tap {
                next: 0,
                pending: BTreeMap::new(),
                sha1: Sha1::new(),
                broken: false,
            });
        }
        self.tapping.store(true, Ordering::Relaxed);
    }

    fn feed(&self, hunk: u32, bytes: &Arc<[u8]>) {
        let Ok(mut guard) = self.tap.lock() else {
            return;
        };
        let Some(tap) = guard.as_mut() else { return };
        if hunk < tap.next || tap.pending.contains_key(&hunk) {
            return;
        }
        if hunk > tap.next {
            if tap.pending.len() < PENDING {
                tap.pending.insert(hunk, Arc::clone(bytes));
            }
            return;
        }
        self.digest(tap, bytes);
        while let Some(next) = tap.pending.remove(&tap.next) {
            self.digest(tap, &next);
        }
    }

    /// Adds the next hunk's logical bytes to the digest.
    fn digest(&self, tap: &mut Tap, bytes: &[u8]) {
        let start = u64::from(tap.next) * u64::from(self.hunk_bytes);
        let take = self
            .logical_bytes
            .saturating_sub(start)
            .min(bytes.len() as u64) as usize;
        tap.sha1.update(bytes.get(..take).unwrap_or_default());
        tap.next += 1;
    }

    /// Finishes the tap: fetches the hunks no read reached, in order.
    /// Returns the SHA-1 of the logical data, or `None` when a hunk could
    /// not be read or `cancel` was set.
    pub fn finish_tap(
        &self,
        progress: &(dyn Fn(u64, u64) + Sync),
        cancel: &AtomicBool,
    ) -> Option<[u8; 20]> {
        let count = self.count();
        let position = || {
            self.tap
                .lock()
                .ok()
                .and_then(|t| t.as_ref().map(|t| t.next))
        };
        let mut next = position()?;
        // Hunks past the map's last entry have none: nothing to decode, and
        // the digest cannot be known (opening said so once).
        let described = self.map.described();
        while next < count && !cancel.load(Ordering::Relaxed) {
            if next >= described {
                if let Some(tap) = self.tap.lock().ok()?.as_mut() {
                    tap.broken = true;
                }
                break;
            }
            progress(u64::from(next), u64::from(count));
            let read = self.hunk(next).is_ok();
            let mut guard = self.tap.lock().ok()?;
            let tap = guard.as_mut()?;
            if !read || tap.next <= next {
                // The digest cannot be known; step past the hunk so the
                // rest are still decoded (and their faults found).
                tap.broken = true;
                tap.next = next + 1;
                while tap.pending.remove(&tap.next).is_some() {
                    tap.next += 1;
                }
            }
            next = tap.next;
        }
        progress(u64::from(count), u64::from(count));
        self.tapping.store(false, Ordering::Relaxed);
        let tap = self.tap.lock().ok()?.take()?;
        (!tap.broken && tap.next >= count).then(|| tap.sha1.finalize().into())
    }
}

fn site_offset(entry: &MapEntry) -> u64 {
    match entry.site {
        super::map::Site::Bytes(at) => at,
        super::map::Site::Bits { start, .. } => start / 8,
    }
}

impl ReadAt for Hunks {
    fn len(&self) -> u64 {
        self.logical_bytes
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        if offset >= self.logical_bytes || buf.is_empty() {
            return Ok(0);
        }
        let want = (self.logical_bytes - offset).min(buf.len() as u64) as usize;
        let size = u64::from(self.hunk_bytes);
        let mut done = 0usize;
        while done < want {
            let at = offset + done as u64;
            let index = u32::try_from(at / size).unwrap_or(u32::MAX);
            let within = (at % size) as usize;
            let n = (size as usize - within).min(want - done);
            let dst = buf.get_mut(done..done + n).unwrap_or_default();
            if index >= self.count() {
                // Past the hunks a v3/v4 header counts: zeros (noted at open).
                dst.fill(0);
            } else {
                let hunk = self.hunk(index)?;
                dst.copy_from_slice(hunk.get(within..within + n).unwrap_or_default());
            }
            done += n;
        }
        Ok(done)
    }

    fn name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}
