//! Byte sources: the [`ReadAt`] trait, files read by position, memory, and
//! the [`Pager`] that caches fixed-size pages in a bounded LRU.
//!
//! No code path reads a whole image or maps it whole: everything above this
//! layer asks for the bytes it needs, where it needs them.

mod file;
mod memory;
mod pager;

pub use file::{FileSource, describe_non_regular};
pub use memory::MemorySource;
pub use pager::{Pager, PagerStats};

use std::sync::Arc;

use crate::budget::Budget;
use crate::error::{Error, Result};

/// Random-access, read-only bytes. Shared between threads, so `&self`.
pub trait ReadAt: Send + Sync {
    /// Size in bytes.
    fn len(&self) -> u64;

    /// Whether the source holds no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads up to `buf.len()` bytes at `offset`; returns how many were read
    /// (fewer only at the end of the source).
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize>;

    /// A short name for messages (a file name, "memory").
    fn name(&self) -> String;

    /// The work and memory budget of the image these bytes belong to,
    /// when they belong to one (a volume of a medium; see
    /// [`crate::budget`]). Readers draw on it for their walks and caches.
    fn budget(&self) -> Option<&Arc<Budget>> {
        None
    }

    /// Reads exactly `buf.len()` bytes at `offset` or fails naming the source.
    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        let mut done = 0;
        while done < buf.len() {
            let at = offset
                .checked_add(done as u64)
                .ok_or_else(|| self.short(offset, buf.len()))?;
            let rest = buf.get_mut(done..).unwrap_or_default();
            let n = self.read_at(at, rest)?;
            if n == 0 {
                return Err(self.short(offset, buf.len()));
            }
            done += n;
        }
        Ok(())
    }

    /// Reads `len` bytes at `offset` into a new buffer; the length is checked
    /// against the source first, so a hostile claim cannot allocate more than
    /// the bytes that exist.
    fn read_vec(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        let end = offset.checked_add(len as u64);
        if end.is_none_or(|end| end > self.len()) {
            return Err(self.short(offset, len));
        }
        let mut buf = vec![0; len];
        self.read_exact_at(offset, &mut buf)?;
        Ok(buf)
    }

    #[doc(hidden)]
    fn short(&self, offset: u64, len: usize) -> Error {
        Error::ShortRead {
            source_name: self.name(),
            offset,
            len,
            size: self.len(),
        }
    }
}

/// Pointers to a source are sources too.
macro_rules! forward {
    ($($pointer:ty),*) => {$(
        impl<T: ReadAt + ?Sized> ReadAt for $pointer {
            fn len(&self) -> u64 {
                (**self).len()
            }
            fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
                (**self).read_at(offset, buf)
            }
            fn name(&self) -> String {
                (**self).name()
            }
            fn budget(&self) -> Option<&Arc<Budget>> {
                (**self).budget()
            }
        }
    )*};
}

forward!(std::sync::Arc<T>, &T);

/// A window `[start, start + len)` of another source, itself a source.
#[derive(Debug, Clone)]
pub struct Slice<R> {
    inner: R,
    start: u64,
    len: u64,
}

impl<R: ReadAt> Slice<R> {
    /// The window, clamped to the bytes the inner source has.
    pub fn new(inner: R, start: u64, len: u64) -> Slice<R> {
        let available = inner.len().saturating_sub(start);
        Slice {
            inner,
            start,
            len: len.min(available),
        }
    }
}

impl<R: ReadAt> ReadAt for Slice<R> {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        if offset >= self.len {
            return Ok(0);
        }
        let want = (self.len - offset).min(buf.len() as u64) as usize;
        let part = buf.get_mut(..want).unwrap_or_default();
        self.inner.read_at(self.start + offset, part)
    }
    fn name(&self) -> String {
        self.inner.name()
    }
    fn budget(&self) -> Option<&Arc<Budget>> {
        self.inner.budget()
    }
}
