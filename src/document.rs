//! An open document: its text (a rope for edits and positions, a string for analysis), its version
//! and its parsed manifest. Immutable: an edit yields a new `Document`.

use ropey::Rope;

use crate::manifest::Manifest;

/// How the client counts characters in a line (negotiated at `initialize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

/// A position as the client gives it: zero-based line and character in the negotiated encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub character: u32,
}

/// One change of a `didChange`: a range replacement, or the whole text when `range` is None.
#[derive(Clone, Debug)]
pub struct Change {
    pub range: Option<(Pos, Pos)>,
    pub text: String,
}

pub struct Document {
    pub text: String,
    pub rope: Rope,
    pub version: i32,
    pub manifest: Manifest,
}

/// A note about an edit we had to adjust (a range past the end, inverted, inside a surrogate pair).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditNote(pub String);

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let rope = Rope::from_str(&text);
        let manifest = Manifest::parse(&text);
        Document {
            text,
            rope,
            version,
            manifest,
        }
    }

    /// Applies changes in order and reparses once. Out-of-range positions are clamped (and noted)
    /// rather than refused, so the document stays usable and in step with what the client shows.
    pub fn apply(
        &self,
        changes: &[Change],
        version: i32,
        encoding: Encoding,
    ) -> (Document, Vec<EditNote>) {
        let mut rope = self.rope.clone();
        let mut notes = Vec::new();
        for change in changes {
            match change.range {
                None => rope = Rope::from_str(&change.text),
                Some((start, end)) => {
                    let (mut a, note_a) = char_index(&rope, start, encoding);
                    let (mut b, note_b) = char_index(&rope, end, encoding);
                    notes.extend(note_a);
                    notes.extend(note_b);
                    if a > b {
                        notes.push(EditNote(format!(
                            "edit range {start:?}..{end:?} is inverted; swapped"
                        )));
                        std::mem::swap(&mut a, &mut b);
                    }
                    rope.remove(a..b);
                    rope.insert(a, &change.text);
                }
            }
        }
        let text = rope.to_string();
        let manifest = Manifest::parse(&text);
        (
            Document {
                text,
                rope,
                version,
                manifest,
            },
            notes,
        )
    }

    /// Byte offset of a client position (clamped into the text).
    pub fn offset(&self, pos: Pos, encoding: Encoding) -> usize {
        let (ch, _) = char_index(&self.rope, pos, encoding);
        self.rope.char_to_byte(ch)
    }

    /// Client position of a byte offset (clamped, and moved back to a character boundary).
    pub fn pos(&self, offset: usize, encoding: Encoding) -> Pos {
        position_in(&self.rope, offset, encoding)
    }
}

/// The position of a byte offset in a rope.
pub fn position_in(rope: &Rope, offset: usize, encoding: Encoding) -> Pos {
    let offset = offset.min(rope.len_bytes());
    // Move back to a char boundary: byte_to_char rounds down.
    let ch = rope.byte_to_char(offset);
    let line = rope.char_to_line(ch);
    let line_start = rope.line_to_char(line);
    let character = match encoding {
        Encoding::Utf8 => rope.char_to_byte(ch) - rope.char_to_byte(line_start),
        Encoding::Utf16 => rope.char_to_utf16_cu(ch) - rope.char_to_utf16_cu(line_start),
    };
    Pos {
        line: line as u32,
        character: character as u32,
    }
}

/// The char index of a client position, clamped: a line past the end means the end of the text, a
/// character past the end of its line means the end of that line (before its line break).
fn char_index(rope: &Rope, pos: Pos, encoding: Encoding) -> (usize, Option<EditNote>) {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        let note = (line > rope.len_lines()).then(|| {
            EditNote(format!(
                "line {} is past the end of the document ({} lines); clamped",
                pos.line,
                rope.len_lines()
            ))
        });
        return (rope.len_chars(), note);
    }
    let line_start = rope.line_to_char(line);
    let line_slice = rope.line(line);
    // Length of the line without its line break.
    let mut line_chars = line_slice.len_chars();
    while line_chars > 0 && matches!(line_slice.char(line_chars - 1), '\n' | '\r') {
        line_chars -= 1;
    }
    let want = pos.character as usize;
    let mut note = None;
    let ch = match encoding {
        Encoding::Utf8 => {
            let line_bytes = line_slice.slice(..line_chars).len_bytes();
            if want > line_bytes {
                note = Some(EditNote(format!(
                    "character {want} is past the end of line {line}; clamped"
                )));
            }
            let b = want.min(line_bytes);
            // Round down to a char boundary.
            line_slice.byte_to_char(b)
        }
        Encoding::Utf16 => {
            let units = line_slice.slice(..line_chars).len_utf16_cu();
            if want > units {
                note = Some(EditNote(format!(
                    "character {want} is past the end of line {line}; clamped"
                )));
            }
            let u = want.min(units);
            // A position inside a surrogate pair rounds down to the start of the character.
            let c = line_slice.utf16_cu_to_char(u);
            if line_slice.char_to_utf16_cu(c) != u {
                note = Some(EditNote(format!(
                    "character {want} of line {line} splits a surrogate pair; rounded down"
                )));
            }
            c
        }
    };
    (line_start + ch, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u32, character: u32) -> Pos {
        Pos { line, character }
    }

    #[test]
    fn utf16_edit_after_emoji() {
        let d = Document::new("description = \"😀 x\"\n".to_string(), 1);
        // The emoji is 2 UTF-16 units: `x` is at character 18.
        let (d2, notes) = d.apply(
            &[Change {
                range: Some((p(0, 18), p(0, 19))),
                text: "y".into(),
            }],
            2,
            Encoding::Utf16,
        );
        assert!(notes.is_empty());
        assert_eq!(d2.text, "description = \"😀 y\"\n");
        assert_eq!(
            d2.pos(d2.text.find('y').unwrap_or(0), Encoding::Utf16),
            p(0, 18)
        );
        assert_eq!(
            d2.pos(d2.text.find('y').unwrap_or(0), Encoding::Utf8),
            p(0, 20)
        );
    }

    #[test]
    fn out_of_range_is_clamped() {
        let d = Document::new("a\nb\n".to_string(), 1);
        let (d2, notes) = d.apply(
            &[Change {
                range: Some((p(9, 0), p(12, 3))),
                text: "c".into(),
            }],
            2,
            Encoding::Utf16,
        );
        assert_eq!(d2.text, "a\nb\nc");
        assert_eq!(notes.len(), 2);
        let (d3, _) = d.apply(
            &[Change {
                range: Some((p(0, 50), p(0, 60))),
                text: "z".into(),
            }],
            2,
            Encoding::Utf8,
        );
        assert_eq!(d3.text, "az\nb\n");
    }

    #[test]
    fn crlf_lines() {
        let d = Document::new("a = 1\r\nb = 2\r\n".to_string(), 1);
        let (d2, _) = d.apply(
            &[Change {
                range: Some((p(1, 4), p(1, 99))),
                text: "3".into(),
            }],
            2,
            Encoding::Utf16,
        );
        assert_eq!(d2.text, "a = 1\r\nb = 3\r\n");
    }
}
