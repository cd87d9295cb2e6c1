//! Code actions: quick-fixes carried by diagnostics, and source actions that act on the whole file.
//! Families add their source actions at the dispatch point below.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, Edit};
use crate::rules::Facts;
use crate::state::Snapshot;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionKind {
    QuickFix,
    /// A source action, with its LSP kind suffix (`source.sortClassifiers`).
    Source(&'static str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    pub edits: Vec<Edit>,
    pub diagnostic: Option<Diagnostic>,
    pub preferred: bool,
}

/// The actions for a range: every fix of every diagnostic that touches it, then source actions.
pub fn actions(
    snapshot: &Snapshot,
    range: Range<usize>,
    diagnostics: &[Diagnostic],
    facts: &Facts,
) -> Vec<Action> {
    let mut out = Vec::new();
    for d in diagnostics {
        let touches = d.range.start <= range.end && range.start <= d.range.end;
        if !touches {
            continue;
        }
        let only_one_safe = d.fixes.iter().filter(|f| f.safe).count() == 1;
        for fix in &d.fixes {
            out.push(Action {
                title: fix.title.clone(),
                kind: ActionKind::QuickFix,
                edits: fix.edits.clone(),
                diagnostic: Some(d.clone()),
                preferred: fix.safe && only_one_safe,
            });
        }
    }
    let _ = (snapshot, facts);
    out.extend(crate::features::dependencies::source_actions(
        snapshot, facts,
    ));
    out.extend(crate::features::classifiers::source_actions(
        snapshot, facts,
    ));
    // SOURCE ACTIONS: add `out.extend(crate::features::family::source_actions(snapshot, facts));` here
    out
}
