//! Results from background jobs: search hits, verification, the owner index
//! and the sheet check.

use super::{App, ViewMode};
use crate::inspect::search::Hit;
use crate::tui::job::JobReport;

impl App {
    /// Applies a background job's report.
    pub fn job(&mut self, report: JobReport) {
        match report {
            JobReport::Progress { id, done, total } => {
                if let Some(job) = self.jobs.iter_mut().find(|j| j.id == id) {
                    job.done = done;
                    job.total = total;
                }
            }
            JobReport::LintDone { id, report } => {
                self.jobs.retain(|j| j.id != id);
                self.lint = Some(report);
            }
            JobReport::OwnersDone { id, index } => {
                self.jobs.retain(|j| j.id != id);
                match index {
                    Ok(index) => {
                        self.owners = Some(index);
                        self.sector_context = None;
                    }
                    Err(error) => self.message = Some(format!("owner index failed: {error}")),
                }
            }
            JobReport::VerifyDone { id, bad } => {
                self.jobs.retain(|j| j.id != id);
                match bad {
                    Ok(bad) => {
                        self.message = Some(match bad.len() {
                            0 => "verification: every sector is good".into(),
                            n => format!("verification: {n} bad sectors; e jumps to them"),
                        });
                        self.bad_sectors = Some(bad);
                    }
                    Err(error) => self.message = Some(format!("verification failed: {error}")),
                }
            }
            JobReport::SearchDone { id, pattern, hit } => {
                if !self.jobs.iter().any(|j| j.id == id) {
                    return; // a newer search replaced it
                }
                self.jobs.retain(|j| j.id != id);
                match hit {
                    Some(Hit { lba, offset }) => {
                        self.go_to(lba);
                        self.view = ViewMode::Raw;
                        self.cursor = offset;
                        self.message =
                            Some(format!("found `{pattern}` at sector {lba}, byte {offset}"));
                    }
                    None => self.message = Some(format!("`{pattern}` not found")),
                }
            }
        }
    }

    /// Whether anything runs in the background (the loop ticks only then).
    pub fn busy(&self) -> bool {
        !self.jobs.is_empty()
    }
}
