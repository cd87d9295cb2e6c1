//! The bundled trove classifiers: lookup, deprecation, ranked search, did-you-mean, hierarchy.
//!
//! The data is `data/classifiers/` (from the `trove-classifiers` package, Apache-2.0; regenerate it
//! with `scripts/update-classifiers.py`), embedded at build time and parsed once on first use.
//! Everything here is a pure function over that data: no I/O, no panics, no LSP types.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::LazyLock;

const CLASSIFIERS_TXT: &str = include_str!("../../data/classifiers/classifiers.txt");
const DEPRECATED_TXT: &str = include_str!("../../data/classifiers/deprecated.txt");
const VERSION_TXT: &str = include_str!("../../data/classifiers/VERSION");

/// The prefix PyPI reserves for classifiers that must never be uploaded.
pub const PRIVATE_PREFIX: &str = "Private ::";

/// The classifier people add to make PyPI refuse an accidental upload.
pub const DO_NOT_UPLOAD: &str = "Private :: Do Not Upload";

/// One valid classifier, prepared for searching.
struct Entry {
    name: &'static str,
    lower: String,
    /// Lowercased letters and digits only, for the subsequence fallback.
    compact: Vec<char>,
    /// Counts of each letter and digit (and one bucket for the rest), for a cheap lower bound on
    /// the edit distance in `did_you_mean`.
    histogram: [u8; HISTOGRAM_BUCKETS],
    /// Words (indices into `Data::vocab`, see [`words`]) with the segment each one belongs to.
    words: Vec<(u32, u32)>,
    /// Lowercased `::`-separated segments, trimmed.
    segments: Vec<String>,
    /// Number of words in the last segment: fewer means a more specific match for the same query.
    leaf_words: usize,
}

struct Data {
    version: &'static str,
    /// Every distinct lowercased word of every classifier: a query word is compared with each
    /// once per search, not once per classifier.
    vocab: Vec<String>,
    /// Valid classifiers in the package's order, which is [`natural_cmp`] order.
    entries: Vec<Entry>,
    index: HashMap<&'static str, usize>,
    /// Lowercased name to index, for case mistakes.
    lower_index: HashMap<String, usize>,
    deprecated: HashMap<&'static str, Vec<&'static str>>,
}

static DATA: LazyLock<Data> = LazyLock::new(load);

fn load() -> Data {
    let mut entries = Vec::new();
    let mut vocab: Vec<String> = Vec::new();
    let mut vocab_ids: HashMap<String, u32> = HashMap::new();
    for name in CLASSIFIERS_TXT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let segments: Vec<String> = name.split("::").map(|s| s.trim().to_lowercase()).collect();
        let mut all_words = Vec::new();
        for (i, seg) in segments.iter().enumerate() {
            for w in words(seg) {
                let id = *vocab_ids.entry(w.clone()).or_insert_with(|| {
                    vocab.push(w);
                    u32::try_from(vocab.len() - 1).unwrap_or(u32::MAX)
                });
                all_words.push((id, u32::try_from(i).unwrap_or(u32::MAX)));
            }
        }
        let leaf_words = segments.last().map_or(0, |s| words(s).len());
        let lower = name.to_lowercase();
        let compact = lower.chars().filter(|c| c.is_alphanumeric()).collect();
        let histogram = histogram(&lower);
        entries.push(Entry {
            name,
            lower,
            compact,
            histogram,
            words: all_words,
            segments,
            leaf_words,
        });
    }
    let index = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name, i))
        .collect();
    let lower_index = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name.to_lowercase(), i))
        .collect();
    let mut deprecated = HashMap::new();
    for line in DEPRECATED_TXT.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = line.split('\t').map(str::trim);
        let Some(old) = fields.next() else { continue };
        deprecated.insert(old, fields.filter(|f| !f.is_empty()).collect());
    }
    Data {
        version: VERSION_TXT.trim(),
        vocab,
        entries,
        index,
        lower_index,
        deprecated,
    }
}

/// Splits lowercased text into search words: runs of letters, digits and `.`, `+`, `#`
/// (so `3.10`, `c++` and `c#` stay whole), without leading or trailing dots.
fn words(lower: &str) -> Vec<String> {
    lower
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '+' | '#')))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Parses the bundled list now (about 1.5 ms), so that the first document opened does not wait
/// for it; the server calls this on a blocking thread right after `initialize`.
pub fn load_now() {
    LazyLock::force(&DATA);
}

/// The trove-classifiers release the bundled data comes from.
pub fn version() -> &'static str {
    DATA.version
}

/// All valid (not deprecated) classifiers, in canonical order.
pub fn all() -> impl Iterator<Item = &'static str> {
    DATA.entries.iter().map(|e| e.name)
}

/// Whether `s` is a valid, current classifier (exact spelling; deprecated ones are not).
pub fn is_known(s: &str) -> bool {
    DATA.index.contains_key(s)
}

/// For a deprecated classifier, what replaces it (possibly nothing); `None` when `s` is not
/// deprecated.
pub fn deprecated_replacement(s: &str) -> Option<&'static [&'static str]> {
    DATA.deprecated.get(s).map(Vec::as_slice)
}

/// Whether `s` is in the `Private ::` namespace, which is never "unknown" (hatchling and
/// validate-pyproject agree; the check is case-insensitive like theirs).
pub fn is_private(s: &str) -> bool {
    s.get(..PRIVATE_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(PRIVATE_PREFIX))
}

/// The `::`-separated segments of a classifier, trimmed.
pub fn segments(s: &str) -> Vec<&str> {
    s.split("::").map(str::trim).collect()
}

/// The hierarchy as a one-line detail: `Programming Language › Python › 3.10`.
pub fn hierarchy_detail(s: &str) -> String {
    segments(s).join(" › ")
}

/// How many valid classifiers sit below `s` in the hierarchy.
pub fn child_count(s: &str) -> usize {
    let prefix = format!("{s} ::");
    DATA.entries
        .iter()
        .filter(|e| e.name.starts_with(&prefix))
        .count()
}

/// Markdown for hovering a classifier: its place in the hierarchy, deprecation and replacement,
/// or why it is unknown. Never fails: any string gets a description.
pub fn hover_markdown(s: &str) -> String {
    let mut md = String::new();
    let segs = segments(s);
    for (depth, seg) in segs.iter().enumerate() {
        let indent = "  ".repeat(depth);
        if depth + 1 == segs.len() {
            md.push_str(&format!("{indent}- **{seg}**\n"));
        } else {
            md.push_str(&format!("{indent}- {seg}\n"));
        }
    }
    md.push('\n');
    if is_known(s) {
        md.push_str("Trove classifier");
        let children = child_count(s);
        if children > 0 {
            let plural = if children == 1 { "" } else { "s" };
            md.push_str(&format!(
                "; {children} more specific classifier{plural} below it"
            ));
        }
        md.push_str(".\n");
    } else if let Some(replacements) = deprecated_replacement(s) {
        if replacements.is_empty() {
            md.push_str("**Deprecated** trove classifier, with no replacement: remove it.\n");
        } else {
            let list: Vec<String> = replacements.iter().map(|r| format!("`{r}`")).collect();
            md.push_str(&format!(
                "**Deprecated** trove classifier: use {} instead.\n",
                list.join(" and ")
            ));
        }
    } else if is_private(s) {
        md.push_str(
            "Private classifier: PyPI refuses any upload that carries a `Private ::` classifier, \
             which is what it is for.\n",
        );
    } else {
        md.push_str("**Not a known trove classifier**: PyPI rejects the upload and hatchling and uv_build refuse to build.\n");
        let guesses = did_you_mean(s);
        if !guesses.is_empty() {
            let list: Vec<String> = guesses.iter().map(|g| format!("`{g}`")).collect();
            md.push_str(&format!("\nDid you mean {}?\n", list.join(", ")));
        }
    }
    md.push_str(&format!("\n_trove-classifiers {}_", version()));
    md
}

/// Compares classifiers the way trove-classifiers orders its list: split into runs of digits and
/// of other characters; digit runs compare as numbers (`3.9` before `3.10`), the others as
/// case-sensitive text. Ties fall back to plain comparison so that the order is total.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut ca = chunks(a);
    let mut cb = chunks(b);
    loop {
        match (ca.next(), cb.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = if x.starts_with(|c: char| c.is_ascii_digit())
                    && y.starts_with(|c: char| c.is_ascii_digit())
                {
                    cmp_digits(x, y)
                } else {
                    x.cmp(y)
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

/// Alternating text and digit runs, always starting and ending with a (possibly empty) text run,
/// like Python's `re.split(r"(\d+)", s)`, so digit runs always meet digit runs in `natural_cmp`.
fn chunks(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    let mut want_digits = false;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let end = rest
            .find(|c: char| c.is_ascii_digit() != want_digits)
            .unwrap_or(rest.len());
        let (chunk, tail) = rest.split_at(end);
        if !want_digits && tail.is_empty() {
            done = true;
        }
        rest = tail;
        want_digits = !want_digits;
        Some(chunk)
    })
}

fn cmp_digits(x: &str, y: &str) -> Ordering {
    let x = x.trim_start_matches('0');
    let y = y.trim_start_matches('0');
    x.len().cmp(&y.len()).then_with(|| x.cmp(y))
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub classifier: &'static str,
    /// Higher is better; only meaningful relative to other hits of the same search.
    pub score: u32,
}

/// Longer typed text matches no classifier (the longest is about 100 characters and 20 words),
/// and the typo-tolerant scoring grows with every word: such a query finds nothing, at once.
const MAX_QUERY_CHARS: usize = 240;
const MAX_QUERY_WORDS: usize = 40;

/// Valid classifiers matching `query`, best first, leaving out `already_present` and deprecated
/// ones.
///
/// The query is split into words (`::` and spaces separate them); every word must match a word
/// of the classifier: exactly, as a prefix, inside it, or with one typo (words of four letters or
/// more). So `py 3.1` finds `Programming Language :: Python :: 3.10`, `mit` the MIT licence and
/// `:: Typed` `Typing :: Typed`. Ties keep the canonical order, where versions sort numerically.
/// When no classifier matches that way, the letters of the query are matched as a subsequence.
/// An empty query returns every classifier; one longer than any classifier, nothing.
pub fn search(query: &str, already_present: &[&str]) -> Vec<Hit> {
    if query.chars().count() > MAX_QUERY_CHARS || query.split_whitespace().count() > MAX_QUERY_WORDS
    {
        return Vec::new();
    }
    let data = &*DATA;
    let mut present = vec![false; data.entries.len()];
    for p in already_present {
        if let Some(&i) = data.index.get(p.trim()) {
            present[i] = true;
        }
    }
    let lower = query.to_lowercase();
    let tokens = words(&lower);
    let normalized = normalize_lower(&lower);
    let mut hits: Vec<(u32, usize, usize)> = Vec::new();
    // Typo-tolerant matching only when nothing matches exactly: otherwise `beta` would also
    // offer `Framework :: BEAT` and `linux` `Linguistic`.
    for typos in [false, true] {
        let vocab_scores: Vec<Vec<u8>> = tokens
            .iter()
            .map(|t| {
                data.vocab
                    .iter()
                    .map(|w| {
                        let s = word_score(t, w);
                        if s == 0 && typos { typo_score(t, w) } else { s }
                    })
                    .collect()
            })
            .collect();
        for (i, e) in data.entries.iter().enumerate() {
            if present[i] {
                continue;
            }
            let Some((score, in_leaf)) =
                score_words(&tokens, &vocab_scores, &data.vocab, e, &normalized)
            else {
                continue;
            };
            // When the query ends in the last segment, fewer words there means a closer match
            // (`MIT License` before `MIT No Attribution License`); otherwise keep the canonical
            // order (`Development Status :: 1 - Planning` … `7 - Inactive`).
            let specificity = if in_leaf { e.leaf_words } else { 0 };
            hits.push((score, specificity, i));
        }
        if !hits.is_empty() || tokens.is_empty() {
            break;
        }
    }
    if hits.is_empty() {
        let compact: Vec<char> = lower.chars().filter(|c| c.is_alphanumeric()).collect();
        if compact.len() >= 2 {
            for (i, e) in data.entries.iter().enumerate() {
                if present[i] {
                    continue;
                }
                if let Some(score) = subsequence_score(&compact, &e.compact) {
                    hits.push((score, e.leaf_words, i));
                }
            }
        }
    }
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    hits.into_iter()
        .map(|(score, _, i)| Hit {
            classifier: data.entries[i].name,
            score,
        })
        .collect()
}

/// Lowercase text with `::` segments trimmed and rejoined by ` :: `, inner spaces collapsed.
fn normalize_lower(lower: &str) -> String {
    let segs: Vec<String> = lower
        .split("::")
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    segs.join(" :: ")
}

/// Scores a classifier against query words, and says whether the last one matched in the last
/// segment; `None` when some word matches nothing. `vocab_scores[t][w]` is how well query word
/// `t` matches vocabulary word `w`.
fn score_words(
    tokens: &[String],
    vocab_scores: &[Vec<u8>],
    vocab: &[String],
    e: &Entry,
    normalized_query: &str,
) -> Option<(u32, bool)> {
    if tokens.is_empty() {
        return Some((0, false));
    }
    // A bit per word of the classifier (they have fewer than twenty; words past 64 are ignored).
    let mut used = 0u64;
    let mut total = 0u32;
    let mut last_pos: Option<usize> = None;
    let mut in_order = true;
    let mut last_segment = 0;
    // `:: Typed` asks for a later segment than the first.
    let skip_first_segment = normalized_query.trim_start().starts_with("::");
    for (n, (token, scores)) in tokens.iter().zip(vocab_scores).enumerate() {
        let is_last = n + 1 == tokens.len();
        let mut best: Option<(u32, usize)> = None;
        let maybe_acronym =
            (2..=5).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphabetic());
        for (pos, &(word, segment)) in e.words.iter().enumerate().take(64) {
            if used & (1 << pos) != 0 || (n == 0 && skip_first_segment && segment == 0) {
                continue;
            }
            let mut s = u32::from(scores.get(word as usize).copied().unwrap_or(0));
            if s < 3 && maybe_acronym && acronym_at(token, vocab, &e.words, pos) {
                s = 3;
            }
            // The earliest of equally good words wins, so that the order bonus stays stable;
            // except for the last query word, which prefers the deepest segment (`typ` is more
            // likely `Typing :: Typed` than `Typing :: Stubs Only`).
            if s > 0 && best.is_none_or(|(b, _)| s > b || (is_last && s == b)) {
                best = Some((s, pos));
            }
        }
        let (s, pos) = best?;
        used |= 1 << pos;
        total += s * 10;
        if last_pos.is_some_and(|p| pos < p) {
            in_order = false;
        }
        last_pos = Some(pos);
        last_segment = e.words[pos].1;
    }
    if in_order {
        total += 5;
    }
    let in_leaf = last_segment as usize + 1 == e.segments.len();
    if in_leaf {
        total += 3;
    }
    let query = normalized_query.trim_start();
    if !query.trim().is_empty() && e.lower.starts_with(query) {
        total += 20;
    }
    Some((total, in_leaf))
}

/// How well one query word matches one classifier word: 4 equal, 3 prefix, 1 inside, 0 no match.
/// Typos are scored separately by [`typo_score`], so that they only count when nothing matches
/// without one.
fn word_score(token: &str, word: &str) -> u8 {
    if word == token {
        4
    } else if word.starts_with(token) {
        3
    } else if token.len() >= 2 && contains_bytes(word.as_bytes(), token.as_bytes()) {
        1
    } else {
        0
    }
}

/// `haystack.contains(needle)` for the short words here, without the set-up cost of a substring
/// searcher (this runs for every query word against every vocabulary word).
fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    needle.len() <= haystack.len() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// A query word of four characters or more that is one mistake away from a classifier word (two
/// for eight or more), in full or in the part typed so far: 2 for a confusable character
/// (`3.1O` for `3.10`), else 1; 0 when further away.
fn typo_score(token: &str, word: &str) -> u8 {
    let tlen = token.chars().count();
    if tlen < 4 {
        return 0;
    }
    let limit = if tlen >= 8 { 4 } else { 2 };
    let prefix: String = word.chars().take(tlen).collect();
    let d = weighted_osa(token, word, limit).min(weighted_osa(token, &prefix, limit));
    match d {
        _ if d > limit => 0,
        0 | 1 => 2,
        _ => 1,
    }
}

/// Whether a query word is the initials of consecutive words of one segment (`ai` for
/// `Artificial Intelligence`).
fn acronym_at(token: &str, vocab: &[String], words: &[(u32, u32)], start: usize) -> bool {
    let n = token.chars().count();
    if n < 2 || start + n > words.len() {
        return false;
    }
    let segment = words[start].1;
    token
        .chars()
        .zip(&words[start..start + n])
        .all(|(c, &(w, seg))| {
            seg == segment && vocab.get(w as usize).is_some_and(|w| w.starts_with(c))
        })
}

/// Subsequence match of the query's letters and digits in the classifier; rewards runs of
/// adjacent matches. Used only when no classifier matches word by word.
fn subsequence_score(query: &[char], compact: &[char]) -> Option<u32> {
    let mut qi = 0;
    let mut run = 0u32;
    let mut score = 0u32;
    for &c in compact {
        if qi < query.len() && c == query[qi] {
            qi += 1;
            run += 1;
            score += run;
        } else {
            run = 0;
        }
    }
    (qi == query.len()).then_some(score)
}

/// Characters people type for one another: substituting them costs half.
fn confusable(a: char, b: char) -> bool {
    let pair = |x, y| (a == x && b == y) || (a == y && b == x);
    pair('o', '0') || pair('l', '1') || pair('i', '1') || pair('i', 'l') || pair('s', 'c')
}

/// Optimal-string-alignment distance in half-units (a substitution, insertion, deletion or
/// transposition costs 2, a confusable substitution 1), giving up above `limit` (returns
/// `limit + 1`). Both strings are compared as given (callers lowercase them).
fn weighted_osa(a: &str, b: &str, limit: usize) -> usize {
    // Classifiers are ASCII: compare bytes without collecting, and keep short rows on the stack.
    if a.is_ascii() && b.is_ascii() {
        osa_core(a.as_bytes(), b.as_bytes(), limit)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        osa_core(&a, &b, limit)
    }
}

fn osa_core<T: Copy + PartialEq + Into<char>>(a: &[T], b: &[T], limit: usize) -> usize {
    if a.len().abs_diff(b.len()) * 2 > limit {
        return limit + 1;
    }
    const STACK: usize = 96;
    let w = b.len() + 1;
    let (mut s0, mut s1, mut s2) = ([0usize; STACK], [0usize; STACK], [0usize; STACK]);
    let (mut h0, mut h1, mut h2);
    let (mut prev2, mut prev, mut cur): (&mut [usize], &mut [usize], &mut [usize]) = if w <= STACK {
        (&mut s0[..w], &mut s1[..w], &mut s2[..w])
    } else {
        h0 = vec![0usize; w];
        h1 = vec![0usize; w];
        h2 = vec![0usize; w];
        (&mut h0[..], &mut h1[..], &mut h2[..])
    };
    for (j, v) in prev.iter_mut().enumerate() {
        *v = j * 2;
    }
    for i in 1..=a.len() {
        cur[0] = i * 2;
        let mut row_min = cur[0];
        for j in 1..w {
            let (x, y) = (a[i - 1], b[j - 1]);
            let sub = if x == y {
                0
            } else if confusable(x.into(), y.into()) {
                1
            } else {
                2
            };
            let mut v = (prev[j - 1] + sub).min(prev[j] + 2).min(cur[j - 1] + 2);
            if i > 1 && j > 1 && x == b[j - 2] && a[i - 2] == y {
                v = v.min(prev2[j - 2] + 2);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[w - 1].min(limit + 1)
}

/// Up to three valid classifiers that `s` was probably meant to be, best first; empty when nothing
/// is close. Catches case and spacing mistakes, typos (`3.1O`, `Licence`), and missing or
/// misspelled leading segments (`Python :: 3.12`, `License :: MIT License`).
pub fn did_you_mean(s: &str) -> Vec<&'static str> {
    let data = &*DATA;
    let lower = normalize_lower(&s.to_lowercase());
    if lower.trim().is_empty() {
        return Vec::new();
    }
    if let Some(&i) = data.lower_index.get(&lower) {
        let name = data.entries[i].name;
        return if name == s { Vec::new() } else { vec![name] };
    }
    // The tolerance grows with the length: about one mistake in six characters, at least one.
    let limit = (lower.chars().count() / 3).max(2);
    let input_segments: Vec<&str> = lower.split(" :: ").collect();
    let mut found: Vec<(usize, usize)> = Vec::new();
    let input_histogram = histogram(&lower);
    for (i, e) in data.entries.iter().enumerate() {
        // Each edit changes the character counts by at most one on each side, so the larger
        // one-sided difference bounds the distance from below (in half units, as a confusable
        // substitution costs one).
        let bound = bag_distance(&input_histogram, &e.histogram);
        let mut best = if bound > limit {
            limit + 1
        } else {
            weighted_osa(&lower, &e.lower, limit)
        };
        if input_segments.len() < e.segments.len()
            && let Some(d) = segment_subsequence_distance(&input_segments, &e.segments)
        {
            // Leaving out segments is a bigger mistake than a typo, but a likely one.
            best = best.min(d + 3);
        }
        if best <= limit {
            found.push((best, i));
        }
    }
    found.sort();
    let Some(&(first, _)) = found.first() else {
        return Vec::new();
    };
    found
        .into_iter()
        .take_while(|&(d, _)| d <= first + 2)
        .take(3)
        .map(|(_, i)| data.entries[i].name)
        .collect()
}

const HISTOGRAM_BUCKETS: usize = 37;

fn histogram(lower: &str) -> [u8; HISTOGRAM_BUCKETS] {
    let mut h = [0u8; HISTOGRAM_BUCKETS];
    for c in lower.chars() {
        let bucket = match c {
            'a'..='z' => c as usize - 'a' as usize,
            '0'..='9' => 26 + c as usize - '0' as usize,
            _ => 36,
        };
        h[bucket] = h[bucket].saturating_add(1);
    }
    h
}

fn bag_distance(a: &[u8; HISTOGRAM_BUCKETS], b: &[u8; HISTOGRAM_BUCKETS]) -> usize {
    let (mut more, mut fewer) = (0usize, 0usize);
    for (x, y) in a.iter().zip(b) {
        if x > y {
            more += usize::from(x - y);
        } else {
            fewer += usize::from(y - x);
        }
    }
    more.max(fewer)
}

/// When every input segment matches (within a small typo) a distinct segment of the candidate, in
/// order, the summed distance; the input's last segment must match the candidate's last.
fn segment_subsequence_distance(input: &[&str], candidate: &[String]) -> Option<usize> {
    let (Some(last_in), Some(last_cand)) = (input.last(), candidate.last()) else {
        return None;
    };
    let mut total = weighted_osa(last_in, last_cand, 2);
    if total > 2 {
        return None;
    }
    let mut j = 0;
    for seg in &input[..input.len() - 1] {
        let mut matched = false;
        while j + 1 < candidate.len() {
            let d = weighted_osa(seg, &candidate[j], 2);
            j += 1;
            if d <= 2 {
                total += d;
                matched = true;
                break;
            }
        }
        if !matched {
            return None;
        }
    }
    Some(total)
}

/// A Python version claimed by a `Programming Language :: Python :: …` classifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PythonVersion {
    pub major: u64,
    /// `None` for the major-only classifiers (`Programming Language :: Python :: 3`).
    pub minor: Option<u64>,
}

const PYTHON_PREFIX: &str = "Programming Language :: Python :: ";

/// The version in `Programming Language :: Python :: 3` or `… :: 3.12`; `None` for every other
/// classifier, including `… :: 3 :: Only` and the implementation ones.
pub fn python_version(classifier: &str) -> Option<PythonVersion> {
    let rest = classifier.trim().strip_prefix(PYTHON_PREFIX)?;
    let (major, minor) = match rest.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (rest, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(major) || minor.is_some_and(|m| !digits(m)) {
        return None;
    }
    Some(PythonVersion {
        major: major.parse().ok()?,
        minor: match minor {
            Some(m) => Some(m.parse().ok()?),
            None => None,
        },
    })
}

/// The classifier for Python `major.minor`: `Programming Language :: Python :: 3.12`.
pub fn python_classifier(major: u64, minor: u64) -> String {
    format!("{PYTHON_PREFIX}{major}.{minor}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(hits: &[Hit]) -> Vec<&'static str> {
        hits.iter().map(|h| h.classifier).collect()
    }

    #[test]
    fn a_query_longer_than_any_classifier_finds_nothing() {
        let long = "Programming Language :: Python :: 3 ".repeat(8);
        assert!(search(&long, &[]).is_empty());
        let many = "a ".repeat(41);
        assert!(search(&many, &[]).is_empty());
        assert!(!search("Programming Language :: Python :: 3.1", &[]).is_empty());
    }

    #[test]
    fn data_loads_and_has_the_expected_shape() {
        assert!(all().count() > 800, "{}", all().count());
        assert!(!version().is_empty());
        assert!(is_known("Typing :: Typed"));
        assert!(is_known("Programming Language :: Python :: 3.10"));
        assert!(!is_known("Natural Language :: Ukranian"));
        assert_eq!(
            deprecated_replacement("Natural Language :: Ukranian"),
            Some(&["Natural Language :: Ukrainian"][..])
        );
        assert_eq!(
            deprecated_replacement("Topic :: Communications :: Chat :: AOL Instant Messenger"),
            Some(&[][..])
        );
        assert_eq!(deprecated_replacement("Typing :: Typed"), None);
        // Deprecated classifiers are not in the valid list, and replacements are valid.
        for (old, new) in DATA.deprecated.iter() {
            assert!(!is_known(old), "{old}");
            for n in new {
                assert!(is_known(n), "{n}");
            }
        }
    }

    #[test]
    fn natural_cmp_reproduces_the_package_order() {
        let list: Vec<&str> = all().collect();
        let mut sorted = list.clone();
        sorted.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(sorted, list);
        assert_eq!(
            natural_cmp("Python :: 3.9", "Python :: 3.10"),
            Ordering::Less
        );
        assert_eq!(
            natural_cmp("a 010", "a 10"),
            Ordering::Less,
            "total order falls back to text"
        );
        assert_eq!(natural_cmp("", "a"), Ordering::Less);
    }

    #[test]
    fn search_py_3_1_offers_python_3_10_and_later_in_numeric_order() {
        let hits = names(&search("py 3.1", &[]));
        let py: Vec<&str> = hits
            .iter()
            .copied()
            .filter(|h| h.starts_with("Programming Language :: Python :: 3.1"))
            .collect();
        for v in 10..=14 {
            assert!(
                py.contains(&format!("Programming Language :: Python :: 3.{v}").as_str()),
                "{py:?}"
            );
        }
        // The exact word 3.1 comes first, then 3.10, 3.11, … in numeric order.
        assert_eq!(hits[0], "Programming Language :: Python :: 3.1");
        let pos = |v: &str| {
            hits.iter()
                .position(|h| *h == format!("Programming Language :: Python :: {v}"))
        };
        assert!(pos("3.10") < pos("3.11") && pos("3.11") < pos("3.14"));
        assert!(!hits.iter().any(|h| h.contains("Django")), "{hits:?}");
    }

    #[test]
    fn search_mit_puts_the_mit_licence_first() {
        let hits = names(&search("mit", &[]));
        assert_eq!(hits[0], "License :: OSI Approved :: MIT License");
        assert!(hits.contains(&"License :: OSI Approved :: MIT No Attribution License (MIT-0)"));
        // The deprecated MITRE licence classifier is never offered.
        assert!(!hits.iter().any(|h| h.contains("MITRE")));
    }

    #[test]
    fn search_by_a_later_segment() {
        assert_eq!(names(&search(":: Typed", &[]))[0], "Typing :: Typed");
        assert_eq!(names(&search("typed", &[]))[0], "Typing :: Typed");
    }

    #[test]
    fn search_full_prefix_and_typos() {
        let hits = names(&search("Programming Language :: Python :: 3.1", &[]));
        assert_eq!(hits[0], "Programming Language :: Python :: 3.1");
        assert_eq!(hits[1], "Programming Language :: Python :: 3.10");
        let hits = names(&search("pyhton 3.12", &[]));
        assert_eq!(hits[0], "Programming Language :: Python :: 3.12");
        let hits = names(&search("Licence MIT", &[]));
        assert_eq!(hits[0], "License :: OSI Approved :: MIT License");
    }

    #[test]
    fn search_leaves_out_present_and_deprecated_ones() {
        let hits = names(&search(
            "py 3.1",
            &["Programming Language :: Python :: 3.12"],
        ));
        assert!(!hits.contains(&"Programming Language :: Python :: 3.12"));
        assert!(hits.contains(&"Programming Language :: Python :: 3.13"));
        let hits = names(&search("ukr", &[]));
        assert!(hits.contains(&"Natural Language :: Ukrainian"));
        assert!(!hits.contains(&"Natural Language :: Ukranian"));
        let hits = names(&search("", &["Typing :: Typed"]));
        assert_eq!(hits.len(), all().count() - 1);
    }

    #[test]
    fn search_falls_back_to_subsequence() {
        let hits = names(&search("tptyd", &[]));
        assert!(hits.contains(&"Typing :: Typed"), "{hits:?}");
        assert!(search("zzzzqqqq", &[]).is_empty());
    }

    #[test]
    fn did_you_mean_finds_typos() {
        let got = did_you_mean("Programming Language :: Python :: 3.1O");
        assert_eq!(got[0], "Programming Language :: Python :: 3.10");
        assert!(got.len() <= 3);
        let got = did_you_mean("Licence :: OSI Approved :: MIT License");
        assert_eq!(got[0], "License :: OSI Approved :: MIT License");
        assert_eq!(did_you_mean("typing :: typed"), vec!["Typing :: Typed"]);
        assert_eq!(did_you_mean("Typing::Typed"), vec!["Typing :: Typed"]);
        assert_eq!(
            did_you_mean("Python :: 3.12")[0],
            "Programming Language :: Python :: 3.12"
        );
        assert_eq!(
            did_you_mean("License :: MIT License")[0],
            "License :: OSI Approved :: MIT License"
        );
        assert_eq!(
            did_you_mean("Topic :: Software Development :: Libraries :: Pyhton Modules")[0],
            "Topic :: Software Development :: Libraries :: Python Modules"
        );
        assert!(did_you_mean("Completely Made Up :: Nonsense Here").is_empty());
        assert!(did_you_mean("").is_empty());
        assert!(
            did_you_mean("Typing :: Typed").is_empty(),
            "a valid classifier needs no guess"
        );
    }

    #[test]
    fn python_versions() {
        assert_eq!(
            python_version("Programming Language :: Python :: 3.12"),
            Some(PythonVersion {
                major: 3,
                minor: Some(12)
            })
        );
        assert_eq!(
            python_version("Programming Language :: Python :: 3"),
            Some(PythonVersion {
                major: 3,
                minor: None
            })
        );
        assert_eq!(
            python_version("Programming Language :: Python :: 3 :: Only"),
            None
        );
        assert_eq!(
            python_version("Programming Language :: Python :: Implementation :: CPython"),
            None
        );
        assert_eq!(
            python_version("Programming Language :: Python :: 3.x"),
            None
        );
        assert_eq!(
            python_classifier(3, 14),
            "Programming Language :: Python :: 3.14"
        );
        assert!(is_known(&python_classifier(
            3,
            crate::spec::python::LATEST_MINOR
        )));
    }

    #[test]
    fn private_and_hover() {
        assert!(is_private("Private :: Do Not Upload"));
        assert!(is_private("private :: internal"));
        assert!(!is_private("Priv"));
        let md = hover_markdown("Programming Language :: Python");
        assert!(
            md.contains("- Programming Language\n  - **Python**"),
            "{md}"
        );
        assert!(md.contains("more specific"), "{md}");
        let md = hover_markdown("Natural Language :: Ukranian");
        assert!(md.contains("Natural Language :: Ukrainian"), "{md}");
        let md = hover_markdown("Licence :: OSI Approved :: MIT License");
        assert!(
            md.contains("Did you mean `License :: OSI Approved :: MIT License`"),
            "{md}"
        );
        assert_eq!(hierarchy_detail("Typing :: Typed"), "Typing › Typed");
    }

    #[test]
    fn weighted_distance() {
        assert_eq!(weighted_osa("3.1o", "3.10", 10), 1);
        assert_eq!(weighted_osa("abc", "acb", 10), 2);
        assert_eq!(weighted_osa("abc", "abcd", 10), 2);
        assert_eq!(weighted_osa("", "abcdefgh", 4), 5);
        assert_eq!(weighted_osa("pyhton", "python", 10), 2);
        assert_eq!(typo_score("pyhton", "python"), 1);
        assert_eq!(typo_score("3.1o", "3.10"), 2);
        assert_eq!(typo_score("beta", "webassembly"), 0);
    }
}
