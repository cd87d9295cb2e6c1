//! pyproject-lsp: a language server and checker for `pyproject.toml`.
//!
//! How the modules depend on each other (arrows point at what is used):
//!
//! ```text
//! main ─► server ─► convert, state ─► features, rules ─► manifest, spec, diagnostic
//!   └───► cli ──────────────────────┘        ▲
//!             server, cli ─► index, python, sources, schema (leaves: network and files)
//! ```
//!
//! `features`, `rules` and `manifest` are pure: no I/O, no await, no panics, no `Err` for bad input.
//! Slow results (the package index, the project's Python files) are computed by the leaves and
//! handed to the pure functions as `rules::Facts`.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod convert;
pub mod diagnostic;
pub mod document;
pub mod features;
pub mod files;
pub mod index;
pub mod log;
pub mod manifest;
pub mod python;
pub mod rules;
pub mod schema;
pub mod server;
pub mod sources;
pub mod spec;
pub mod state;
