//! A regular file read by position (`pread`), never loaded whole.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::ReadAt;
use crate::error::{Error, Result};

/// A read-only file, read with positional reads so threads can share it.
#[derive(Debug)]
pub struct FileSource {
    file: File,
    path: PathBuf,
    len: u64,
}

impl FileSource {
    /// Opens `path` read-only. Only regular files are accepted: a device, a
    /// FIFO or a directory is refused before it is read.
    pub fn open(path: &Path) -> Result<FileSource> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Err(Error::image(path, describe_non_regular(&meta)));
        }
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        // Check the opened handle too: the path may have been swapped.
        let len = file.metadata().map_err(|e| Error::io(path, e))?;
        if !len.is_file() {
            return Err(Error::image(path, describe_non_regular(&len)));
        }
        Ok(FileSource {
            file,
            path: path.to_owned(),
            len: len.len(),
        })
    }

    /// The path the file was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Says what kind of non-regular file a path names.
pub fn describe_non_regular(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_dir() {
        "is a directory, not an image file"
    } else if kind.is_fifo() {
        "is a FIFO, not a regular file"
    } else if kind.is_char_device() || kind.is_block_device() {
        "is a device, not a regular file"
    } else if kind.is_socket() {
        "is a socket, not a regular file"
    } else {
        "is not a regular file"
    }
}

impl ReadAt for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        use std::os::unix::fs::FileExt;
        if offset >= self.len {
            return Ok(0);
        }
        loop {
            match self.file.read_at(buf, offset) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(&self.path, e)),
            }
        }
    }

    fn name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}
