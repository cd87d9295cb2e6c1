//! The project's Python side: where its modules are (per build backend), what they define (parsed
//! with ruff's error-tolerant parser, never imported), and what entry point references resolve to.
//!
//! This module reads files and never runs them. It knows no LSP types and never panics on bad
//! input. `layout` and `parse` are public for the import scanner (`crate::sources`).

pub mod reference;
pub mod summary;

pub use summary::parse;
