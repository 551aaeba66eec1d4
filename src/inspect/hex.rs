//! The hex view model: the current sector judged once per move, with every
//! byte's field from the sector layout table, and rows built only for the
//! lines on screen.

use crate::medium::{Medium, Origin, TrackMode};
use crate::sector::{self, FieldKind, SectorField, Verdict};
use crate::units::Lba;

/// The sector under the cursor, loaded once per move.
#[derive(Clone, Debug)]
pub struct SectorView {
    pub lba: Lba,
    pub bytes: Vec<u8>,
    pub track: Option<usize>,
    pub mode: Option<TrackMode>,
    pub origin: String,
    /// Byte offset of the sector in its image file, when stored.
    pub file_offset: Option<u64>,
    /// Layout, decoded header and subheader, EDC and ECC checks.
    pub verdict: Option<Verdict>,
    pub error: Option<String>,
}

impl SectorView {
    /// Reads and judges the sector at `lba`.
    pub fn load(medium: &Medium, lba: Lba) -> SectorView {
        match medium.read_sector(lba) {
            Ok(read) => {
                let mode = read
                    .track
                    .and_then(|t| medium.tracks.get(t))
                    .map(|t| t.mode);
                let verdict = sector::judge_sector(medium, &read);
                let file_offset = match read.origin {
                    Origin::File { offset, .. } => Some(offset),
                    Origin::Virtual(_) => None,
                };
                SectorView {
                    lba,
                    origin: medium.describe_origin(&read.origin),
                    bytes: read.bytes,
                    track: read.track,
                    mode,
                    file_offset,
                    verdict: Some(verdict),
                    error: None,
                }
            }
            Err(error) => SectorView {
                lba,
                bytes: Vec::new(),
                track: None,
                mode: None,
                origin: String::new(),
                file_offset: None,
                verdict: None,
                error: Some(error.to_string()),
            },
        }
    }

    /// The field holding byte `offset` of the stored sector.
    pub fn field_at(&self, offset: usize) -> Option<SectorField> {
        self.verdict.as_ref()?.layout.field_at(offset)
    }

    /// The user-data range (for the `v` view).
    pub fn user_data(&self) -> std::ops::Range<usize> {
        let layout = self.verdict.as_ref().map(|v| &v.layout);
        [FieldKind::UserData, FieldKind::Audio, FieldKind::Data]
            .into_iter()
            .find_map(|kind| layout?.range(kind))
            .unwrap_or(0..self.bytes.len())
    }
}

/// One line of the hex view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexRow {
    /// Offset of the first byte within the sector.
    pub offset: usize,
    pub bytes: Vec<(u8, Option<FieldKind>)>,
}

/// Rows `first .. first + count` of `range` of the sector, `columns` bytes
/// each. Cost follows the screen, not the sector.
pub fn rows(
    view: &SectorView,
    range: std::ops::Range<usize>,
    columns: usize,
    first: usize,
    count: usize,
) -> Vec<HexRow> {
    let columns = columns.max(1);
    let data = view.bytes.get(range.clone()).unwrap_or_default();
    data.chunks(columns)
        .enumerate()
        .skip(first)
        .take(count)
        .map(|(row, chunk)| {
            let offset = range.start + row * columns;
            HexRow {
                offset,
                bytes: chunk
                    .iter()
                    .enumerate()
                    .map(|(i, &b)| (b, view.field_at(offset + i).map(|f| f.kind)))
                    .collect(),
            }
        })
        .collect()
}
