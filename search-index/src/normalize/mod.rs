//! One normalisation of Vietnamese text, shared by ingestion, indexing and queries, so that
//! what is stored, what is indexed and what is asked for agree.
//!
//! Government text arrives in composed (NFC) and decomposed (NFD) Unicode, with look-alike
//! letters for Đ and two conventions of tone placement ("hoà"/"hòa"); the national procedure
//! export itself mixes them. [`normalize`] makes one canonical form; [`fold`] removes tone and
//! vowel marks for accent-insensitive matching.

mod input_method;
pub mod marks;
pub mod legacy;
mod syllable;
#[cfg(test)]
mod properties;

pub use input_method::decode_input_residue;
pub use syllable::{Syllable, place_tone};

use unicode_normalization::{IsNormalized, UnicodeNormalization, char::is_combining_mark, is_nfc_quick};

/// Canonical form of a text: NFC, look-alike capital D-with-stroke letters mapped to Đ,
/// invisible format characters (zero-width spaces, direction marks, BOM) removed, and tone
/// marks placed by one convention ("hoà" → "hòa", "thuỷ" → "thủy"; see [`place_tone`]).
///
/// Idempotent: `normalize(normalize(x)) == normalize(x)`.
pub fn normalize(text: &str) -> String {
    // Most text is already composed and clean: one quick check spares the NFC pass.
    let clean = !text.chars().any(|c| is_invisible(c) || matches!(c, '\u{00D0}' | '\u{0189}'));
    let composed: String = if clean && is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.to_string()
    } else {
        // Invisible characters go first, so marks they separated compose with their letter.
        text.chars()
            .filter(|c| !is_invisible(*c))
            .nfc()
            .map(|c| match c {
                // Ð (Icelandic eth) and Ɖ (African D) are typed for Đ by some legacy keyboards.
                '\u{00D0}' | '\u{0189}' => 'Đ',
                c => c,
            })
            .collect()
    };
    if composed.is_ascii() {
        return composed;
    }
    place_tones(&composed)
}

/// Applies [`place_tone`] to every word of a text.
fn place_tones(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start: Option<usize> = None;
    let flush = |out: &mut String, word: &str| match may_need_tone_placement(word).then(|| place_tone(word)).flatten() {
        Some(fixed) => out.push_str(&fixed),
        None => out.push_str(word),
    };
    for (i, c) in text.char_indices() {
        let in_word = c.is_alphabetic() || is_combining_mark(c);
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                flush(&mut out, &text[s..i]);
                start = None;
                out.push(c);
            }
            (false, None) => out.push(c),
            (true, Some(_)) => {}
        }
    }
    if let Some(s) = start {
        flush(&mut out, &text[s..]);
    }
    out
}

/// Whether a word could have its tone mark in the wrong place: it has a mark and two or
/// more vowels. Most syllables have one vowel, so this spares them the syllable parse.
fn may_need_tone_placement(word: &str) -> bool {
    if word.is_ascii() {
        return false;
    }
    let mut vowels = 0;
    for c in word.chars() {
        let base = if c.is_ascii() {
            c.to_ascii_lowercase()
        } else if is_combining_mark(c) {
            // A mark NFC could not compose: let the full parse decide.
            return true;
        } else {
            LATIN_FOLDS.get(c).unwrap_or(c)
        };
        if matches!(base, 'a' | 'e' | 'i' | 'o' | 'u' | 'y') {
            vowels += 1;
            if vowels > 1 {
                return true;
            }
        }
    }
    false
}

/// Zero-width and direction-mark characters that copy-paste leaves inside words
/// ("k\u{200E}ý"), splitting them for search.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

/// Text as it arrives from outside (an import, a crawl, a query): legacy encodings repaired
/// ([`legacy::repair`]), then [`normalize`]d. Repair must come first: normalisation removes
/// the soft hyphen, which is a letter in TCVN3.
pub fn canonical(text: &str) -> String {
    match legacy::repair(text) {
        Some(repaired) => normalize(&repaired),
        None => normalize(text),
    }
}

/// Lowercase and strip every diacritic, mapping đ to d: "Đăng ký" → "dang ky".
///
/// Citizens often type without diacritics; the folded form lets them find every spelling.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// The words of folded text, split at anything but letters and digits: how the steps after
/// scoring compare names ("cap lai the can cuoc (cap tinh)" → cap, lai, …, tinh).
pub(crate) fn folded_words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// [`fold`] appending to `out`, so an analyser can reuse one buffer for every token.
pub fn fold_into(text: &str, out: &mut String) {
    for c in text.chars() {
        fold_char_into(c, out);
    }
}

/// [`fold_into`] for one character, so a tokenizer can fold while it scans.
pub fn fold_char_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if let Some(base) = LATIN_FOLDS.get(c) {
        out.push(base);
    } else if is_combining_mark(c) {
        // A decomposed mark: the letter before it was already written.
    } else {
        fold_char_slowly(c, out);
    }
}

/// The reference folding of one character: decompose, drop the marks, lowercase.
fn fold_char_slowly(c: char, out: &mut String) {
    for d in std::iter::once(c).nfd() {
        match d {
            _ if is_combining_mark(d) => {}
            'đ' | 'Đ' | '\u{00D0}' | '\u{0189}' => out.push('d'),
            d if d.is_ascii() => out.push(d.to_ascii_lowercase()),
            d => out.extend(d.to_lowercase()),
        }
    }
}

/// The folded ASCII letter of every Latin letter with marks (Latin-1 Supplement, Extended
/// A and B, and Extended Additional, where Vietnamese lives), computed once from the
/// reference folding; other characters take the slow path.
struct LatinFolds {
    table: Vec<u8>,
}

static LATIN_FOLDS: std::sync::LazyLock<LatinFolds> = std::sync::LazyLock::new(LatinFolds::new);

/// Ranges of the table, as (first code point, length).
const LATIN_RANGES: [(u32, u32); 2] = [(0x00C0, 0x0250 - 0x00C0), (0x1E00, 0x0100)];

impl LatinFolds {
    fn new() -> Self {
        let mut table = Vec::new();
        for (first, len) in LATIN_RANGES {
            for cp in first..first + len {
                let mut folded = String::new();
                if let Some(c) = char::from_u32(cp) {
                    fold_char_slowly(c, &mut folded);
                }
                // Only single ASCII letters are tabled; anything else stays on the slow path.
                let byte = match folded.as_bytes() {
                    [b] if b.is_ascii_alphabetic() => *b,
                    _ => 0,
                };
                table.push(byte);
            }
        }
        Self { table }
    }

    fn get(&self, c: char) -> Option<char> {
        let cp = u32::from(c);
        let mut offset = 0;
        for (first, len) in LATIN_RANGES {
            if (first..first + len).contains(&cp) {
                let b = *self.table.get((offset + cp - first) as usize)?;
                return (b != 0).then_some(char::from(b));
            }
            offset += len;
        }
        None
    }
}

/// Unifies the i/y spellings of a folded syllable ("ky"/"ki", "ly"/"li", "quy"/"qui"):
/// both conventions appear in official text ("kỹ thuật"/"kĩ thuật"), citizens type either.
pub fn unify_i_y(folded: &str) -> std::borrow::Cow<'_, str> {
    if ends_in_unifiable_y(folded) {
        std::borrow::Cow::Owned(format!("{}i", &folded[..folded.len() - 1]))
    } else {
        std::borrow::Cow::Borrowed(folded)
    }
}

/// [`unify_i_y`] rewriting its argument, so an analyser allocates nothing per token.
pub fn unify_i_y_in_place(folded: &mut String) {
    if ends_in_unifiable_y(folded) {
        folded.pop();
        folded.push('i');
    }
}

/// Whether a folded syllable ends in a "y" that is spelt "i" as well: after a consonant or
/// "qu", in a word of ASCII lowercase letters.
fn ends_in_unifiable_y(folded: &str) -> bool {
    let bytes = folded.as_bytes();
    let n = bytes.len();
    let consonant_before = n >= 2 && !matches!(bytes[n - 2], b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let qu_before = folded.ends_with("quy");
    bytes.last() == Some(&b'y') && (consonant_before || qu_before) && bytes[..n - 1].iter().all(u8::is_ascii_lowercase)
}

/// A URL slug of a Vietnamese name: folded, lowercase ASCII words joined by hyphens,
/// "Phường Thuận Hóa" → "phuong-thuan-hoa".
pub fn slugify(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Whether a word carries any Vietnamese diacritic (tone mark, vowel mark or đ).
///
/// An accented query word asks for that exact spelling to rank first.
pub fn has_diacritics(word: &str) -> bool {
    word.chars().any(|c| !c.is_ascii() && c.is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composes_decomposed_text() {
        let decomposed = "Thu\u{0323} ly\u{0301}";
        assert_eq!(normalize(decomposed), "Thụ lý");
        assert_eq!(normalize(&normalize(decomposed)), normalize(decomposed));
        assert_ne!(normalize(decomposed), decomposed);
    }

    #[test]
    fn maps_look_alike_d() {
        assert_eq!(normalize("\u{00D0}ăng ký"), "Đăng ký");
        assert_eq!(normalize("\u{0189}ồng"), "Đồng");
    }

    #[test]
    fn places_tone_marks_by_one_convention() {
        assert_eq!(normalize("Hoà giải, thuỷ sản, uỷ quyền, sức khoẻ"), "Hòa giải, thủy sản, ủy quyền, sức khỏe");
        assert_eq!(normalize("ho\u{0300}a"), "hòa", "decomposed input too");
        assert_eq!(normalize("Đăng ký: 1.001193 (NĐ-CP)"), "Đăng ký: 1.001193 (NĐ-CP)");
    }

    #[test]
    fn removes_invisible_marks() {
        assert_eq!(normalize("đăng k\u{200E}ý\u{FEFF}"), "đăng ký");
    }

    #[test]
    fn normalize_is_idempotent() {
        for s in ["Đăng ký khai sinh", "Thu\u{0323} ly\u{0301}", "", "UBND 12/2023/NĐ-CP"] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once);
        }
    }

    #[test]
    fn folds_all_marks_and_d() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("Thu\u{0323} ly\u{0301}"), "thu ly");
        assert_eq!(fold("NGƯỜI ĐẠI DIỆN"), "nguoi dai dien");
        assert_eq!(fold("Ỷ Ỳ ữ"), "y y u");
        assert_eq!(fold("Ðơn Ɖ"), "don d");
    }

    #[test]
    fn unifies_i_and_y() {
        for (from, to) in [("ky", "ki"), ("ly", "li"), ("quy", "qui"), ("my", "mi"), ("y", "y"), ("thuy", "thuy"), ("hay", "hay"), ("ki", "ki")] {
            assert_eq!(unify_i_y(from), to, "{from}");
        }
    }

    #[test]
    fn slugs_are_ascii_kebab_case() {
        assert_eq!(slugify("Phường Thuận Hóa"), "phuong-thuan-hoa");
        assert_eq!(slugify("  Văn Miếu - Quốc Tử Giám "), "van-mieu-quoc-tu-giam");
        assert_eq!(slugify("Đặc khu Côn Đảo"), "dac-khu-con-dao");
    }

    #[test]
    fn detects_diacritics() {
        assert!(has_diacritics("ký"));
        assert!(has_diacritics("đi"));
        assert!(!has_diacritics("ky"));
        assert!(!has_diacritics("1.001193"));
    }

    #[test]
    fn the_fold_table_agrees_with_the_reference_folding() {
        for cp in 0..0x2000u32 {
            let Some(c) = char::from_u32(cp) else { continue };
            let mut slow = String::new();
            if is_combining_mark(c) {
                continue;
            }
            if c.is_ascii() {
                slow.push(c.to_ascii_lowercase());
            } else {
                fold_char_slowly(c, &mut slow);
            }
            assert_eq!(fold(&c.to_string()), slow, "U+{cp:04X}");
        }
    }

    #[test]
    fn words_skipped_by_the_fast_path_need_no_tone_placement() {
        let words = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/vi-words-74k.txt"));
        let Ok(words) = words else {
            eprintln!("SKIPPED: ../shared/data/vi-words-74k.txt is absent");
            return;
        };
        let mut checked = 0;
        for word in words.split_whitespace().chain(["Hoà", "QÚY", "gỉa", "tuỳ", "mã", "đường"]) {
            for w in [word.to_string(), word.to_uppercase()] {
                if !may_need_tone_placement(&w) {
                    assert_eq!(place_tone(&w), None, "{w}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }
}
