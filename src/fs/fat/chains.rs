//! Cluster chains, each walked once per volume.
//!
//! A damaged or hostile FAT can give many entries the same chain (they
//! start at the same cluster) or let chains run into each other (a
//! cross-link: one chain's entry points into the middle of another).
//! Walking the chain again for every entry costs entries × chain length;
//! here every cluster is walked at most once: a chain that reaches a
//! cluster an earlier chain walked takes the rest of that chain as it is
//! (shared, not copied cluster by cluster), and the sharing is reported as
//! fsck.fat reports it (`fat.cross-link`). Chains are kept as runs of
//! consecutive clusters, so a contiguous file of any length is one run.
//!
//! Sources: fatgen103 §4 (chains, end-of-chain, bad and free values);
//! dosfstools' fsck.fat ("... and ... share clusters", its cross-link
//! check).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use crate::budget::{Budget, Resource};
use crate::diagnostic::{Diagnostic, Location};
use crate::fs::fat::table::{AllocationTable, Break, Link};
use crate::io::ReadAt;

/// Consecutive clusters `first..first + count` of a chain, `before`
/// clusters into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClusterRun {
    pub first: u32,
    pub count: u32,
    pub before: u64,
}

/// A walked chain: its clusters as runs, and why it ended early, if it did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chain {
    pub runs: Vec<ClusterRun>,
    /// Clusters in all.
    pub len: u64,
    pub broken: Option<Break>,
}

impl Chain {
    /// A chain of the clusters `first..first + count` (a deleted entry's
    /// guess: the FAT no longer links them).
    pub fn contiguous(first: u32, count: u32) -> Chain {
        let mut chain = Chain::default();
        if count > 0 {
            chain.runs.push(ClusterRun {
                first,
                count,
                before: 0,
            });
            chain.len = u64::from(count);
        }
        chain
    }

    /// The cluster `index` clusters into the chain.
    pub fn cluster_at(&self, index: u64) -> Option<u32> {
        let at = self.runs.partition_point(|r| r.before <= index);
        let run = self.runs.get(at.checked_sub(1)?)?;
        let within = index - run.before;
        (within < u64::from(run.count))
            .then(|| run.first.checked_add(u32::try_from(within).ok()?))
            .flatten()
    }

    /// Every cluster in order.
    pub fn clusters(&self) -> impl Iterator<Item = u32> + '_ {
        self.runs.iter().flat_map(|r| r.first..r.first + r.count)
    }

    /// The first `limit` clusters.
    pub fn prefix(&self, limit: u64) -> Chain {
        if self.len <= limit {
            return self.clone();
        }
        let mut out = Chain::default();
        for r in &self.runs {
            if out.len >= limit {
                break;
            }
            let count = u64::from(r.count).min(limit - out.len);
            out.runs.push(ClusterRun {
                count: u32::try_from(count).unwrap_or(u32::MAX),
                ..*r
            });
            out.len += count;
        }
        out.broken = Some(Break::TooLong);
        out
    }

    fn push(&mut self, cluster: u32) {
        match self.runs.last_mut() {
            Some(last) if last.first.checked_add(last.count) == Some(cluster) => last.count += 1,
            _ => self.runs.push(ClusterRun {
                first: cluster,
                count: 1,
                before: self.len,
            }),
        }
        self.len += 1;
    }

    /// Appends `other` from `index` clusters into it; returns the runs
    /// copied.
    fn append_from(&mut self, other: &Chain, index: u64) -> u64 {
        let start = other.runs.partition_point(|r| r.before <= index);
        let mut copied = 0;
        for (n, r) in other.runs.iter().enumerate().skip(start.saturating_sub(1)) {
            let skip = if n + 1 == start { index - r.before } else { 0 };
            let Ok(skip32) = u32::try_from(skip) else {
                continue;
            };
            if skip32 >= r.count {
                continue;
            }
            let first = r.first + skip32;
            let count = r.count - skip32;
            match self.runs.last_mut() {
                Some(last) if last.first.checked_add(last.count) == Some(first) => {
                    last.count += count
                }
                _ => self.runs.push(ClusterRun {
                    first,
                    count,
                    before: self.len,
                }),
            }
            self.len += u64::from(count);
            copied += 1;
        }
        self.broken = other.broken.clone();
        copied
    }
}

/// Who asked for a chain: the directory entry's byte offset (the node id)
/// and its name for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asker<'a> {
    pub id: u64,
    pub name: &'a str,
}

/// Clusters `first..first + count` owned by the chain starting at
/// `chain`, from `index` clusters into it.
#[derive(Clone, Copy, Debug)]
struct Owned {
    count: u32,
    chain: u32,
    index: u64,
}

/// Entries sharing one chain's clusters.
#[derive(Clone, Debug, Default)]
struct Sharing {
    /// The entry whose chain it is (the first to ask).
    owner: (u64, String),
    /// Entries whose chains start at the same cluster: (id, name).
    same_start: Vec<(u64, String)>,
    /// Entries whose chains run into it: (id, name, cluster).
    joined: Vec<(u64, String, u32)>,
    /// Ids already counted.
    seen: HashSet<u64>,
}

/// Names kept per kind of sharing (the rest are counted).
const NAMED: usize = 8;

/// Every chain walked so far on one volume.
#[derive(Debug, Default)]
pub struct ChainIndex {
    chains: HashMap<u32, Arc<Chain>>,
    owners: BTreeMap<u32, Owned>,
    sharing: BTreeMap<u32, Sharing>,
    /// Findings of chains that ended early (noted once per chain).
    broken: Vec<Diagnostic>,
}

/// Links walked between draws on the budget.
const BATCH: u64 = 4096;

impl ChainIndex {
    /// The chain starting at `first`, walked the first time it is asked
    /// for and shared afterwards.
    pub fn chain(
        &mut self,
        table: &AllocationTable,
        source: &dyn ReadAt,
        first: u32,
        asker: &Asker<'_>,
    ) -> Arc<Chain> {
        if !table.is_data_cluster(first) {
            return Arc::new(Chain {
                broken: Some(Break::BadStart(first)),
                ..Chain::default()
            });
        }
        if let Some(chain) = self.chains.get(&first) {
            let chain = Arc::clone(chain);
            let sharing = self.sharing.entry(first).or_default();
            if sharing.owner.0 != asker.id && sharing.seen.insert(asker.id) {
                sharing.same_start.push((asker.id, asker.name.to_owned()));
            }
            return chain;
        }
        let chain = Arc::new(self.walk(table, source, first, asker, source.budget()));
        self.chains.insert(first, Arc::clone(&chain));
        let sharing = self.sharing.entry(first).or_default();
        sharing.owner = (asker.id, asker.name.to_owned());
        sharing.seen.insert(asker.id);
        if let Some(broken) = &chain.broken {
            self.broken.push(
                Diagnostic::error(
                    "fat.chain",
                    format!("{}: {}", asker.name, broken.describe()),
                )
                .at(Location::Offset(asker.id)),
            );
        }
        chain
    }

    /// The chain owning `cluster` and the cluster's index in it.
    fn owner_of(&self, cluster: u32) -> Option<(u32, u64)> {
        let (&first, owned) = self.owners.range(..=cluster).next_back()?;
        let within = cluster - first;
        (within < owned.count).then_some((owned.chain, owned.index + u64::from(within)))
    }

    /// Records that `cluster` is `index` clusters into the chain `chain`.
    fn claim(&mut self, cluster: u32, chain: u32, index: u64, last: &mut Option<u32>) {
        if let Some(run) = last.and_then(|first| self.owners.get_mut(&first))
            && run.chain == chain
            && last.is_some_and(|first| first.checked_add(run.count) == Some(cluster))
            && run.index + u64::from(run.count) == index
        {
            run.count += 1;
            return;
        }
        self.owners.insert(
            cluster,
            Owned {
                count: 1,
                chain,
                index,
            },
        );
        *last = Some(cluster);
    }

    fn walk(
        &mut self,
        table: &AllocationTable,
        source: &dyn ReadAt,
        first: u32,
        asker: &Asker<'_>,
        budget: Option<&Arc<Budget>>,
    ) -> Chain {
        let mut chain = Chain::default();
        let limit = u64::from(table.max_cluster);
        let mut at = first;
        let mut previous = first;
        let mut unspent = 0u64;
        let mut last_claim = None;
        let spend = |n: u64, at: u32| match budget {
            Some(b) => b
                .spend(Resource::Links, n, || {
                    format!("the FAT chain of {} at cluster {at}", asker.name)
                })
                .err(),
            None => None,
        };
        loop {
            if chain.len >= limit {
                chain.broken = Some(Break::TooLong);
                break;
            }
            if let Some((owner, index)) = self.owner_of(at) {
                if owner == first {
                    chain.broken = Some(Break::Cycle {
                        at: previous,
                        to: at,
                    });
                    break;
                }
                let Some(other) = self.chains.get(&owner).cloned() else {
                    break;
                };
                let copied = chain.append_from(&other, index);
                if let Some(error) = spend(copied, at) {
                    chain.broken = Some(Break::Budget(error.to_string()));
                }
                let sharing = self.sharing.entry(owner).or_default();
                if sharing.seen.insert(asker.id) {
                    sharing.joined.push((asker.id, asker.name.to_owned(), at));
                }
                break;
            }
            chain.push(at);
            self.claim(at, first, chain.len - 1, &mut last_claim);
            unspent += 1;
            if unspent == BATCH {
                unspent = 0;
                if let Some(error) = spend(BATCH, at) {
                    chain.broken = Some(Break::Budget(error.to_string()));
                    break;
                }
            }
            let Some(value) = table.raw(source, at) else {
                chain.broken = Some(Break::Unreadable { at });
                break;
            };
            match table.link(value) {
                Link::End => break,
                Link::Free => chain.broken = Some(Break::Free { at }),
                Link::Bad => chain.broken = Some(Break::Bad { at }),
                Link::Reserved => chain.broken = Some(Break::Invalid { at, value }),
                Link::Next(next) if !table.is_data_cluster(next) => {
                    chain.broken = Some(Break::Invalid { at, value })
                }
                Link::Next(next) => {
                    previous = at;
                    at = next;
                    continue;
                }
            }
            break;
        }
        if unspent > 0
            && let Some(error) = spend(unspent, at)
            && chain.broken.is_none()
        {
            chain.broken = Some(Break::Budget(error.to_string()));
        }
        chain
    }

    /// The findings so far: chains that ended early, and every chain whose
    /// clusters other entries share (one finding per chain and kind).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = self.broken.clone();
        for (&first, s) in &self.sharing {
            let owner = &s.owner.1;
            if let Some((_, name)) = s.same_start.first() {
                out.push(
                    Diagnostic::error(
                        "fat.cross-link",
                        format!(
                            "{name} shares cluster {first} with {owner}: both chains start there (cross-linked){}",
                            more(s.same_start.iter().skip(1).map(|(_, n)| n.as_str()), s.same_start.len() - 1)
                        ),
                    )
                    .at(Location::Offset(s.owner.0)),
                );
            }
            if let Some((_, name, at)) = s.joined.first() {
                out.push(
                    Diagnostic::error(
                        "fat.cross-link",
                        format!(
                            "{name} shares cluster {at} with {owner}: its chain runs into the chain of {owner} there, and the rest is shared (cross-linked){}",
                            more(s.joined.iter().skip(1).map(|(_, n, _)| n.as_str()), s.joined.len() - 1)
                        ),
                    )
                    .at(Location::Offset(s.owner.0)),
                );
            }
        }
        out
    }
}

/// `; so do 2,046 more entries (A, B, ... )`, or nothing.
fn more<'a>(names: impl Iterator<Item = &'a str>, count: usize) -> String {
    if count == 0 {
        return String::new();
    }
    let shown: Vec<&str> = names.take(NAMED).collect();
    let rest = if count > shown.len() { ", ..." } else { "" };
    format!(
        "; so do {count} more entr{} ({}{rest})",
        if count == 1 { "y" } else { "ies" },
        shown.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_answer_positions_and_prefixes() {
        let mut c = Chain::default();
        for x in [5, 6, 7, 20, 21, 3] {
            c.push(x);
        }
        assert_eq!(c.runs.len(), 3);
        assert_eq!(c.clusters().collect::<Vec<_>>(), [5, 6, 7, 20, 21, 3]);
        assert_eq!(c.cluster_at(0), Some(5));
        assert_eq!(c.cluster_at(3), Some(20));
        assert_eq!(c.cluster_at(5), Some(3));
        assert_eq!(c.cluster_at(6), None);
        let p = c.prefix(4);
        assert_eq!(p.clusters().collect::<Vec<_>>(), [5, 6, 7, 20]);
        let mut d = Chain::default();
        d.push(4);
        d.append_from(&c, 1);
        assert_eq!(d.clusters().collect::<Vec<_>>(), [4, 6, 7, 20, 21, 3]);
        assert_eq!(d.len, 6);
        assert_eq!(d.cluster_at(1), Some(6));
    }
}
