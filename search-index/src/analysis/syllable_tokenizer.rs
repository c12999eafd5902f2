//! Cuts text into Vietnamese syllables (space-separated words), either in canonical form or
//! folded.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::normalize::{fold_char_into, unify_i_y_in_place};

/// Splits on anything that is neither a letter, a digit nor a combining mark, then writes
/// each piece in one of two forms ([`SyllableForm`]). Tone placement and the other repairs
/// of [`crate::normalize::normalize`] are done once, when text is stored and when a query
/// arrives, not here for every token.
///
/// Combining marks count as part of the word, so decomposed text ("nha\u{302}n") stays one
/// token; Tantivy's default tokenizer would cut it in two. Offsets point into the original
/// text, so highlighting marks the words the reader sees.
///
/// Folding happens here rather than in a filter after the exact form: the folded form of a
/// raw word is the folded form of its canonical form, and skipping composition and
/// lowercasing for body text, which is only indexed folded, halves the cost of analysis.
#[derive(Clone, Copy, Debug)]
pub struct SyllableTokenizer {
    form: SyllableForm,
}

/// The form a syllable is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyllableForm {
    /// Composed (NFC) and lowercase, marks kept: "Ký" → "ký".
    Exact,
    /// Lowercase without any mark, đ → d, i/y spellings unified: "Kỹ" → "ki".
    Folded,
}

impl SyllableTokenizer {
    /// Syllables in [`SyllableForm::Exact`].
    pub fn exact() -> Self {
        Self { form: SyllableForm::Exact }
    }

    /// Syllables in [`SyllableForm::Folded`].
    pub fn folded() -> Self {
        Self { form: SyllableForm::Folded }
    }
}

/// The tokens of one text, cut as they are asked for, into one reused token (indexing a
/// million documents should not allocate a string per word).
pub struct SyllableTokenStream<'a> {
    text: &'a str,
    form: SyllableForm,
    /// Byte offset where the search for the next word starts.
    cursor: usize,
    token: Token,
}

/// Letters, digits and combining marks. Latin letters, where Vietnamese text lives, are
/// answered from their code point ranges: the general Unicode lookup was the most costly
/// single step of indexing.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    match u32::from(c) {
        0x00C0..=0x024F => c != '×' && c != '÷',
        0x0300..=0x036F | 0x1E00..=0x1EFF => true,
        _ => c.is_alphanumeric() || is_combining_mark(c),
    }
}

/// Whether `word` is already composed: ASCII and precomposed Latin letters without a
/// combining mark are, without the general quick check.
fn is_composed(word: &str) -> bool {
    word.chars().all(|c| matches!(u32::from(c), 0..=0x024F | 0x1E00..=0x1EFF))
        || is_nfc_quick(word.chars()) == IsNormalized::Yes
}

impl Tokenizer for SyllableTokenizer {
    type TokenStream<'a> = SyllableTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SyllableTokenStream<'a> {
        // Positions count from 0: the first advance wraps this to 0.
        let token = Token { position: usize::MAX, ..Token::default() };
        SyllableTokenStream { text, form: self.form, cursor: 0, token }
    }
}

impl TokenStream for SyllableTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let text = self.text;
        let bytes = text.as_bytes();
        // Bytes are looked at one by one where they are ASCII, which most of even Vietnamese
        // text is (spaces, punctuation, unmarked letters); other characters are decoded.
        let char_at = |i: usize| text[i..].chars().next().unwrap_or(' ');
        let mut from = self.cursor;
        while from < bytes.len() {
            let b = bytes[from];
            if b.is_ascii() {
                if b.is_ascii_alphanumeric() {
                    break;
                }
                from += 1;
            } else {
                let c = char_at(from);
                if is_word_char(c) {
                    break;
                }
                from += c.len_utf8();
            }
        }
        if from == bytes.len() {
            self.cursor = from;
            return false;
        }
        let out = &mut self.token.text;
        out.clear();
        let folded = self.form == SyllableForm::Folded;
        let mut to = from;
        let mut ascii = true;
        while to < bytes.len() {
            let b = bytes[to];
            if b.is_ascii() {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                out.push(char::from(b.to_ascii_lowercase()));
                to += 1;
            } else {
                let c = char_at(to);
                if !is_word_char(c) {
                    break;
                }
                ascii = false;
                if folded {
                    fold_char_into(c, out);
                }
                to += c.len_utf8();
            }
        }
        if folded {
            unify_i_y_in_place(out);
        } else if !ascii {
            // The exact form of a word with marks: composed first, then lowercased.
            let word = &text[from..to];
            out.clear();
            if is_composed(word) {
                out.extend(word.chars().flat_map(char::to_lowercase));
            } else {
                out.extend(word.nfc().flat_map(char::to_lowercase));
            }
        }
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
        self.cursor = to;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::tokenizer::TextAnalyzer;

    use crate::analysis::tests::assert_tokens;
    use crate::normalize::{fold, unify_i_y};

    #[test]
    fn splits_on_punctuation_and_keeps_digits() {
        let mut a = TextAnalyzer::from(SyllableTokenizer::exact());
        assert_tokens(&mut a, "Mã 1.001193; UBND", &[("mã", 0, 3), ("1", 4, 5), ("001193", 6, 12), ("ubnd", 14, 18)]);
    }

    #[test]
    fn empty_and_symbol_only_text_gives_no_tokens() {
        let mut a = TextAnalyzer::from(SyllableTokenizer::folded());
        assert_tokens(&mut a, "", &[]);
        assert_tokens(&mut a, " -- !! × ÷ ", &[]);
    }

    #[test]
    fn latin_ranges_agree_with_unicode() {
        for cp in (0x00C0..=0x036F).chain(0x1E00..=0x1EFF) {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(is_word_char(c), c.is_alphanumeric() || is_combining_mark(c), "U+{cp:04X}");
                if is_composed(&c.to_string()) {
                    assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "U+{cp:04X}");
                }
            }
        }
    }

    /// The reference: split on word characters, compose, then lowercase (exact) or fold
    /// (folded; folding before lowercasing keeps the look-alikes of Đ, U+00D0 and U+0189,
    /// folding to "d", where their lowercase forms are other letters). The fast paths above
    /// must give exactly this.
    fn reference(text: &str, form: SyllableForm) -> Vec<String> {
        let mut words = Vec::new();
        let mut word = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if is_word_char(c) {
                word.push(c);
            } else if !word.is_empty() {
                let composed: String = word.nfc().collect();
                words.push(match form {
                    SyllableForm::Exact => composed.chars().flat_map(char::to_lowercase).collect(),
                    SyllableForm::Folded => unify_i_y(&fold(&composed)).into_owned(),
                });
                word.clear();
            }
        }
        words
    }

    fn tokens(text: &str, form: SyllableForm) -> Vec<String> {
        crate::analysis::tokens(&mut TextAnalyzer::from(SyllableTokenizer { form }), text)
    }

    fn vietnamese_like() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "ă", "â", "Ê", "i", "Ô", "ơ", "Ư", "y", "đ", "Đ", "K", "q", "g", "h", "n", "\u{0300}", "\u{0301}",
            "\u{0323}", "\u{0302}", "\u{031B}", "\u{00D0}", "\u{212A}", "İ", "ẞ", " ", ".", "1", "ỹ", "Ỳ", "×", "ǅ",
        ]);
        prop::collection::vec(pieces, 0..30).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn fast_paths_match_the_reference(text in prop_oneof![vietnamese_like(), any::<String>()]) {
            for form in [SyllableForm::Exact, SyllableForm::Folded] {
                prop_assert_eq!(tokens(&text, form), reference(&text, form));
            }
        }
    }
}
