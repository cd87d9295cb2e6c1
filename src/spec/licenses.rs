//! `License ::` trove classifiers and the SPDX license identifiers they stand for (PEP 639).
//!
//! PEP 639's appendix "Mapping License Classifiers to SPDX Identifiers" says that most license
//! classifiers map to one SPDX identifier, lists the ones that are ambiguous (a licence family
//! without a version, such as `Apache Software License`), and gives the special cases. The table
//! below is written from that appendix and the classifier names; a unit test checks every
//! identifier against the SPDX licence list of the `spdx` crate.

/// What a `License ::` classifier can be converted to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpdxMapping {
    /// One identifier, which tools may use without asking.
    Exact(&'static str),
    /// PEP 639: tools "MUST NOT attempt to automatically infer" an expression; these are the
    /// likely candidates, most common first, offered for the user to choose.
    Ambiguous(&'static [&'static str]),
    /// No licence at all (`License :: OSI Approved`, `License :: DFSG approved`), or none in SPDX.
    None,
}

/// Whether `s` is a `License ::` classifier.
pub fn is_license_classifier(s: &str) -> bool {
    s.trim_start().starts_with("License ::")
}

/// The SPDX mapping of one `License ::` classifier; `None` for anything else, including unknown
/// classifiers.
pub fn classifier_spdx(classifier: &str) -> SpdxMapping {
    let key = classifier.trim();
    TABLE
        .iter()
        .find(|(c, _)| *c == key)
        .map_or(SpdxMapping::None, |(_, m)| *m)
}

/// What a project's whole set of `License ::` classifiers converts to. PEP 639: several licence
/// classifiers are ambiguous together (all apply, or a choice?), unless one is a parent of the
/// other, when the parent may be ignored; the generic `OSI Approved`/`DFSG approved` ones are
/// ignored.
pub fn classifiers_spdx<'a>(classifiers: impl IntoIterator<Item = &'a str>) -> SpdxMapping {
    let licences: Vec<&str> = classifiers
        .into_iter()
        .map(str::trim)
        .filter(|c| is_license_classifier(c))
        .collect();
    let specific: Vec<&str> = licences
        .iter()
        .copied()
        .filter(|c| !matches!(*c, "License :: OSI Approved" | "License :: DFSG approved"))
        .filter(|c| {
            let prefix = format!("{c} ::");
            !licences.iter().any(|other| other.starts_with(&prefix))
        })
        .collect();
    match specific.as_slice() {
        [one] => classifier_spdx(one),
        _ => SpdxMapping::None,
    }
}

const PROPRIETARY: SpdxMapping = SpdxMapping::Ambiguous(&["LicenseRef-Proprietary"]);

const TABLE: &[(&str, SpdxMapping)] = {
    use SpdxMapping::{Ambiguous, Exact};
    &[
        (
            "License :: Aladdin Free Public License (AFPL)",
            Exact("Aladdin"),
        ),
        (
            "License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication",
            Exact("CC0-1.0"),
        ),
        (
            "License :: CeCILL-B Free Software License Agreement (CECILL-B)",
            Exact("CECILL-B"),
        ),
        (
            "License :: CeCILL-C Free Software License Agreement (CECILL-C)",
            Exact("CECILL-C"),
        ),
        (
            "License :: Eiffel Forum License (EFL)",
            Ambiguous(&["EFL-2.0", "EFL-1.0"]),
        ),
        // PEP 639: these "MAY be mapped to the generic LicenseRef-Proprietary" with a prominent
        // warning, or treated as ambiguous: we only offer it for the user to choose.
        ("License :: Free For Educational Use", PROPRIETARY),
        ("License :: Free For Home Use", PROPRIETARY),
        ("License :: Free To Use But Restricted", PROPRIETARY),
        ("License :: Free for non-commercial use", PROPRIETARY),
        ("License :: Freely Distributable", PROPRIETARY),
        ("License :: Freeware", PROPRIETARY),
        ("License :: Other/Proprietary License", PROPRIETARY),
        (
            "License :: Netscape Public License (NPL)",
            Ambiguous(&["NPL-1.1", "NPL-1.0"]),
        ),
        (
            "License :: Nokia Open Source License (NOKOS)",
            Exact("Nokia"),
        ),
        (
            "License :: OSI Approved :: Academic Free License (AFL)",
            Ambiguous(&["AFL-3.0", "AFL-2.1", "AFL-2.0", "AFL-1.2", "AFL-1.1"]),
        ),
        (
            "License :: OSI Approved :: Apache Software License",
            Ambiguous(&["Apache-2.0", "Apache-1.1"]),
        ),
        (
            "License :: OSI Approved :: Apple Public Source License",
            Ambiguous(&["APSL-2.0", "APSL-1.2", "APSL-1.1", "APSL-1.0"]),
        ),
        (
            "License :: OSI Approved :: Artistic License",
            Ambiguous(&["Artistic-2.0", "Artistic-1.0", "Artistic-1.0-Perl"]),
        ),
        (
            "License :: OSI Approved :: Attribution Assurance License",
            Exact("AAL"),
        ),
        (
            "License :: OSI Approved :: BSD License",
            Ambiguous(&["BSD-3-Clause", "BSD-2-Clause", "BSD-4-Clause"]),
        ),
        (
            "License :: OSI Approved :: Blue Oak Model License (BlueOak-1.0.0)",
            Exact("BlueOak-1.0.0"),
        ),
        (
            "License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)",
            Exact("BSL-1.0"),
        ),
        (
            "License :: OSI Approved :: CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)",
            Exact("CECILL-2.1"),
        ),
        (
            "License :: OSI Approved :: CMU License (MIT-CMU)",
            Exact("MIT-CMU"),
        ),
        (
            "License :: OSI Approved :: Common Development and Distribution License 1.0 (CDDL-1.0)",
            Exact("CDDL-1.0"),
        ),
        (
            "License :: OSI Approved :: Common Public License",
            Exact("CPL-1.0"),
        ),
        (
            "License :: OSI Approved :: Eclipse Public License 1.0 (EPL-1.0)",
            Exact("EPL-1.0"),
        ),
        (
            "License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)",
            Exact("EPL-2.0"),
        ),
        (
            "License :: OSI Approved :: Educational Community License, Version 2.0 (ECL-2.0)",
            Exact("ECL-2.0"),
        ),
        (
            "License :: OSI Approved :: Eiffel Forum License",
            Ambiguous(&["EFL-2.0", "EFL-1.0"]),
        ),
        (
            "License :: OSI Approved :: European Union Public Licence 1.0 (EUPL 1.0)",
            Exact("EUPL-1.0"),
        ),
        (
            "License :: OSI Approved :: European Union Public Licence 1.1 (EUPL 1.1)",
            Exact("EUPL-1.1"),
        ),
        (
            "License :: OSI Approved :: European Union Public Licence 1.2 (EUPL 1.2)",
            Exact("EUPL-1.2"),
        ),
        (
            "License :: OSI Approved :: GNU Affero General Public License v3",
            Ambiguous(&["AGPL-3.0-only", "AGPL-3.0-or-later"]),
        ),
        (
            "License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)",
            Exact("AGPL-3.0-or-later"),
        ),
        (
            "License :: OSI Approved :: GNU Free Documentation License (FDL)",
            Ambiguous(&[
                "GFDL-1.3-only",
                "GFDL-1.3-or-later",
                "GFDL-1.2-only",
                "GFDL-1.1-only",
            ]),
        ),
        (
            "License :: OSI Approved :: GNU General Public License (GPL)",
            Ambiguous(&[
                "GPL-3.0-only",
                "GPL-3.0-or-later",
                "GPL-2.0-only",
                "GPL-2.0-or-later",
            ]),
        ),
        (
            "License :: OSI Approved :: GNU General Public License v2 (GPLv2)",
            Ambiguous(&["GPL-2.0-only", "GPL-2.0-or-later"]),
        ),
        (
            "License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)",
            Exact("GPL-2.0-or-later"),
        ),
        (
            "License :: OSI Approved :: GNU General Public License v3 (GPLv3)",
            Ambiguous(&["GPL-3.0-only", "GPL-3.0-or-later"]),
        ),
        (
            "License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)",
            Exact("GPL-3.0-or-later"),
        ),
        (
            "License :: OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)",
            Ambiguous(&["LGPL-2.1-only", "LGPL-2.0-only"]),
        ),
        (
            "License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)",
            Ambiguous(&["LGPL-2.1-or-later", "LGPL-2.0-or-later"]),
        ),
        (
            "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
            Ambiguous(&["LGPL-3.0-only", "LGPL-3.0-or-later"]),
        ),
        (
            "License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)",
            Exact("LGPL-3.0-or-later"),
        ),
        (
            "License :: OSI Approved :: GNU Library or Lesser General Public License (LGPL)",
            Ambiguous(&[
                "LGPL-3.0-only",
                "LGPL-3.0-or-later",
                "LGPL-2.1-only",
                "LGPL-2.1-or-later",
            ]),
        ),
        (
            "License :: OSI Approved :: Historical Permission Notice and Disclaimer (HPND)",
            Exact("HPND"),
        ),
        (
            "License :: OSI Approved :: IBM Public License",
            Exact("IPL-1.0"),
        ),
        (
            "License :: OSI Approved :: ISC License (ISCL)",
            Exact("ISC"),
        ),
        (
            "License :: OSI Approved :: Intel Open Source License",
            Exact("Intel"),
        ),
        (
            "License :: OSI Approved :: Jabber Open Source License",
            SpdxMapping::None,
        ),
        ("License :: OSI Approved :: MIT License", Exact("MIT")),
        (
            "License :: OSI Approved :: MIT No Attribution License (MIT-0)",
            Exact("MIT-0"),
        ),
        (
            "License :: OSI Approved :: MITRE Collaborative Virtual Workspace License (CVW)",
            SpdxMapping::None,
        ),
        (
            "License :: OSI Approved :: MirOS License (MirOS)",
            Exact("MirOS"),
        ),
        (
            "License :: OSI Approved :: Motosoto License",
            Exact("Motosoto"),
        ),
        (
            "License :: OSI Approved :: Mozilla Public License 1.0 (MPL)",
            Exact("MPL-1.0"),
        ),
        (
            "License :: OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)",
            Exact("MPL-1.1"),
        ),
        (
            "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)",
            Exact("MPL-2.0"),
        ),
        (
            "License :: OSI Approved :: Mulan Permissive Software License v2 (MulanPSL-2.0)",
            Exact("MulanPSL-2.0"),
        ),
        (
            "License :: OSI Approved :: NASA Open Source Agreement v1.3 (NASA-1.3)",
            Exact("NASA-1.3"),
        ),
        (
            "License :: OSI Approved :: Nethack General Public License",
            Exact("NGPL"),
        ),
        (
            "License :: OSI Approved :: Nokia Open Source License",
            Exact("Nokia"),
        ),
        (
            "License :: OSI Approved :: Open Group Test Suite License",
            Exact("OGTSL"),
        ),
        (
            "License :: OSI Approved :: Open Software License 3.0 (OSL-3.0)",
            Exact("OSL-3.0"),
        ),
        (
            "License :: OSI Approved :: PostgreSQL License",
            Exact("PostgreSQL"),
        ),
        (
            "License :: OSI Approved :: Python License (CNRI Python License)",
            Exact("CNRI-Python"),
        ),
        (
            "License :: OSI Approved :: Python Software Foundation License",
            Exact("PSF-2.0"),
        ),
        (
            "License :: OSI Approved :: Qt Public License (QPL)",
            Exact("QPL-1.0"),
        ),
        (
            "License :: OSI Approved :: Ricoh Source Code Public License",
            Exact("RSCPL"),
        ),
        (
            "License :: OSI Approved :: SIL Open Font License 1.1 (OFL-1.1)",
            Exact("OFL-1.1"),
        ),
        (
            "License :: OSI Approved :: Sleepycat License",
            Exact("Sleepycat"),
        ),
        (
            "License :: OSI Approved :: Sun Industry Standards Source License (SISSL)",
            Exact("SISSL"),
        ),
        (
            "License :: OSI Approved :: Sun Public License",
            Exact("SPL-1.0"),
        ),
        (
            "License :: OSI Approved :: The Unlicense (Unlicense)",
            Exact("Unlicense"),
        ),
        (
            "License :: OSI Approved :: Universal Permissive License (UPL)",
            Exact("UPL-1.0"),
        ),
        (
            "License :: OSI Approved :: University of Illinois/NCSA Open Source License",
            Exact("NCSA"),
        ),
        (
            "License :: OSI Approved :: Vovida Software License 1.0",
            Exact("VSL-1.0"),
        ),
        ("License :: OSI Approved :: W3C License", Exact("W3C")),
        ("License :: OSI Approved :: X.Net License", Exact("Xnet")),
        (
            "License :: OSI Approved :: Zero-Clause BSD (0BSD)",
            Exact("0BSD"),
        ),
        (
            "License :: OSI Approved :: Zope Public License",
            Ambiguous(&["ZPL-2.1", "ZPL-2.0", "ZPL-1.1"]),
        ),
        (
            "License :: OSI Approved :: zlib/libpng License",
            Exact("Zlib"),
        ),
        // PEP 639: "MAY be mapped to LicenseRef-Public-Domain", encouraging more portable
        // identifiers instead; we offer those first and never apply one without asking.
        (
            "License :: Public Domain",
            Ambiguous(&["CC0-1.0", "Unlicense", "LicenseRef-Public-Domain"]),
        ),
        // Not in the SPDX licence list.
        ("License :: Repoze Public License", SpdxMapping::None),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(m: SpdxMapping) -> Vec<&'static str> {
        match m {
            SpdxMapping::Exact(id) => vec![id],
            SpdxMapping::Ambiguous(ids) => ids.to_vec(),
            SpdxMapping::None => Vec::new(),
        }
    }

    #[test]
    fn every_identifier_is_in_the_spdx_list() {
        for (classifier, mapping) in TABLE {
            for id in ids(*mapping) {
                if id.starts_with("LicenseRef-") {
                    continue;
                }
                assert!(
                    spdx::license_id(id).is_some(),
                    "{classifier}: {id} is not an SPDX id"
                );
            }
        }
    }

    #[test]
    fn every_license_classifier_in_the_data_is_in_the_table_or_generic() {
        let generic = [
            "License :: OSI Approved",
            "License :: DFSG approved",
            "License :: GUST Font License 1.0",
            "License :: GUST Font License 2006-09-30",
        ];
        for c in crate::spec::classifiers::all().filter(|c| is_license_classifier(c)) {
            let listed = TABLE.iter().any(|(t, _)| *t == c);
            assert!(listed || generic.contains(&c), "{c} has no mapping");
            assert!(!(listed && generic.contains(&c)), "{c}");
        }
        for (c, _) in TABLE {
            assert!(
                crate::spec::classifiers::is_known(c)
                    || crate::spec::classifiers::deprecated_replacement(c).is_some(),
                "{c} is not a classifier"
            );
        }
    }

    #[test]
    fn mappings() {
        assert_eq!(
            classifier_spdx("License :: OSI Approved :: MIT License"),
            SpdxMapping::Exact("MIT")
        );
        assert!(matches!(
            classifier_spdx("License :: OSI Approved :: Apache Software License"),
            SpdxMapping::Ambiguous(["Apache-2.0", ..])
        ));
        assert_eq!(
            classifier_spdx("License :: OSI Approved"),
            SpdxMapping::None
        );
        assert_eq!(classifier_spdx("Typing :: Typed"), SpdxMapping::None);
        assert!(is_license_classifier("License :: Freeware"));
        assert!(!is_license_classifier("Licence :: Freeware"));
    }

    #[test]
    fn sets_of_classifiers() {
        let mit = "License :: OSI Approved :: MIT License";
        assert_eq!(
            classifiers_spdx([mit, "Typing :: Typed"]),
            SpdxMapping::Exact("MIT")
        );
        // The generic parent is ignored.
        assert_eq!(
            classifiers_spdx(["License :: OSI Approved", mit]),
            SpdxMapping::Exact("MIT")
        );
        // Two licences: all apply, or a choice? PEP 639 says do not guess.
        assert_eq!(
            classifiers_spdx([mit, "License :: OSI Approved :: Apache Software License"]),
            SpdxMapping::None
        );
        assert_eq!(classifiers_spdx(["Typing :: Typed"]), SpdxMapping::None);
    }
}
