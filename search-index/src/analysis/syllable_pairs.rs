//! Joins neighbouring syllables into one token: "đăng ký khai sinh" → [dang ki] [ki khai]
//! [khai sinh].
//!
//! Most Vietnamese words have two syllables, so a pair is usually a word ("khai sinh",
//! "hộ chiếu"). Matching a pair as one term is what a phrase query of two syllables does,
//! at the cost of one posting list instead of two lists and their positions, and it tells
//! a compound word from its syllables met by chance ("khai" … "sinh").

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Token filter emitting each pair of neighbouring tokens as one token "a b". Pairs never
/// span punctuation: "khai sinh. Hồ sơ" gives [khai sinh] [ho so], not [sinh ho].
#[derive(Clone, Copy, Debug, Default)]
pub struct SyllablePairs;

impl TokenFilter for SyllablePairs {
    type Tokenizer<T: Tokenizer> = SyllablePairsTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        SyllablePairsTokenizer { inner: tokenizer }
    }
}

/// A tokenizer whose tokens are syllable pairs; made by [`SyllablePairs`].
#[derive(Clone)]
pub struct SyllablePairsTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for SyllablePairsTokenizer<T> {
    type TokenStream<'a> = SyllablePairsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SyllablePairsStream {
            inner: self.inner.token_stream(text),
            text,
            previous: None,
            previous_text: String::new(),
            token: Token::default(),
        }
    }
}

/// The token stream of [`SyllablePairsTokenizer`].
pub struct SyllablePairsStream<'a, S> {
    inner: S,
    text: &'a str,
    /// Where the last syllable seen starts and ends, and its position.
    previous: Option<(usize, usize, usize)>,
    /// Its text (a reused buffer).
    previous_text: String,
    token: Token,
}

impl<S: TokenStream> TokenStream for SyllablePairsStream<'_, S> {
    fn advance(&mut self) -> bool {
        while self.inner.advance() {
            let current = self.inner.token();
            let previous = self.previous.replace((current.offset_from, current.offset_to, current.position));
            let paired = previous.filter(|(_, to, _)| {
                self.text.get(*to..current.offset_from).is_some_and(|gap| gap.chars().all(char::is_whitespace))
            });
            if let Some((from, _, position)) = paired {
                self.token.text.clear();
                self.token.text.push_str(&self.previous_text);
                self.token.text.push(' ');
                self.token.text.push_str(&current.text);
                self.token.offset_from = from;
                self.token.offset_to = current.offset_to;
                self.token.position = position;
                self.token.position_length = 2;
            }
            self.previous_text.clear();
            self.previous_text.push_str(&current.text);
            if paired.is_some() {
                return true;
            }
        }
        false
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
    use crate::analysis::pairs_analyzer;
    use crate::analysis::tests::assert_tokens;

    #[test]
    fn pairs_neighbours_but_not_across_punctuation() {
        assert_tokens(
            &mut pairs_analyzer(),
            "Đăng ký khai sinh. Hồ sơ",
            &[("dang ki", 0, 10), ("ki khai", 7, 15), ("khai sinh", 11, 20), ("ho so", 22, 30)],
        );
        assert_tokens(&mut pairs_analyzer(), "Một", &[]);
    }
}
