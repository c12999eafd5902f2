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

/// The tokens of one text, computed eagerly: Vietnamese syllables are short and many
/// analysers need the whole list anyway.
pub struct SyllableTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

impl Tokenizer for SyllableTokenizer {
    type TokenStream<'a> = SyllableTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SyllableTokenStream {
        let mut tokens = Vec::new();
        let mut start: Option<usize> = None;
        let push = |from: usize, to: usize, tokens: &mut Vec<Token>| {
            let word = &text[from..to];
            let canonical = if word.is_ascii() {
                word.to_ascii_lowercase()
            } else if is_nfc_quick(word.chars()) == IsNormalized::Yes {
                word.to_lowercase()
            } else {
                word.nfc().collect::<String>().to_lowercase()
            };
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position: tokens.len(),
                text: canonical,
                position_length: 1,
            });
        };
        for (i, c) in text.char_indices() {
            match (is_word_char(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    push(s, i, &mut tokens);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            push(s, text.len(), &mut tokens);
        }
        SyllableTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for SyllableTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1).min(self.tokens.len().saturating_sub(1))]
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self.next.saturating_sub(1).min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
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
