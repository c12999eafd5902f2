//! Analysers: how a field's text becomes tokens. The tokenizer and each filter have a file,
//! chained and registered by name here; the schema only names them.
//!
//! ```text
//! "Thu\u{0323} ly\u{0301} HỒ SƠ"  --vi_exact-->  [thụ] [lý] [hồ] [sơ]
//!                                 --vi_folded--> [thu] [ly] [ho] [so]
//! ```

mod document_numbers;
mod syllable_pairs;
mod syllable_tokenizer;

pub use document_numbers::{document_numbers, is_document_number};
pub use syllable_pairs::SyllablePairs;
pub use syllable_tokenizer::{SyllableForm, SyllableTokenizer};

use tantivy::tokenizer::{TextAnalyzer, TokenStream, TokenizerManager};

/// Syllables in canonical form, lowercased, marks kept: "Ký" → "ký".
pub const VI_EXACT: &str = "vi_exact";
/// Syllables lowercased with every mark removed and đ → d: "Ký" → "ky".
pub const VI_FOLDED: &str = "vi_folded";
/// Neighbouring folded syllables as one token: "Đăng ký" → "dang ki".
pub const VI_PAIRS: &str = "vi_pairs";

/// The analyser behind [`VI_EXACT`].
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SyllableTokenizer::exact()).build()
}

/// The analyser behind [`VI_FOLDED`].
pub fn folded_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SyllableTokenizer::folded()).build()
}

/// The analyser behind [`VI_PAIRS`].
pub fn pairs_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SyllableTokenizer::folded()).filter(SyllablePairs).build()
}

/// Registers this crate's analysers in an index's tokenizer manager.
pub fn register(manager: &TokenizerManager) {
    manager.register(VI_EXACT, exact_analyzer());
    manager.register(VI_FOLDED, folded_analyzer());
    manager.register(VI_PAIRS, pairs_analyzer());
}

/// The token texts an analyser makes of `text`; the query builder uses it so that queries
/// are cut exactly as documents were.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    tokens_with_offsets(analyzer, text).into_iter().map(|(token, _)| token).collect()
}

/// Like [`tokens`], with where each token lies in `text` (byte range).
pub fn tokens_with_offsets(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push((token.text.clone(), token.offset_from..token.offset_to));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Asserts that `analyzer` cuts `text` into exactly `expected` (text, from, to) tokens.
    pub fn assert_tokens(analyzer: &mut TextAnalyzer, text: &str, expected: &[(&str, usize, usize)]) {
        let mut got = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            got.push((t.text.clone(), t.offset_from, t.offset_to));
        }
        let expected: Vec<_> = expected.iter().map(|(s, a, b)| (s.to_string(), *a, *b)).collect();
        assert_eq!(got, expected, "tokens of {text:?}");
    }

    #[test]
    fn exact_and_folded_agree_on_offsets() {
        assert_tokens(&mut exact_analyzer(), "Đăng ký", &[("đăng", 0, 6), ("ký", 7, 10)]);
        // "ký" and "kí" are one word to the folded field.
        assert_tokens(&mut folded_analyzer(), "Đăng ký", &[("dang", 0, 6), ("ki", 7, 10)]);
    }

    #[test]
    fn decomposed_syllables_stay_whole() {
        // "nhân" written with a combining circumflex must not split into "nha" + "n".
        let text = "nha\u{0302}n da\u{0302}n";
        assert_tokens(&mut exact_analyzer(), text, &[("nhân", 0, 6), ("dân", 7, 12)]);
        assert_tokens(&mut folded_analyzer(), text, &[("nhan", 0, 6), ("dan", 7, 12)]);
    }

    #[test]
    fn tokens_helper_matches_stream() {
        assert_eq!(tokens(&mut folded_analyzer(), "Hồ sơ, lệ phí!"), ["ho", "so", "le", "phi"]);
    }
}
