//! The disc map: the whole address space as a grid of cells, each coloured
//! by what its sectors are. Built from the extent map alone, without reading
//! sectors, so it is instant on any image size.

use crate::medium::{ExtentData, Medium, MediumKind, TrackMode};
use crate::units::Lba;

/// What most of a cell's sectors are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CellKind {
    Mode1,
    Mode2,
    Cooked,
    Audio,
    /// Not stored by the image (pregap, postgap, session gap).
    Unstored,
    Disk,
    /// Verification found a bad sector in the cell.
    Bad,
}

/// The grid: `cells[i]` covers sectors `first + i * per_cell ..`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscMap {
    pub first: Lba,
    pub per_cell: u64,
    pub cells: Vec<CellKind>,
}

impl DiscMap {
    /// A map of at most `max_cells` cells.
    pub fn build(medium: &Medium, max_cells: usize) -> DiscMap {
        let total = medium.sector_count().max(1);
        let max_cells = max_cells.max(1) as u64;
        let per_cell = total.div_ceil(max_cells).max(1);
        let count = total.div_ceil(per_cell);
        let first = medium.first_lba();
        let cells = (0..count)
            .map(|i| {
                let lba = Lba(first.0 + i64::try_from(i * per_cell).unwrap_or(0));
                kind_at(medium, lba)
            })
            .collect();
        DiscMap {
            first,
            per_cell,
            cells,
        }
    }

    /// The first sector of a cell.
    pub fn lba_of(&self, cell: usize) -> Lba {
        Lba(self.first.0 + i64::try_from(cell as u64 * self.per_cell).unwrap_or(0))
    }

    /// The cell holding a sector.
    pub fn cell_of(&self, lba: Lba) -> usize {
        usize::try_from(u64::try_from(lba.0 - self.first.0).unwrap_or(0) / self.per_cell)
            .unwrap_or(0)
    }

    /// Marks the cells holding these sectors as bad.
    pub fn mark_bad(&mut self, bad: impl IntoIterator<Item = Lba>) {
        for lba in bad {
            let cell = self.cell_of(lba);
            if let Some(kind) = self.cells.get_mut(cell) {
                *kind = CellKind::Bad;
            }
        }
    }
}

fn kind_at(medium: &Medium, lba: Lba) -> CellKind {
    if medium.kind == MediumKind::Disk {
        return CellKind::Disk;
    }
    let Some(extent) = medium.extent_at(lba) else {
        return CellKind::Unstored;
    };
    if let ExtentData::Zero(_) = extent.data {
        return CellKind::Unstored;
    }
    match extent
        .track
        .and_then(|t| medium.tracks.get(t))
        .map(|t| t.mode)
    {
        Some(TrackMode::Audio | TrackMode::Cdg) => CellKind::Audio,
        Some(TrackMode::Mode1_2352) => CellKind::Mode1,
        Some(TrackMode::Mode1_2048 | TrackMode::Mode2_2048 | TrackMode::Mode2_2324) => {
            CellKind::Cooked
        }
        Some(_) => CellKind::Mode2,
        None => CellKind::Unstored,
    }
}
