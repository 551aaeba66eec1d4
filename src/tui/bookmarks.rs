//! Bookmarks: bytes the user marked, kept per image in the user's state
//! folder (`$XDG_STATE_HOME/discscope`, else `~/.local/state/discscope`)
//! so they are there the next time the image is opened.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::units::Lba;

/// Most bookmarks kept per image (and read back from a state file).
pub const MAX_MARKS: usize = 1000;

/// One marked byte: the sector, the byte in the stored sector, and what
/// was there when it was marked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bookmark {
    pub lba: i64,
    pub byte: usize,
    pub label: String,
}

impl Bookmark {
    pub fn lba(&self) -> Lba {
        Lba(self.lba)
    }
}

/// The file a state file holds.
#[derive(Serialize, Deserialize)]
struct Stored {
    image: PathBuf,
    marks: Vec<Bookmark>,
}

/// The user's state folder for discscope, if there is a home to put it in.
pub fn state_folder() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        Some(state) => PathBuf::from(state),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".local/state"),
    };
    Some(base.join("discscope"))
}

/// Where an image's bookmarks are kept: one file per image in the state
/// folder, named by a hash of the image's full path (names alone collide;
/// paths may hold anything), which the file also records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    pub file: PathBuf,
    image: PathBuf,
}

impl Store {
    /// The store for an image under `folder` (see `state_folder`).
    pub fn locate(folder: &Path, image: &Path) -> Store {
        let image = std::fs::canonicalize(image).unwrap_or_else(|_| image.to_path_buf());
        let crc = crc::Crc::<u64>::new(&crc::CRC_64_XZ);
        let hash = crc.checksum(image.as_os_str().as_encoded_bytes());
        Store {
            file: folder.join("bookmarks").join(format!("{hash:016x}.json")),
            image,
        }
    }

    /// The image's bookmarks; none when there is no file, or it is
    /// unreadable or for another image (a hash collision).
    pub fn load(&self) -> Vec<Bookmark> {
        let Ok(text) = std::fs::read_to_string(&self.file) else {
            return Vec::new();
        };
        match serde_json::from_str::<Stored>(&text) {
            Ok(stored) if stored.image == self.image => {
                let mut marks = stored.marks;
                marks.truncate(MAX_MARKS);
                marks
            }
            _ => Vec::new(),
        }
    }

    /// The file's contents for these bookmarks.
    pub fn contents(&self, marks: &[Bookmark]) -> Vec<u8> {
        let stored = Stored {
            image: self.image.clone(),
            marks: marks.to_vec(),
        };
        serde_json::to_vec_pretty(&stored).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_another_image() {
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("a.iso");
        std::fs::write(&image, b"x").unwrap();
        let store = Store::locate(dir.path(), &image);
        let file = store.file.clone();
        let marks = vec![Bookmark {
            lba: 16,
            byte: 1,
            label: "Primary volume descriptor".into(),
        }];
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, store.contents(&marks)).unwrap();
        assert_eq!(store.load(), marks);
        let other = dir.path().join("b.iso");
        std::fs::write(&other, b"y").unwrap();
        let elsewhere = Store::locate(dir.path(), &other);
        std::fs::copy(&file, &elsewhere.file).unwrap();
        assert!(
            elsewhere.load().is_empty(),
            "a file for another image is ignored"
        );
        std::fs::write(&file, b"not json").unwrap();
        assert!(store.load().is_empty());
    }
}
