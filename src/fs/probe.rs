//! Which filesystem views a medium holds, and which one to show by default.
//!
//! Each reader contributes one function to [`PROBES`]; adding a format is
//! one line there.

use std::sync::Arc;

use crate::fs::Filesystem;
use crate::medium::Medium;

/// Choices that change how views read names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Keep identifiers as recorded (`;1` versions, trailing dots).
    pub raw_names: bool,
}

/// One filesystem view of a medium.
#[derive(Clone, Debug)]
pub struct View {
    /// `iso9660`, `joliet`, `rockridge`, `eltorito`, `udf`, `fat12`, ...
    pub kind: &'static str,
    pub label: String,
    /// The track number it lives on (optical media).
    pub track: Option<u8>,
    /// The partition index it lives in (disks).
    pub partition: Option<u32>,
    /// Its first LBA.
    pub start: i64,
    pub size_bytes: u64,
    pub fs: Arc<dyn Filesystem>,
}

/// A probe: every view it finds on a medium.
pub type Probe = fn(&Arc<Medium>, &Options) -> Vec<View>;

/// Every probe, in order.
pub const PROBES: &[Probe] = &[super::iso9660::probe, super::fat::views::views];

/// Every view of a medium, then the FAT images nested in those views (El
/// Torito floppy and EFI images). A filesystem found twice at the same start
/// (an EFI image that is also a hybrid partition) is listed once.
pub fn views(medium: &Arc<Medium>, options: &Options) -> Vec<View> {
    let mut views: Vec<View> = PROBES
        .iter()
        .flat_map(|probe| probe(medium, options))
        .collect();
    let nested = super::fat::views::nested(medium, &views);
    views.extend(nested);
    let mut seen = std::collections::HashSet::new();
    views.retain(|v| seen.insert((v.kind, v.start)));
    views
}

/// Lower is richer: the default view is the richest one found.
pub fn rank(kind: &str) -> u8 {
    match kind {
        "udf" => 0,
        "rockridge" => 1,
        "joliet" => 2,
        "iso9660" => 3,
        "eltorito" => 9,
        _ => 5,
    }
}

/// The view shown without `--fs`.
pub fn default_view(views: &[View]) -> Option<&View> {
    views.iter().min_by_key(|v| rank(v.kind))
}

/// The view named by `--fs` (`iso9660`, `iso`, `plain`, `joliet`, `rr`, ...).
pub fn named<'a>(views: &'a [View], name: &str) -> Option<&'a View> {
    let name = name.to_ascii_lowercase();
    let want = match name.as_str() {
        "iso" | "plain" | "iso9660" => "iso9660",
        "rr" | "rockridge" | "rock-ridge" => "rockridge",
        "boot" | "eltorito" | "el-torito" => "eltorito",
        other => other,
    };
    views.iter().find(|v| v.kind == want)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn richest_view_is_the_default_and_names_have_aliases() {
        assert!(rank("udf") < rank("rockridge"));
        assert!(rank("rockridge") < rank("joliet"));
        assert!(rank("joliet") < rank("iso9660"));
        assert!(rank("fat12") < rank("eltorito"));
        assert_eq!(default_view(&[]).map(|v| v.kind), None);
    }
}
