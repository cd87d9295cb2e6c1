//! Python release facts (end-of-life dates, the newest release) and `requires-python` helpers.
//!
//! End-of-life dates come from python/peps `release_management/python-releases.toml` (CC0): a
//! minor version is end-of-life from its `end-of-life` date on, whatever its status field says.

use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

/// The newest Python 3 minor version with a final release (3.15.0: 2026-10-01).
pub const LATEST_MINOR: u64 = 15;
/// The newest minor version we know of at all (in development).
pub const NEWEST_KNOWN_MINOR: u64 = 16;

/// (minor, end of life as (year, month, day)).
pub static END_OF_LIFE: &[(u64, (i32, u32, u32))] = &[
    (6, (2021, 12, 23)),
    (7, (2023, 6, 27)),
    (8, (2024, 10, 7)),
    (9, (2025, 10, 31)),
    (10, (2026, 10, 1)),
    (11, (2027, 10, 1)),
    (12, (2028, 10, 1)),
    (13, (2029, 10, 1)),
    (14, (2030, 10, 1)),
    (15, (2031, 10, 1)),
    (16, (2032, 10, 1)),
];

/// Whether Python 3.`minor` is past its end of life on `today`.
pub fn is_end_of_life(minor: u64, today: (i32, u32, u32)) -> bool {
    if minor < 6 {
        return true;
    }
    END_OF_LIFE
        .iter()
        .find(|(m, _)| *m == minor)
        .is_some_and(|(_, eol)| *eol <= today)
}

/// The oldest minor version that is not end-of-life on `today`.
pub fn oldest_supported_minor(today: (i32, u32, u32)) -> u64 {
    (6..=NEWEST_KNOWN_MINOR)
        .find(|m| !is_end_of_life(*m, today))
        .unwrap_or(LATEST_MINOR)
}

pub fn parse_specifiers(s: &str) -> Option<VersionSpecifiers> {
    VersionSpecifiers::from_str(s).ok()
}

/// Whether the specifiers allow some release of Python 3.`minor`.
pub fn allows_minor(specs: &VersionSpecifiers, minor: u64) -> bool {
    [0u64, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 50, 99]
        .iter()
        .any(|p| specs.contains(&Version::new([3, minor, *p])))
}

/// The Python 3 minor versions (up to the newest known) that `specs` allows.
pub fn allowed_minors(specs: &VersionSpecifiers) -> Vec<u64> {
    (0..=NEWEST_KNOWN_MINOR)
        .filter(|m| allows_minor(specs, *m))
        .collect()
}

/// The lowest Python 3 minor version the specifiers allow.
pub fn lowest_minor(specs: &VersionSpecifiers) -> Option<u64> {
    (0..=NEWEST_KNOWN_MINOR).find(|m| allows_minor(specs, *m))
}

/// Whether the specifiers set a lower bound at all (`>=`, `>`, `==`, `~=`, `===`).
pub fn has_lower_bound(specs: &VersionSpecifiers) -> bool {
    use pep440_rs::Operator as Op;
    specs.iter().any(|s| {
        matches!(
            s.operator(),
            Op::GreaterThanEqual
                | Op::GreaterThan
                | Op::Equal
                | Op::EqualStar
                | Op::TildeEqual
                | Op::ExactEqual
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minors() {
        let s = parse_specifiers(">=3.9,!=3.10.*,<3.13").expect("valid");
        assert_eq!(allowed_minors(&s), vec![9, 11, 12]);
        assert_eq!(lowest_minor(&s), Some(9));
        let s = parse_specifiers(">=3.10").expect("valid");
        assert_eq!(lowest_minor(&s), Some(10));
        assert!(has_lower_bound(&s));
        assert!(!has_lower_bound(&parse_specifiers("!=3.1").expect("valid")));
    }

    #[test]
    fn eol() {
        assert!(is_end_of_life(9, (2026, 11, 25)));
        assert!(is_end_of_life(10, (2026, 11, 25)));
        assert!(!is_end_of_life(11, (2026, 11, 25)));
        assert_eq!(oldest_supported_minor((2026, 11, 25)), 11);
    }
}
