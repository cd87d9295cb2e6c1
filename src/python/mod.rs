//! The project's Python side: where its modules are (per build backend), what they define (parsed
//! with ruff's error-tolerant parser, never imported), and what entry point references resolve to.
//!
//! This module reads files and never runs them. It knows no LSP types and never panics on bad
//! input. `layout` and `parse` are public for the import scanner (`crate::sources`).
//!
//! Use: `entry_points::analyze(project_dir, doc_root, &mut cache) -> EntryPointFacts` (slow: file
//! I/O; run it off the keystroke path), then `entry_points::refresh(&mut facts, &changed, &mut cache)`
//! when `.py` files change.

pub mod cache;
pub mod entry_points;
pub mod layout;
pub mod reference;
pub mod resolve;
pub mod summary;

pub use cache::ModuleCache;
pub use entry_points::{EntryPointFacts, analyze, refresh};
pub use summary::parse;

#[cfg(test)]
mod tests;
