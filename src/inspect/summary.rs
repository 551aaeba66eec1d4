//! The disc summary behind `info` and `tracks`, shaped as CLI.md's JSON.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fs::{FsKind, View};
use crate::medium::{Format, Medium, Track};
use crate::survey::Survey;
use crate::units::Lba;

/// `info --json`.
#[derive(Debug, Serialize)]
pub struct Info {
    pub path: String,
    pub format: Format,
    pub sector_size: u32,
    pub sector_count: u64,
    pub size_bytes: u64,
    pub catalog: Option<String>,
    pub sessions: Vec<SessionInfo>,
    pub tracks: Vec<TrackInfo>,
    pub partitions: Vec<PartitionInfo>,
    /// The second table's partitions on the same disk: a hybrid MBR's
    /// entries beside a GPT, an Apple Partition Map beside an MBR, or a GPT
    /// that an MBR without a protective entry overrules (a finding says
    /// which).
    pub secondary_partitions: Vec<PartitionInfo>,
    pub filesystems: Vec<FilesystemInfo>,
    pub cd_text: Vec<CdTextField>,
    pub rem: Vec<String>,
    pub diagnostics: Vec<DiagnosticInfo>,
}

#[derive(Debug, Serialize)]
pub struct SessionInfo {
    pub number: u8,
    pub first_track: u8,
    pub last_track: u8,
}

/// One track, as `tracks --json` and `info --json` give it.
#[derive(Debug, Serialize)]
pub struct TrackInfo {
    pub number: u8,
    pub session: u8,
    pub mode: &'static str,
    pub kind: &'static str,
    pub start: Lba,
    pub msf: Option<String>,
    pub pregap: u64,
    pub pregap_in_file: bool,
    pub length: u64,
    pub postgap: u64,
    pub indexes: Vec<IndexInfo>,
    pub file: Option<String>,
    pub file_offset: Option<u64>,
    pub sector_size: u32,
    pub flags: Vec<&'static str>,
    pub isrc: Option<String>,
    pub cd_text: Vec<CdTextField>,
}

#[derive(Debug, Serialize)]
pub struct IndexInfo {
    pub number: u8,
    pub lba: Lba,
}

#[derive(Debug, Serialize)]
pub struct CdTextField {
    pub field: String,
    pub value: String,
}

/// A partition (filled in by the partition-table readers).
#[derive(Debug, Serialize)]
pub struct PartitionInfo {
    pub index: u32,
    pub scheme: &'static str,
    #[serde(rename = "type")]
    pub kind: String,
    /// The type's common name ("FAT32 (LBA)", "EFI System"), when known.
    pub type_name: Option<&'static str>,
    pub name: Option<String>,
    pub start: i64,
    pub length: u64,
    pub bootable: bool,
}

/// A filesystem view (filled in by the filesystem readers).
#[derive(Debug, Serialize)]
pub struct FilesystemInfo {
    pub kind: FsKind,
    pub label: String,
    pub track: Option<u8>,
    pub partition: Option<u32>,
    pub start: Lba,
    pub size_bytes: u64,
    /// Facts about the volume as a whole (UDF: revisions, implementation,
    /// volume set, block size), a JSON object in the order found.
    pub details: Details,
}

/// A view's [`crate::fs::Detail`]s, serialized as one JSON object.
#[derive(Debug, Default)]
pub struct Details(pub Vec<crate::fs::Detail>);

impl Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for d in &self.0 {
            map.serialize_entry(d.key, &d.value)?;
        }
        map.end()
    }
}

/// The views the survey found, for `info`.
fn filesystems(views: &[View]) -> Vec<FilesystemInfo> {
    views
        .iter()
        .map(|v| FilesystemInfo {
            kind: v.kind,
            label: v.label.clone(),
            track: v.track,
            partition: v.partition,
            start: v.start,
            size_bytes: v.size_bytes,
            details: Details(v.fs.details()),
        })
        .collect()
}

/// A diagnostic as JSON: CLI.md's DIAGNOSTIC.
#[derive(Debug, Serialize)]
pub struct DiagnosticInfo {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub lba: Option<Lba>,
    /// A byte offset in the image file (a container's own structures).
    pub offset: Option<u64>,
    pub suggestion: Option<String>,
    pub fix: Option<FixInfo>,
}

#[derive(Debug, Serialize)]
pub struct FixInfo {
    pub line: usize,
    pub replacement: String,
}

impl From<&Diagnostic> for DiagnosticInfo {
    fn from(d: &Diagnostic) -> DiagnosticInfo {
        DiagnosticInfo {
            severity: d.severity,
            code: d.code,
            message: d.message.clone(),
            line: d.line(),
            column: d.column(),
            lba: match d.location {
                crate::diagnostic::Location::Sector(lba) => Some(lba),
                _ => None,
            },
            offset: match d.location {
                crate::diagnostic::Location::Offset(at) => Some(at),
                _ => None,
            },
            suggestion: d.suggestion.clone(),
            fix: d.fix.as_ref().map(|f| FixInfo {
                line: f.line,
                replacement: f.replacement.clone(),
            }),
        }
    }
}

/// `tracks --json`.
#[derive(Debug, Serialize)]
pub struct Tracks {
    pub tracks: Vec<TrackInfo>,
}

fn cd_text(fields: &crate::medium::CdText) -> Vec<CdTextField> {
    fields
        .fields
        .iter()
        .map(|(field, value)| CdTextField {
            field: field.clone(),
            value: value.clone(),
        })
        .collect()
}

/// The summary of one track.
pub fn track_info(medium: &Medium, track: &Track) -> TrackInfo {
    TrackInfo {
        number: track.number,
        session: track.session,
        mode: track.mode.cue_name(),
        kind: track.kind(),
        start: track.start,
        msf: track.start.to_msf().map(|m| m.to_string()),
        pregap: track.pregap,
        pregap_in_file: track.pregap_in_file,
        length: track.length,
        postgap: track.postgap,
        indexes: track
            .indexes
            .iter()
            .map(|i| IndexInfo {
                number: i.number,
                lba: i.lba,
            })
            .collect(),
        file: track
            .file
            .and_then(|f| medium.files.get(f))
            .map(|f| f.name.clone()),
        file_offset: track.file_offset,
        sector_size: track.mode.sector_size(),
        flags: track.flags.names(),
        isrc: track.isrc.clone(),
        cd_text: cd_text(&track.cd_text),
    }
}

/// The track table.
pub fn tracks(medium: &Medium) -> Tracks {
    Tracks {
        tracks: medium
            .tracks
            .iter()
            .map(|t| track_info(medium, t))
            .collect(),
    }
}

/// Partitions of a disk, or of an optical image's system area.
fn partitions(list: &[crate::partition::Partition]) -> Vec<PartitionInfo> {
    list.iter()
        .map(|p| PartitionInfo {
            index: p.index,
            scheme: p.scheme.as_str(),
            kind: p.type_text(),
            type_name: p.type_name,
            name: p.name.clone(),
            start: i64::try_from(p.start).unwrap_or(i64::MAX),
            length: p.length,
            bootable: p.bootable,
        })
        .collect()
}

/// The whole summary of a surveyed medium.
pub fn info(survey: &Survey) -> Info {
    let medium = survey.medium.as_ref();
    Info {
        path: medium.path.display().to_string(),
        format: medium.format,
        sector_size: medium.sector_size,
        sector_count: medium.sector_count(),
        size_bytes: medium.files.iter().map(|f| f.reader.len()).sum(),
        catalog: medium.catalog.clone(),
        sessions: medium
            .sessions
            .iter()
            .map(|s| SessionInfo {
                number: s.number,
                first_track: s.first_track,
                last_track: s.last_track,
            })
            .collect(),
        tracks: tracks(medium).tracks,
        partitions: partitions(survey.table.as_ref().map_or(&[], |t| &t.partitions)),
        secondary_partitions: partitions(survey.table.as_ref().map_or(&[], |t| &t.hybrid)),
        filesystems: filesystems(&survey.views),
        cd_text: cd_text(&medium.cd_text),
        rem: medium.rem.clone(),
        diagnostics: survey
            .all_diagnostics()
            .iter()
            .map(DiagnosticInfo::from)
            .collect(),
    }
}
