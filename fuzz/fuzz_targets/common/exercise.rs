//! What every image fuzz target does with a medium that opened: read the
//! sectors around each track's edges, the subchannel there, every
//! structure's text, and survey it for filesystems.

use std::sync::Arc;

use discscope::medium::Medium;
use discscope::units::Lba;

pub fn medium(medium: Medium) {
    for structure in &medium.structures {
        for field in &structure.fields {
            let _ = field.text();
        }
    }
    let sub = discscope::subchannel::SubFile::of(&medium);
    for track in medium.tracks.iter().take(8) {
        for lba in [
            track.pregap_start(),
            track.start,
            Lba(track.end().0.saturating_sub(1)),
        ] {
            let _ = medium.read_sector(lba);
            if let Some(sub) = &sub {
                let _ = sub.q(lba);
            }
        }
    }
    let survey = discscope::survey::Survey::new(Arc::new(medium), &Default::default());
    let _ = survey.all_diagnostics();
}
