//! Searching from the inspector: a new search from the current sector,
//! the last one again forward (`;`) or backward (`,`) from the cursor,
//! and the match shown and highlighted when the job reports it.

use super::{App, Effect, Match, ViewMode};
use crate::inspect::search::{Direction, Hit, Pattern};

impl App {
    /// Starts a search for `pattern`: a new one covers the current sector
    /// from its first byte; a repeat starts past (or before) the cursor.
    pub(super) fn start_search(
        &mut self,
        pattern: Pattern,
        direction: Direction,
        repeat: bool,
    ) -> Vec<Effect> {
        let at = repeat.then(|| self.shown_range().start + self.cursor);
        self.last_search = Some(pattern.clone());
        vec![
            Effect::CancelSearch,
            Effect::Search {
                pattern,
                from: (self.lba, at),
                direction,
            },
        ]
    }

    /// `;` and `,`: the last search again.
    pub(super) fn search_again(&mut self, forward: bool) -> Vec<Effect> {
        let Some(pattern) = self.last_search.clone() else {
            self.message = Some("no search yet: / searches".into());
            return Vec::new();
        };
        let direction = if forward {
            Direction::Forward
        } else {
            Direction::Backward
        };
        self.start_search(pattern, direction, true)
    }

    /// A search's answer: the match shown, or why there is none.
    pub(super) fn search_done(
        &mut self,
        pattern: &Pattern,
        direction: Direction,
        hit: Option<Hit>,
    ) {
        let Some(hit) = hit else {
            self.message = Some(format!("`{}` not found", pattern.text));
            return;
        };
        self.go_to(hit.lba);
        self.view = ViewMode::Raw;
        self.cursor = hit.offset;
        let again = self
            .found
            .is_some_and(|f| f.lba == hit.lba && f.offset == hit.offset);
        let wrapped = match (hit.wrapped, direction) {
            (false, _) => "",
            (true, Direction::Forward) => " (wrapped past the end to the start)",
            (true, Direction::Backward) => " (wrapped past the start to the end)",
        };
        self.message = Some(if again && hit.wrapped {
            format!(
                "`{}` occurs only here: sector {}, byte {:#x}",
                pattern.text, hit.lba, hit.offset
            )
        } else {
            format!(
                "found `{}` at sector {}, byte {:#x}{wrapped}",
                pattern.text, hit.lba, hit.offset
            )
        });
        self.found = Some(Match {
            lba: hit.lba,
            offset: hit.offset,
            len: pattern.bytes.len(),
        });
    }

    /// Whether byte `offset` of the shown sector is part of the match.
    pub fn in_match(&self, offset: usize) -> bool {
        let Some(found) = self.found else {
            return false;
        };
        let len = self.sector.bytes.len();
        if self.sector.lba == found.lba {
            return (found.offset..found.offset + found.len).contains(&offset);
        }
        // The part of a match that runs on into the next sector.
        let spill = (found.offset + found.len).saturating_sub(len);
        self.sector.lba.0 == found.lba.0 + 1 && offset < spill
    }
}
