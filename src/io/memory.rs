//! Bytes held in memory: tests, fuzzing, the demo disc, decompressed `.imz`.

use super::ReadAt;
use crate::error::Result;

/// An in-memory source.
#[derive(Debug, Clone)]
pub struct MemorySource {
    bytes: std::sync::Arc<[u8]>,
    name: String,
}

impl MemorySource {
    pub fn new(bytes: impl Into<std::sync::Arc<[u8]>>, name: impl Into<String>) -> MemorySource {
        MemorySource {
            bytes: bytes.into(),
            name: name.into(),
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl ReadAt for MemorySource {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let Ok(start) = usize::try_from(offset) else {
            return Ok(0);
        };
        let available = self.bytes.get(start..).unwrap_or_default();
        let n = available.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        Ok(n)
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}
