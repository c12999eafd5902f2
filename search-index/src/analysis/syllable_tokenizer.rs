//! Cuts text into Vietnamese syllables (space-separated words) in canonical form.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Splits on anything that is neither a letter, a digit nor a combining mark, then puts each
/// piece in composed form (NFC) and lowercase. Tone placement and the other repairs of
/// [`crate::normalize::normalize`] are done once, when text is stored and when a query
/// arrives, not here for every token.
///
/// Combining marks count as part of the word, so decomposed text ("nha\u{302}n") stays one
/// token; Tantivy's default tokenizer would cut it in two. Offsets point into the original
/// text, so highlighting marks the words the reader sees.
#[derive(Clone, Copy, Debug, Default)]
pub struct SyllableTokenizer;

/// The tokens of one text, cut as they are asked for, into one reused token (indexing a
/// million documents should not allocate a string per word).
pub struct SyllableTokenStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    cursor: usize,
    token: Token,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

impl Tokenizer for SyllableTokenizer {
    type TokenStream<'a> = SyllableTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SyllableTokenStream<'a> {
        // Positions count from 0: the first advance wraps this to 0.
        let token = Token { position: usize::MAX, ..Token::default() };
        SyllableTokenStream { text, cursor: 0, token }
    }
}

impl TokenStream for SyllableTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let rest = &self.text[self.cursor..];
        let Some((start, _)) = rest.char_indices().find(|(_, c)| is_word_char(*c)) else {
            self.cursor = self.text.len();
            return false;
        };
        let from = self.cursor + start;
        let len = self.text[from..].char_indices().find(|(_, c)| !is_word_char(*c)).map_or(self.text.len() - from, |(i, _)| i);
        let to = from + len;
        let word = &self.text[from..to];
        let out = &mut self.token.text;
        out.clear();
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else if is_nfc_quick(word.chars()) == IsNormalized::Yes {
            out.extend(word.chars().flat_map(char::to_lowercase));
        } else {
            out.extend(word.nfc().flat_map(char::to_lowercase));
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
    use tantivy::tokenizer::TextAnalyzer;

    use crate::analysis::tests::assert_tokens;

    #[test]
    fn splits_on_punctuation_and_keeps_digits() {
        let mut a = TextAnalyzer::from(SyllableTokenizer);
        assert_tokens(&mut a, "Mã 1.001193; UBND", &[("mã", 0, 3), ("1", 4, 5), ("001193", 6, 12), ("ubnd", 14, 18)]);
    }

    #[test]
    fn empty_and_symbol_only_text_gives_no_tokens() {
        let mut a = TextAnalyzer::from(SyllableTokenizer);
        assert_tokens(&mut a, "", &[]);
        assert_tokens(&mut a, " -- !! ", &[]);
    }
}
