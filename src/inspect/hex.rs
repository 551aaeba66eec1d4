//! The hex view model: the current sector with every byte's field, and rows
//! built only for the lines on screen.

use crate::medium::{Medium, MediumKind, Origin, TrackMode};
use crate::units::Lba;

/// What part of a sector a byte belongs to; the theme colours by this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldKind {
    Sync,
    Header,
    Subheader,
    UserData,
    Edc,
    Zero,
    EccP,
    EccQ,
    Audio,
    Data,
}

/// A named byte range of a sector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSpan {
    pub name: &'static str,
    pub kind: FieldKind,
    pub start: usize,
    pub len: usize,
}

impl FieldSpan {
    pub fn contains(&self, offset: usize) -> bool {
        offset >= self.start && offset < self.start + self.len
    }
}

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
    pub fields: Vec<FieldSpan>,
    pub error: Option<String>,
}

impl SectorView {
    /// Reads and classifies the sector at `lba`.
    pub fn load(medium: &Medium, lba: Lba) -> SectorView {
        match medium.read_sector(lba) {
            Ok(sector) => {
                let mode = sector
                    .track
                    .and_then(|t| medium.tracks.get(t))
                    .map(|t| t.mode);
                let fields = fields_of(medium.kind, mode, &sector.bytes);
                let file_offset = match sector.origin {
                    Origin::File { offset, .. } => Some(offset),
                    Origin::Virtual(_) => None,
                };
                SectorView {
                    lba,
                    origin: medium.describe_origin(&sector.origin),
                    bytes: sector.bytes,
                    track: sector.track,
                    mode,
                    file_offset,
                    fields,
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
                fields: Vec::new(),
                error: Some(error.to_string()),
            },
        }
    }

    /// The field holding byte `offset`.
    pub fn field_at(&self, offset: usize) -> Option<&FieldSpan> {
        self.fields.iter().find(|f| f.contains(offset))
    }

    /// The user-data range (for the `v` view).
    pub fn user_data(&self) -> std::ops::Range<usize> {
        self.fields
            .iter()
            .find(|f| {
                matches!(
                    f.kind,
                    FieldKind::UserData | FieldKind::Audio | FieldKind::Data
                )
            })
            .map_or(0..self.bytes.len(), |f| f.start..f.start + f.len)
    }
}

/// The fields of a stored sector, from its track mode and (for mode 2) its
/// submode byte.
pub fn fields_of(kind: MediumKind, mode: Option<TrackMode>, bytes: &[u8]) -> Vec<FieldSpan> {
    let span = |name, kind, start, len| FieldSpan {
        name,
        kind,
        start,
        len,
    };
    let len = bytes.len();
    match (kind, mode) {
        (MediumKind::Disk, _) | (_, None) => vec![span("data", FieldKind::Data, 0, len)],
        (_, Some(TrackMode::Audio | TrackMode::Cdg)) => {
            vec![span("audio", FieldKind::Audio, 0, len)]
        }
        (_, Some(TrackMode::Mode1_2048 | TrackMode::Mode2_2048 | TrackMode::Mode2_2324)) => {
            vec![span("user_data", FieldKind::UserData, 0, len)]
        }
        (_, Some(TrackMode::Mode1_2352)) => vec![
            span("sync", FieldKind::Sync, 0, 12),
            span("header", FieldKind::Header, 12, 4),
            span("user_data", FieldKind::UserData, 16, 2048),
            span("edc", FieldKind::Edc, 2064, 4),
            span("zero", FieldKind::Zero, 2068, 8),
            span("ecc_p", FieldKind::EccP, 2076, 172),
            span("ecc_q", FieldKind::EccQ, 2248, 104),
        ],
        (
            _,
            Some(
                mode @ (TrackMode::Mode2_2352
                | TrackMode::Cdi2352
                | TrackMode::Mode2_2336
                | TrackMode::Cdi2336),
            ),
        ) => {
            // Without sync and header, everything sits 16 bytes earlier.
            let shift = if mode.has_sync() { 0 } else { 16 };
            let at = |offset: usize| offset - shift;
            let submode = bytes.get(at(18)).copied().unwrap_or(0);
            let mut fields = Vec::new();
            if shift == 0 {
                fields.push(span("sync", FieldKind::Sync, 0, 12));
                fields.push(span("header", FieldKind::Header, 12, 4));
            }
            fields.push(span("subheader", FieldKind::Subheader, at(16), 8));
            if submode & 0x20 == 0 {
                fields.push(span("user_data", FieldKind::UserData, at(24), 2048));
                fields.push(span("edc", FieldKind::Edc, at(2072), 4));
                fields.push(span("ecc_p", FieldKind::EccP, at(2076), 172));
                fields.push(span("ecc_q", FieldKind::EccQ, at(2248), 104));
            } else {
                fields.push(span("user_data", FieldKind::UserData, at(24), 2324));
                fields.push(span("edc", FieldKind::Edc, at(2348), 4));
            }
            fields
        }
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
