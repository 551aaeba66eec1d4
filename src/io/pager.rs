//! A bounded page cache over any [`ReadAt`].
//!
//! Memory use is set by `page_size * capacity`, never by the image size: an
//! 8 GiB image costs what a 1 MiB one does.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::ReadAt;
use crate::error::Result;

/// Default page size: a few raw sectors, a whole directory extent.
pub const DEFAULT_PAGE_SIZE: usize = 32 * 1024;
/// Default number of pages kept (8 MiB with the default page size).
pub const DEFAULT_CAPACITY: usize = 256;

/// Cache counters, for benchmarks and the status line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PagerStats {
    pub hits: u64,
    pub misses: u64,
    /// Large reads passed straight through without caching.
    pub bypassed: u64,
    /// Pages held now.
    pub resident: usize,
}

struct Page {
    bytes: Arc<[u8]>,
    last_used: u64,
}

#[derive(Default)]
struct Cache {
    pages: HashMap<u64, Page>,
    clock: u64,
}

/// Fixed-size pages in a least-recently-used cache.
pub struct Pager<R> {
    inner: R,
    page_size: usize,
    capacity: usize,
    cache: Mutex<Cache>,
    hits: AtomicU64,
    misses: AtomicU64,
    bypassed: AtomicU64,
}

impl<R: ReadAt> std::fmt::Debug for Pager<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pager")
            .field("page_size", &self.page_size)
            .field("capacity", &self.capacity)
            .field("stats", &self.stats())
            .finish()
    }
}

impl<R: ReadAt> Pager<R> {
    /// A pager with the default page size and capacity.
    pub fn new(inner: R) -> Pager<R> {
        Pager::with_capacity(inner, DEFAULT_PAGE_SIZE, DEFAULT_CAPACITY)
    }

    /// A pager holding at most `capacity` pages of `page_size` bytes.
    pub fn with_capacity(inner: R, page_size: usize, capacity: usize) -> Pager<R> {
        Pager {
            inner,
            page_size: page_size.max(512),
            capacity: capacity.max(1),
            cache: Mutex::new(Cache::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            bypassed: AtomicU64::new(0),
        }
    }

    pub fn inner(&self) -> &R {
        &self.inner
    }

    pub fn stats(&self) -> PagerStats {
        let resident = self.cache.lock().map(|c| c.pages.len()).unwrap_or(0);
        PagerStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            bypassed: self.bypassed.load(Ordering::Relaxed),
            resident,
        }
    }

    fn page(&self, index: u64) -> Result<Arc<[u8]>> {
        if let Ok(mut cache) = self.cache.lock() {
            cache.clock += 1;
            let now = cache.clock;
            if let Some(page) = cache.pages.get_mut(&index) {
                page.last_used = now;
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(page.bytes.clone());
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let start = index * self.page_size as u64;
        let len = (self.inner.len().saturating_sub(start)).min(self.page_size as u64) as usize;
        let mut bytes = vec![0; len];
        self.inner.read_exact_at(start, &mut bytes)?;
        let bytes: Arc<[u8]> = bytes.into();
        if let Ok(mut cache) = self.cache.lock() {
            if cache.pages.len() >= self.capacity {
                let oldest = cache
                    .pages
                    .iter()
                    .min_by_key(|(_, page)| page.last_used)
                    .map(|(key, _)| *key);
                if let Some(oldest) = oldest {
                    cache.pages.remove(&oldest);
                }
            }
            let last_used = cache.clock;
            cache.pages.insert(
                index,
                Page {
                    bytes: bytes.clone(),
                    last_used,
                },
            );
        }
        Ok(bytes)
    }
}

impl<R: ReadAt> ReadAt for Pager<R> {
    fn len(&self) -> u64 {
        self.inner.len()
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let len = self.inner.len();
        if offset >= len || buf.is_empty() {
            return Ok(0);
        }
        let want = (len - offset).min(buf.len() as u64) as usize;
        // Streaming reads (verification, extraction) would only churn the cache.
        if want >= self.page_size * 4 {
            self.bypassed.fetch_add(1, Ordering::Relaxed);
            return self
                .inner
                .read_at(offset, buf.get_mut(..want).unwrap_or_default());
        }
        let page_size = self.page_size as u64;
        let mut done = 0usize;
        while done < want {
            let at = offset + done as u64;
            let page = self.page(at / page_size)?;
            let within = (at % page_size) as usize;
            let src = page.get(within..).unwrap_or_default();
            let n = src.len().min(want - done);
            if n == 0 {
                break;
            }
            if let (Some(dst), Some(src)) = (buf.get_mut(done..done + n), src.get(..n)) {
                dst.copy_from_slice(src);
            }
            done += n;
        }
        Ok(done)
    }

    fn name(&self) -> String {
        self.inner.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::MemorySource;

    #[test]
    fn reads_across_pages_and_evicts() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let pager = Pager::with_capacity(MemorySource::new(data.clone(), "m"), 512, 2);
        let mut buf = vec![0; 1500];
        pager.read_exact_at(400, &mut buf).unwrap();
        assert_eq!(buf, data[400..1900]);
        let stats = pager.stats();
        assert_eq!(stats.misses, 4);
        assert!(stats.resident <= 2);
        let mut one = [0u8; 1];
        pager.read_exact_at(1800, &mut one).unwrap();
        assert_eq!(pager.stats().hits, 1);
        assert_eq!(one[0], data[1800]);
        let mut tail = vec![0; 100];
        assert_eq!(pager.read_at(9_950, &mut tail).unwrap(), 50);
        assert!(pager.read_exact_at(9_950, &mut tail).is_err());
    }
}
