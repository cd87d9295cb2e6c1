//! Knowledge of the format: keys, types and documentation, Python release facts, bundled data.

pub mod classifiers;
pub mod keys;
pub mod licenses;
pub mod python;
