//! The fuzz checks, shared by the cargo-fuzz targets (fuzz/fuzz_targets/) and the regression test
//! that replays every input the fuzzers ever crashed on (tests/fuzz_regressions.rs).
//! `analysis`: arbitrary text through parsing, every diagnostic rule, and completion and hover at
//! every few offsets. `edits`: random sequences of incremental edits (in and out of bounds,
//! inverted, inside UTF-16 surrogate pairs, CRLF) through `Document::apply`, checked against a
//! plain reference over a `Vec<char>` that follows LSP 3.17's rules for lines and positions.

use std::sync::Arc;

use pyproject_lsp::document::{Change, Document, Encoding, Pos};
use pyproject_lsp::features;
use pyproject_lsp::rules::Facts;
use pyproject_lsp::state::Snapshot;

/// Pieces of text an edit inserts: the awkward ones (CRLF, lone CR, astral chars, combining marks).
const PIECES: &[&str] = &[
    "",
    "a",
    "\n",
    "\r\n",
    "\r",
    "😀",
    "é",
    "e\u{301}",
    "[project]\n",
    "name = \"x\"\n",
    "\"",
    "#",
    "𝔘\r\n𝔘",
    "\u{2028}",
    "\t",
    "= [\n",
    "]\n",
    "\u{feff}",
];

/// The length of the line break starting at `i`, as LSP 3.17 counts them: `\n`, `\r\n` and `\r`
/// only. Other Unicode separators (U+2028, NEL, form feed) are ordinary characters to the client.
pub fn is_break(chars: &[char], i: usize) -> Option<usize> {
    match chars[i] {
        '\r' if chars.get(i + 1) == Some(&'\n') => Some(2),
        '\n' | '\r' => Some(1),
        _ => None,
    }
}

/// The char index of a position, by the rules in `document.rs`: a line past the end is the end of
/// the text; a character past the end of its line is the end of the line before its break; a
/// UTF-16 position inside a surrogate pair rounds down; a UTF-8 one inside a char rounds down.
pub fn reference_index(chars: &[char], pos: Pos, encoding: Encoding) -> usize {
    // Line starts.
    let mut starts = vec![0];
    let mut i = 0;
    while i < chars.len() {
        if let Some(n) = is_break(chars, i) {
            i += n;
            starts.push(i);
        } else {
            i += 1;
        }
    }
    let line = pos.line as usize;
    if line >= starts.len() {
        return chars.len();
    }
    let start = starts[line];
    let mut end = starts.get(line + 1).copied().unwrap_or(chars.len());
    while end > start && matches!(chars[end - 1], '\n' | '\r') {
        end -= 1;
    }
    let want = pos.character as usize;
    let mut units = 0;
    for (k, c) in chars[start..end].iter().enumerate() {
        let w = match encoding {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
        if units + w > want {
            return start + k;
        }
        units += w;
    }
    end
}

pub fn analysis(data: &[u8]) {
    // Invalid UTF-8 never reaches the analysis (the LSP transport is JSON text), but lossy text does.
    let text = String::from_utf8_lossy(data).into_owned();
    let (snapshot, _) = Snapshot::new(None, Arc::new(Document::new(text.clone(), 1)), None);
    let facts = Facts::default();
    let _ = features::diagnostics(&snapshot, &facts);
    // Every offset on short inputs, a few dozen spread over long ones; moved back to a char
    // boundary, as the server's position conversion (a rope) always gives one.
    let step = (text.len() / 48).max(1);
    let mut offset = 0;
    while offset <= text.len() {
        let mut at = offset;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let _ = features::completion::completions(&snapshot, at, &facts);
        let _ = features::hover::hover(&snapshot, at, &facts);
        offset += step;
    }
}

pub fn edits(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let encoding = if first & 1 == 0 {
        Encoding::Utf16
    } else {
        Encoding::Utf8
    };
    // The initial text: up to the first 0xFF byte, lossy; the rest drives the edits.
    let split = rest
        .iter()
        .position(|&b| b == 0xFF)
        .unwrap_or(rest.len().min(64));
    let initial = String::from_utf8_lossy(&rest[..split]).into_owned();
    let mut ops = rest.get(split + 1..).unwrap_or(&[]).chunks_exact(6);
    let mut doc = Document::new(initial.clone(), 1);
    let mut reference: Vec<char> = initial.chars().collect();
    let mut version = 1;
    for op in ops.by_ref().take(64) {
        version += 1;
        let p = |l: u8, c: u8| Pos {
            line: u32::from(l % 16),
            character: if c >= 250 {
                u32::MAX - u32::from(c)
            } else {
                u32::from(c % 48)
            },
        };
        let start = p(op[0], op[1]);
        let end = p(op[2], op[3]);
        let piece = PIECES[usize::from(op[4]) % PIECES.len()].repeat(usize::from(op[5] % 3) + 1);
        let change = if op[4] == 0xFE {
            Change {
                range: None,
                text: piece.clone(),
            }
        } else {
            Change {
                range: Some((start, end)),
                text: piece.clone(),
            }
        };
        // Reference.
        match change.range {
            None => reference = piece.chars().collect(),
            Some((s, e)) => {
                let mut a = reference_index(&reference, s, encoding);
                let mut b = reference_index(&reference, e, encoding);
                if a > b {
                    std::mem::swap(&mut a, &mut b);
                }
                reference.splice(a..b, piece.chars());
            }
        }
        let (next, _notes) = doc.apply(std::slice::from_ref(&change), version, encoding);
        let expected: String = reference.iter().collect();
        assert_eq!(next.text, expected, "after {change:?} ({encoding:?})");
        assert_eq!(next.version, version);
        // Positions round-trip on every char boundary of the new text.
        for (offset, _) in next.text.char_indices().step_by(7) {
            // The middle of a CRLF is not a position a client can name.
            if offset > 0
                && next.text[..offset].ends_with('\r')
                && next.text[offset..].starts_with('\n')
            {
                continue;
            }
            let pos = next.pos(offset, encoding);
            assert_eq!(next.offset(pos, encoding), offset, "round trip at {offset}");
        }
        doc = next;
    }
}
