//! FAT as views of a medium, for the probe list: a disk's partitions (or
//! the whole disk), an ISO's hybrid system-area partitions, and FAT images
//! stored as files of another view (El Torito floppy images, EFI images).

use std::sync::Arc;

use crate::fs::probe::{Options, View};
use crate::fs::{Filesystem, NodeKind};
use crate::medium::{Medium, MediumKind};
use crate::partition::probe::{Found, probe};
use crate::volume::{BLOCK, Volume};

/// Nested images larger than this are not probed (a FAT image in an ISO is
/// a floppy or an EFI partition, a few MiB).
const NESTED_LIMIT: u64 = 256 << 20;

/// FAT views on the medium itself: the disk, or its partitions.
pub fn views(medium: &Arc<Medium>, _options: &Options) -> Vec<View> {
    let volume = match medium.kind {
        MediumKind::Disk => Volume::of_disk(Arc::clone(medium)),
        MediumKind::Optical => match medium.tracks.iter().position(|t| !t.is_audio()) {
            Some(track) => Volume::of_track(Arc::clone(medium), track),
            None => return Vec::new(),
        },
    };
    let Ok(volume) = volume else {
        return Vec::new();
    };
    probe(&volume).found.into_iter().map(view_of).collect()
}

fn view_of(found: Found) -> View {
    let start = found.start().0;
    let size_bytes = crate::io::ReadAt::len(&found.volume);
    let partition = found.partition.as_ref().map(|p| p.index);
    let fs: Arc<dyn Filesystem> = Arc::from(found.fs);
    View {
        kind: fs.kind(),
        label: fs.label(),
        track: None,
        partition,
        start,
        size_bytes,
        fs,
    }
}

/// FAT images stored as files of the given views (El Torito boot images and
/// the files of the other views' root and first-level folders).
pub fn nested(medium: &Arc<Medium>, outer: &[View]) -> Vec<View> {
    let block = match medium.kind {
        MediumKind::Disk => u64::from(medium.sector_size),
        MediumKind::Optical => BLOCK,
    };
    let mut found = Vec::new();
    let mut seen_starts = std::collections::HashSet::new();
    for view in outer.iter().filter(|v| v.kind == "eltorito") {
        let Ok(root) = view.fs.root() else { continue };
        let Ok(children) = view.fs.children(&root) else {
            continue;
        };
        for node in children
            .into_iter()
            .filter(|n| n.kind == NodeKind::File && n.size <= NESTED_LIMIT)
        {
            let start = node.extents.first().map(|e| e.lba.0);
            let Some(Ok(fat)) =
                super::nested::probe_file(Arc::clone(&view.fs), node.clone(), block)
            else {
                continue;
            };
            if !seen_starts.insert(start) {
                continue;
            }
            let fs: Arc<dyn Filesystem> = Arc::new(fat);
            found.push(View {
                kind: fs.kind(),
                label: fs.label(),
                track: view.track,
                partition: None,
                start: start.unwrap_or(view.start),
                size_bytes: node.size,
                fs,
            });
        }
    }
    found
}
