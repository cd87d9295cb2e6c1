//! PEP 508 requirement parsing that never panics. `pep508_rs` panics on a few malformed inputs
//! (a name ending in `-` right before a non-ASCII character, found by fuzzing); such a string is
//! reported as an invalid requirement like any other instead of taking the server down.

use std::str::FromStr;

use pep508_rs::{Requirement, VerbatimUrl};

/// Why a requirement string is invalid, with the byte span of the bad part within the string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementError {
    pub message: String,
    pub start: usize,
    pub len: usize,
}

pub fn parse(s: &str) -> Result<Requirement<VerbatimUrl>, RequirementError> {
    match std::panic::catch_unwind(|| Requirement::<VerbatimUrl>::from_str(s)) {
        Ok(Ok(req)) => Ok(req),
        Ok(Err(err)) => Err(RequirementError {
            message: err.message.to_string(),
            start: err.start,
            len: err.len,
        }),
        Err(_) => Err(RequirementError {
            message: "the requirement could not be parsed".to_string(),
            start: 0,
            len: s.len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_panics_on_the_fuzzer_input() {
        assert!(parse("a-é").is_err());
        assert!(parse("requests>=2").is_ok());
        assert!(parse("requests >= = 2").is_err());
    }
}
