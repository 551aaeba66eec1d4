//! Background jobs as the application sees them: started one per kind (the
//! newest wins), and their reports applied when they come back.

use super::{App, Effect, ViewMode};
use crate::inspect::search::Hit;
use crate::tui::job::{JobKind, JobReport, Running};

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
        let effects = match report {
            JobReport::Progress { .. } => Vec::new(),
            JobReport::LintDone(report) => {
                self.lint = Some(report);
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
            JobReport::VerifyDone(bad) => {
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
                Vec::new()
            }
            JobReport::SearchDone { pattern, hit } => {
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
