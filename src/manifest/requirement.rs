//! PEP 508 requirement parsing that never panics. `pep508_rs` 0.9 panics when a name ends in
//! `-`, `_` or `.` right before a character that cannot continue it (`a-é`, `aiohttp.*`; both
//! found by fuzzing): its parser stops there and its name validation then rejects what it took.
//! No valid name ends that way, so such a string is reported here, before `pep508_rs` sees it.
//! It also slices inside a character when a marker is followed by a word with a non-ASCII
//! character (`sys_platform != 'ios'¥`, also found by fuzzing); PEP 508 allows non-ASCII only
//! inside quoted strings and URLs, so any other is reported here too (a pasted no-break space is
//! a real mistake worth naming). Any other panic is still caught and reported as invalid.

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
    if let Some(err) = non_ascii_outside_strings(s).or_else(|| name_ends_in_separator(s)) {
        return Err(err);
    }
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

/// A non-ASCII character outside quoted marker strings and outside the URL of `name @ url`.
fn non_ascii_outside_strings(s: &str) -> Option<RequirementError> {
    if s.is_ascii() {
        return None;
    }
    // Where the URL of `name @ url` is: not seen yet, `@` seen, inside it, after it.
    #[derive(PartialEq)]
    enum Url {
        Before,
        At,
        Inside,
        After,
    }
    let mut quote = None;
    let mut url = Url::Before;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        url = match (c, url) {
            ('@', Url::Before) => Url::At,
            (c, Url::At) if !c.is_ascii_whitespace() => Url::Inside,
            (c, Url::Inside) if c.is_ascii_whitespace() => Url::After,
            (_, state) => state,
        };
        if matches!(c, '\'' | '"') && url != Url::Inside {
            quote = Some(c);
            continue;
        }
        if !c.is_ascii() && url != Url::Inside {
            return Some(RequirementError {
                message: format!(
                    "`{c}` (U+{:04X}) is not allowed here: outside quoted strings and URLs a requirement is ASCII",
                    c as u32
                ),
                start: i,
                len: c.len_utf8(),
            });
        }
    }
    None
}

/// A leading name (PEP 508 name characters) that ends in `-`, `_` or `.`: never valid.
fn name_ends_in_separator(s: &str) -> Option<RequirementError> {
    let rest = s.trim_start();
    let lead = s.len() - rest.len();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    let last = name.chars().last()?;
    if !matches!(last, '-' | '_' | '.') || name.len() == 1 {
        return None;
    }
    Some(RequirementError {
        message: format!("the package name `{name}` must end with a letter or digit, not `{last}`"),
        start: lead + end - 1,
        len: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_panics_on_the_fuzzer_input() {
        assert!(parse("a-é").is_err());
        let err = parse("aiohttp.*").expect_err("invalid");
        assert_eq!((err.start, err.len), (7, 1), "{err:?}");
        assert!(parse("  foo_ ; python_version < '3'").is_err());
        assert!(parse("zope.interface>=5").is_ok());
        assert!(parse("my_pkg[extra]").is_ok());
        let err = parse("aiodns; sys_platform != 'ios'\u{a5}").expect_err("invalid");
        assert_eq!((err.start, err.len), (29, 2), "{err:?}");
        assert!(parse("requests\u{a0}>=2").is_err(), "a no-break space");
        assert!(
            parse("foo; extra == 'caf\u{e9}'").is_ok(),
            "inside a quoted string"
        );
        assert!(parse("foo @ https://example.org/caf\u{e9}.whl ; python_version >= '3'").is_ok());
        assert!(
            parse("foo @ https://example.org/x.whl ; python_version >= '3' and\u{e9}").is_err()
        );
        assert!(parse("requests>=2").is_ok());
        assert!(parse("requests >= = 2").is_err());
    }
}
