//! Numbers of legal documents ("số hiệu văn bản"): 12/2023/NĐ-CP, 5568/QĐ-BCA, 52/2014/QH13.
//!
//! Citizens and officials quote a decree by its number; the syllable analysers would cut it
//! into "12", "2023", "nd", "cp", which also match any text with those pieces. So numbers
//! are found whole, kept as one raw term each ("12/2023/nd-cp": lowercase, đ → d), and a
//! query that holds one goes straight to the documents that cite it.

use crate::normalize::fold;

/// The document numbers in `text`, each in its index form, in order of appearance, without
/// repeats.
///
/// Every number holds a "/", so only the words around each slash are parsed: the body text
/// of every indexed document passes through here, and most of it has no slash at all.
pub fn document_numbers(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut examined_to = 0;
    for (slash, _) in text.match_indices('/') {
        if slash < examined_to {
            continue;
        }
        let start = text[..slash].char_indices().rev().find(|(_, c)| separates_words(*c)).map_or(0, |(i, c)| i + c.len_utf8());
        let end = text[slash..].find(separates_words).map_or(text.len(), |i| slash + i);
        examined_to = end;
        let chunk = text[start..end].trim_matches(|c: char| matches!(c, '.' | ':' | '\'' | '’' | '‘'));
        if let Some(number) = parse(chunk)
            && !found.contains(&number)
        {
            found.push(number);
        }
    }
    found
}

/// What ends the word a number is: spaces and the punctuation that surrounds a quoted number.
fn separates_words(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '"' | '“' | '”' | '[' | ']')
}

/// Whether a query token is a document number (and so must never be "corrected").
pub fn is_document_number(token: &str) -> bool {
    parse(token.trim()).is_some()
}

/// `DIGITS "/" [YEAR "/"] SIGN`, where the sign is letter-led parts joined by "-"
/// ("NĐ-CP", "QĐ-BCA", "QH13", "TT-BTP"), folded to lowercase.
fn parse(chunk: &str) -> Option<String> {
    let mut parts = chunk.split('/');
    let number = parts.next()?;
    if number.is_empty() || number.len() > 6 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut rest: Vec<&str> = parts.collect();
    if rest.is_empty() || rest.len() > 2 {
        return None;
    }
    let sign = rest.pop()?;
    if let Some(year) = rest.first()
        && !(year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let sign_ok = !sign.is_empty()
        && sign.len() <= 30
        && sign.split('-').all(|part| {
            part.chars().next().is_some_and(char::is_alphabetic) && part.chars().all(char::is_alphanumeric)
        });
    if !sign_ok {
        return None;
    }
    Some(fold(chunk).to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_numbers_in_running_text() {
        let text = "Căn cứ Nghị định số 12/2023/NĐ-CP; Quyết định 5568/QĐ-BCA ngày 1/7/2025, Luật số 52/2014/QH13.";
        assert_eq!(document_numbers(text), ["12/2023/nd-cp", "5568/qd-bca", "52/2014/qh13"]);
    }

    #[test]
    fn dates_codes_and_fractions_are_not_numbers() {
        for t in ["1/7/2025", "1.001193", "3/4", "2023/", "12//NĐ", "12/2023/-CP", "abc/2023/NĐ"] {
            assert!(!is_document_number(t), "{t}");
        }
        assert!(is_document_number("12/2023/nđ-cp"));
        assert_eq!(document_numbers("12/2023/NĐ-CP 12/2023/nđ-cp"), ["12/2023/nd-cp"]);
    }

    /// The reference: every word parsed, slash or not.
    fn every_word(text: &str) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for chunk in text.split(separates_words) {
            let chunk = chunk.trim_matches(|c: char| matches!(c, '.' | ':' | '\'' | '’' | '‘'));
            if let Some(number) = parse(chunk)
                && !found.contains(&number)
            {
                found.push(number);
            }
        }
        found
    }

    proptest::proptest! {
        #[test]
        fn only_words_with_a_slash_are_parsed(text in "([0-9]{1,5}|/|2023|NĐ|-|CP|QĐ|[ ,;.:(\\[“”]|x|é){0,24}") {
            proptest::prop_assert_eq!(document_numbers(&text), every_word(&text));
        }
    }
}
