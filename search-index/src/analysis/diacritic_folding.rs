//! Removes every Vietnamese diacritic from tokens, so "ký", "kỳ" and "ky" meet.

use std::mem;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use crate::normalize::{fold_into, unify_i_y};

/// Token filter applying [`fold`] (lowercase, no tone or vowel marks, đ → d) and then
/// [`unify_i_y`] ("kỹ" and "kĩ" both become "ki").
#[derive(Clone, Copy, Debug, Default)]
pub struct DiacriticFolding;

impl TokenFilter for DiacriticFolding {
    type Tokenizer<T: Tokenizer> = DiacriticFoldingTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        DiacriticFoldingTokenizer { inner: tokenizer }
    }
}

/// A tokenizer whose tokens are folded; made by [`DiacriticFolding`].
#[derive(Clone)]
pub struct DiacriticFoldingTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for DiacriticFoldingTokenizer<T> {
    type TokenStream<'a> = DiacriticFoldingStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        DiacriticFoldingStream { inner: self.inner.token_stream(text), buffer: String::new() }
    }
}

/// The token stream of [`DiacriticFoldingTokenizer`].
pub struct DiacriticFoldingStream<S> {
    inner: S,
    /// Reused for every token's folded text.
    buffer: String,
}

impl<S: TokenStream> TokenStream for DiacriticFoldingStream<S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let token = self.inner.token_mut();
        if !token.text.is_ascii() {
            self.buffer.clear();
            fold_into(&token.text, &mut self.buffer);
            mem::swap(&mut token.text, &mut self.buffer);
        }
        if let std::borrow::Cow::Owned(unified) = unify_i_y(&token.text) {
            token.text = unified;
        }
        true
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}
