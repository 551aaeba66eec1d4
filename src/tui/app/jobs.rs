//! Background jobs as the application sees them: started one per kind (the
//! newest wins), and their reports applied when they come back.

use super::{App, Effect, Overlay, Pane};
use crate::tui::job::{JobKind, JobReport, Running, Verified};

impl App {
    /// Registers a job, cancelling the one of the same kind it replaces.
    pub fn start_job(&mut self, job: Running) {
        self.cancel_jobs(job.kind);
        self.jobs.push(job);
    }

    /// Cancels and forgets the jobs of a kind.
    pub fn cancel_jobs(&mut self, kind: JobKind) {
        for job in self.jobs.iter().filter(|j| j.kind == kind) {
            job.cancel();
        }
        self.jobs.retain(|j| j.kind != kind);
    }

    /// Applies a job's report; a report of a job that was replaced or
    /// cancelled is dropped.
    pub fn job(&mut self, id: u64, report: JobReport) -> Vec<Effect> {
        if let JobReport::Progress { done, total } = report {
            if let Some(job) = self.jobs.iter_mut().find(|j| j.id == id) {
                job.done = done;
                job.total = total;
            }
            return Vec::new();
        }
        let before = self.jobs.len();
        self.jobs.retain(|j| j.id != id);
        if self.jobs.len() == before {
            return Vec::new();
        }
        let effects =
            match report {
                JobReport::Progress { .. } => Vec::new(),
                JobReport::LintDone(report) => {
                    use crate::diagnostic::Severity;
                    let first_error = report
                        .diagnostics
                        .iter()
                        .position(|d| d.severity == Severity::Error);
                    self.lint = Some(report);
                    // A sheet with errors starts at its first error, in the
                    // sheet, with the findings focused.
                    if let Some(row) = first_error {
                        self.diagnostic_row = row;
                        self.focus_on(Pane::Diagnostics);
                        if self.overlay == Overlay::None {
                            self.open_diagnostic();
                        }
                        let laid_out = self
                            .medium
                            .diagnostics
                            .iter()
                            .any(|d| d.severity == Severity::Error);
                        self.message = Some(if laid_out {
                        "the sheet has errors: the disc is shown as far as it can be laid out"
                    } else {
                        "the sheet has errors: the first is shown"
                    }
                    .into());
                    }
                    Vec::new()
                }
                JobReport::OwnersDone(index) => {
                    match index {
                        Ok(index) => {
                            self.owners = Some(index);
                            self.sector_context = None;
                        }
                        Err(error) => self.message = Some(format!("owner index failed: {error}")),
                    }
                    Vec::new()
                }
                JobReport::VerifyDone(verified) => {
                    match verified {
                        Ok(verified) => {
                            self.message = Some(verification_message(&verified));
                            self.bad_sectors = Some(verified.bad);
                        }
                        Err(error) => self.message = Some(format!("verification failed: {error}")),
                    }
                    Vec::new()
                }
                JobReport::SearchDone {
                    pattern,
                    direction,
                    hit,
                } => {
                    self.search_done(&pattern, direction, hit);
                    Vec::new()
                }
                JobReport::ExportDone(written) => {
                    self.message = Some(match written {
                        Ok(done) => done,
                        Err(error) => format!("export failed: {error}"),
                    });
                    Vec::new()
                }
                JobReport::Children { view, dir, read } => {
                    self.tree.insert_children(view, dir, read);
                    Vec::new()
                }
                JobReport::Revealed { view, path, dirs } => {
                    match dirs {
                        Ok(dirs) => {
                            for (dir, entries) in dirs {
                                self.tree.insert_children(view, dir, Ok(entries));
                            }
                            if !self.select_in_tree(view, &path) {
                                self.message = Some(format!("{path} is not in the tree"));
                            }
                        }
                        Err(error) => self.message = Some(format!("{path}: {error}")),
                    }
                    Vec::new()
                }
            };
        self.load_if_moved(effects)
    }

    /// Whether anything runs in the background (the loop ticks only then).
    pub fn busy(&self) -> bool {
        !self.jobs.is_empty()
    }
}

/// What the verification says it checked: never "every sector is good"
/// when the sectors carry nothing to check.
fn verification_message(verified: &Verified) -> String {
    let cooked = match verified.unchecked {
        0 => String::new(),
        n => format!("; {n} cooked 2048-byte sectors carry no EDC/ECC and were not checked"),
    };
    match (verified.checked, verified.bad.len()) {
        (0, _) => {
            "verification: cooked 2048-byte sectors carry no EDC/ECC, so nothing was checked".into()
        }
        (checked, 0) => format!("verification: {checked} sectors checked, all good{cooked}"),
        (checked, bad) => {
            format!("verification: {bad} bad of {checked} checked; e jumps to them{cooked}")
        }
    }
}
