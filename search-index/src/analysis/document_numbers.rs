//! Numbers of legal documents ("số hiệu văn bản"): 12/2023/NĐ-CP, 5568/QĐ-BCA, 52/2014/QH13.
//!
//! Citizens and officials quote a decree by its number; the syllable analysers would cut it
//! into "12", "2023", "nd", "cp", which also match any text with those pieces. So numbers
//! are found whole, kept as one raw term each ("12/2023/nd-cp": lowercase, đ → d), and a
//! query that holds one goes straight to the documents that cite it.

use crate::normalize::fold;

/// The document numbers in `text`, each in its index form, in order of appearance, without
/// repeats.
pub fn document_numbers(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for chunk in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '"' | '“' | '”' | '[' | ']')) {
        let chunk = chunk.trim_matches(|c: char| matches!(c, '.' | ':' | '\'' | '’' | '‘'));
        if let Some(number) = parse(chunk)
            && !found.contains(&number)
        {
            found.push(number);
        }
    }
    found
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
}
