//! The library's error type. Every variant says where: a file, a sheet line,
//! a byte offset or an LBA.

use std::fmt;
use std::path::PathBuf;

use crate::units::Lba;

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, and where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An operating-system error on a named file.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A read that ran past the end of its source.
    #[error(
        "{source_name}: read of {len} bytes at offset {offset:#x} runs past the end ({size:#x} bytes)"
    )]
    ShortRead {
        source_name: String,
        offset: u64,
        len: usize,
        size: u64,
    },
    /// A cue sheet (or other text descriptor) that cannot be used, with its line.
    #[error("{}:{line}: {message}", path.display())]
    Sheet {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// An image whose content is not understood or is impossible.
    #[error("{}: {message}", path.display())]
    Image { path: PathBuf, message: String },
    /// A value inside an image that cannot be used: where, in which
    /// structure and field, what was expected and what was found.
    #[error("{structure} at {position}: {field} is {found}; expected {expected}")]
    Invalid {
        position: Position,
        structure: &'static str,
        field: &'static str,
        expected: String,
        found: String,
    },
    /// A path a view does not hold.
    #[error("{path}: no such file or directory in the {view} view")]
    NotFound { path: String, view: &'static str },
    /// A declared structure whose bytes end before one of its fields.
    #[error(
        "{structure}: {field} (bytes {offset}..{end}) lies past the end of the {available} bytes read",
        end = offset + length
    )]
    Truncated {
        structure: &'static str,
        field: &'static str,
        offset: usize,
        length: usize,
        available: usize,
    },
    /// An address outside the medium.
    /// `disc` when the medium has tracks (and so a pregap before them).
    #[error("{}", out_of_range(*lba, *first, *end, *disc))]
    OutOfRange {
        lba: i64,
        first: i64,
        end: i64,
        disc: bool,
    },
    /// A work or memory budget of the image ran out (see `budget`).
    #[error("the {budget} budget of {limit} is spent at {at} (raise it with --budget)")]
    Budget {
        budget: &'static str,
        limit: u64,
        at: String,
    },
    /// A request that makes no sense for this image.
    #[error("{0}")]
    Unsupported(String),
    /// A write stopped on request (Ctrl-C, the inspector's Esc); `left`
    /// says what stays on disk.
    #[error("cancelled: {left}")]
    Cancelled { left: &'static str },
}

/// Where in an image something is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// A byte offset (in the image file, or in a volume's user data).
    Byte(u64),
    Sector(Lba),
    /// A node of a B-tree (HFS), which lies wherever its file's extents put it.
    Node {
        tree: &'static str,
        node: u32,
    },
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Byte(at) => write!(f, "byte {at:#x}"),
            Position::Sector(lba) => write!(f, "sector {lba}"),
            Position::Node { tree, node } => write!(f, "{tree} B-tree node {node}"),
        }
    }
}

impl Error {
    /// A value that cannot be used, with where it is and what was expected.
    pub(crate) fn invalid(
        position: Position,
        structure: &'static str,
        field: &'static str,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Error {
        Error::Invalid {
            position,
            structure,
            field,
            expected: expected.into(),
            found: found.into(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn image(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::Image {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// One wording for an address outside the image, wherever it is typed; a
/// pregap address says why it is missing rather than only that it is.
fn out_of_range(lba: i64, first: i64, end: i64, disc: bool) -> String {
    let held = if end > first {
        format!("it holds sectors {first} to {}", end - 1)
    } else {
        "it holds no sectors".to_owned()
    };
    if disc && (-150..first).contains(&lba) {
        format!("sector {lba} is pregap this image does not store ({held})")
    } else {
        format!("sector {lba} is outside the image ({held})")
    }
}
