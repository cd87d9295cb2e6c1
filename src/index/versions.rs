//! Choosing among a project's releases: which are installable, which suit the project's
//! `requires-python`, the latest, the newest match of a specifier, and completion order.
//!
//! A release suits the project when one of its files accepts the lowest Python the project
//! supports: that is what a resolver such as uv requires (the dependency must work on every
//! Python the project claims), and the lowest version is where incompatibility shows first.

use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

use crate::index::{Project, Release};

/// Python versions probed to find the lowest one a `requires-python` allows.
fn probes() -> impl Iterator<Item = Version> {
    std::iter::once(Version::new([2, 7])).chain((0..=30u64).map(|minor| Version::new([3, minor])))
}

/// The lowest Python version (2.7, 3.0 ... 3.30) that a `requires-python` value allows.
pub fn python_floor(requires_python: &str) -> Option<Version> {
    let spec = VersionSpecifiers::from_str(requires_python.trim()).ok()?;
    // `>=3.8.1` allows no `3.8` but does allow later 3.8.x: probe the patch level too.
    probes().find(|v| {
        spec.contains(v) || spec.contains(&Version::new([v.release()[0], v.release()[1], 99]))
    })
}

/// True when the release has a file installable on `floor` (unparsable constraints count as
/// yes: we never hide a release because of a string we could not read).
pub fn suits(release: &Release, floor: Option<&Version>) -> bool {
    let Some(floor) = floor else { return true };
    if release.requires_python.is_empty() {
        return true;
    }
    let patched = Version::new([
        floor.release()[0],
        floor.release().get(1).copied().unwrap_or(0),
        99,
    ]);
    release
        .requires_python
        .iter()
        .any(|rp| match VersionSpecifiers::from_str(rp) {
            Ok(spec) => spec.contains(floor) || spec.contains(&patched),
            Err(_) => true,
        })
}

/// A release that can be installed: it has files and they are not all yanked.
pub fn installable(release: &Release) -> bool {
    release.files > 0 && release.yanked.is_none()
}

pub fn parse(version: &str) -> Option<Version> {
    Version::from_str(version.trim()).ok()
}

fn is_pre(release: &Release) -> bool {
    parse(&release.version).is_some_and(|v| v.any_prerelease())
}

/// The newest installable final release (suiting `floor` when given); the newest pre-release
/// when there is no final one.
pub fn latest<'p>(project: &'p Project, floor: Option<&Version>) -> Option<&'p Release> {
    let ok = |r: &&Release| installable(r) && suits(r, floor);
    project
        .releases
        .iter()
        .rev()
        .filter(ok)
        .find(|r| !is_pre(r))
        .or_else(|| project.releases.iter().rev().find(ok))
}

/// The newest installable release a specifier allows; pre-releases only when the specifier
/// names one or nothing else matches (PEP 440's rule).
pub fn newest_match<'p>(
    project: &'p Project,
    specifiers: &VersionSpecifiers,
) -> Option<&'p Release> {
    let matching =
        |r: &&Release| installable(r) && parse(&r.version).is_some_and(|v| specifiers.contains(&v));
    let wants_pre = specifiers.iter().any(|s| s.version().any_prerelease());
    project
        .releases
        .iter()
        .rev()
        .filter(matching)
        .find(|r| wants_pre || !is_pre(r))
        .or_else(|| project.releases.iter().rev().find(matching))
}

/// The release with exactly this version, if the index lists it.
pub fn find<'p>(project: &'p Project, version: &str) -> Option<&'p Release> {
    let v = parse(version)?;
    project
        .releases
        .iter()
        .find(|r| parse(&r.version).as_ref() == Some(&v))
}

/// One version offered in completion.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate<'p> {
    pub release: &'p Release,
    /// False when no file accepts the project's lowest Python.
    pub suits_python: bool,
    pub pre: bool,
}

/// The versions completion offers, best first: installable (never yanked, never without files),
/// newest first by PEP 440, pre-releases only when `with_pre` or no final release exists, those
/// that do not suit the project's Python last.
pub fn candidates<'p>(
    project: &'p Project,
    floor: Option<&Version>,
    with_pre: bool,
) -> Vec<Candidate<'p>> {
    let any_final = project
        .releases
        .iter()
        .any(|r| installable(r) && !is_pre(r));
    let mut out: Vec<Candidate> = project
        .releases
        .iter()
        .rev()
        .filter(|r| installable(r))
        .map(|r| Candidate {
            release: r,
            suits_python: suits(r, floor),
            pre: is_pre(r),
        })
        .filter(|c| with_pre || !any_final || !c.pre)
        .collect();
    // A stable sort keeps newest-first inside each group.
    out.sort_by_key(|c| !c.suits_python);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(v: &str, files: u32, yanked: bool, rp: &[&str]) -> Release {
        Release {
            version: v.into(),
            uploaded: None,
            yanked: yanked.then(String::new),
            requires_python: rp.iter().map(|s| s.to_string()).collect(),
            files,
        }
    }

    fn project() -> Project {
        Project {
            name: "demo".into(),
            releases: vec![
                rel("1.0", 1, false, &[]),
                rel("1.1", 0, false, &[]),
                rel("1.2", 2, false, &[">=3.7"]),
                rel("1.3", 1, true, &[]),
                rel("2.0", 1, false, &[">= 3.10"]),
                rel("2.1rc1", 1, false, &[">=3.10"]),
            ],
            metadata: None,
        }
    }

    #[test]
    fn floors_and_suits() {
        assert_eq!(python_floor(">=3.8"), Some(Version::new([3, 8])));
        assert_eq!(python_floor(">=3.8.1,<4"), Some(Version::new([3, 8])));
        assert_eq!(python_floor("garbage"), None);
        let p = project();
        let floor = python_floor(">=3.9");
        assert!(suits(&p.releases[2], floor.as_ref()));
        assert!(!suits(&p.releases[4], floor.as_ref()));
    }

    #[test]
    fn latest_and_matches() {
        let p = project();
        assert_eq!(latest(&p, None).expect("test data").version, "2.0");
        assert_eq!(
            latest(&p, python_floor(">=3.9").as_ref())
                .expect("test data")
                .version,
            "1.2"
        );
        let spec = VersionSpecifiers::from_str("<2").expect("test data");
        assert_eq!(newest_match(&p, &spec).expect("test data").version, "1.2");
        let spec = VersionSpecifiers::from_str(">=2.1rc1").expect("test data");
        assert_eq!(
            newest_match(&p, &spec).expect("test data").version,
            "2.1rc1"
        );
        assert_eq!(find(&p, "1.3.0").expect("test data").version, "1.3");
    }

    #[test]
    fn completion_order() {
        let p = project();
        let floor = python_floor(">=3.9");
        let c: Vec<_> = candidates(&p, floor.as_ref(), false)
            .iter()
            .map(|c| c.release.version.as_str())
            .collect();
        assert_eq!(c, vec!["1.2", "1.0", "2.0"]);
        let c: Vec<_> = candidates(&p, None, true)
            .iter()
            .map(|c| c.release.version.as_str())
            .collect();
        assert_eq!(c, vec!["2.1rc1", "2.0", "1.2", "1.0"]);
    }
}
