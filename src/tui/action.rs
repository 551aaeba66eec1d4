//! What the user (or a job) asks the application to do.

/// An intent, independent of the key that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    FocusNext,
    FocusPrev,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    NextSector,
    PrevSector,
    NextTrack,
    PrevTrack,
    Goto,
    Search,
    Open,
    ToggleView,
    /// Fold or unfold the selected tree row.
    Toggle,
    /// The last search again, forward or backward from the cursor.
    NextMatch,
    PrevMatch,
    /// Copy the sector out, annotated, for a bug report.
    Annotate,
    /// Mark (or unmark) the byte under the cursor.
    Bookmark,
    /// List the bookmarks.
    Bookmarks,
    /// Show (or hide) how the sector's own parity would repair it.
    Repair,
    Map,
    /// Write the selected track (tracks) or file (files) out, asking where.
    Export,
    Owner,
    NextError,
    PrevError,
    Cancel,
    /// A left click at a screen cell.
    Click {
        column: u16,
        row: u16,
    },
}
