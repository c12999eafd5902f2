//! Input-method residue: what a query looks like when Telex or VNI typing was not converted
//! ("ddawng kys khai sinh", "d9a8ng ky1"). Decoding gives the syllable the citizen meant.
//!
//! Telex: dd → đ; aa â, aw ă, ee ê, oo ô, ow ơ, uw ư, uow ươ, a lone w ư; tone keys s (sắc),
//! f (huyền), r (hỏi), x (ngã), j (nặng) typed anywhere after the first vowel.
//! VNI: d9 → đ; 6 circumflex, 7 horn, 8 breve; 1–5 the tones in the same order.

use super::marks::{ACUTE, BREVE, CIRCUMFLEX, DOT, GRAVE, HOOK, HORN, TILDE};
use super::syllable::Syllable;


/// The syllable a Telex or VNI residue stands for, or `None` when the word shows no residue
/// or decoding does not give a Vietnamese syllable. Lowercase input expected.
pub fn decode_input_residue(word: &str) -> Option<String> {
    if !word.is_ascii() || word.len() < 2 || word.len() > 12 {
        return None;
    }
    let decoded = if word.bytes().any(|b| b.is_ascii_digit()) { decode_vni(word)? } else { decode_telex(word)? };
    let syllable = Syllable::parse(&decoded)?;
    let canonical = syllable.to_canonical();
    (canonical != word).then_some(canonical)
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

fn tone_of_telex(c: char) -> Option<char> {
    match c {
        's' => Some(ACUTE),
        'f' => Some(GRAVE),
        'r' => Some(HOOK),
        'x' => Some(TILDE),
        'j' => Some(DOT),
        _ => None,
    }
}

/// Decodes Telex into a decomposed string (letters, quality marks, one tone mark).
fn decode_telex(word: &str) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len() + 2);
    let mut tone = None;
    let mut changed = false;
    let mut seen_vowel = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match (c, next) {
            ('d', Some('d')) => {
                out.push('đ');
                changed = true;
                i += 2;
                continue;
            }
            ('a', Some('a')) | ('e', Some('e')) | ('o', Some('o')) => {
                out.extend([c, CIRCUMFLEX]);
                seen_vowel = true;
                changed = true;
                i += 2;
                continue;
            }
            _ => {}
        }
        if c == 'w' {
            // Horn or breve on the vowel(s) before: uo → ươ, a → ă, o → ơ, u → ư; alone → ư.
            let vowels: Vec<usize> = out.iter().enumerate().filter(|(_, c)| is_vowel(**c)).map(|(i, _)| i).collect();
            match vowels.as_slice() {
                [.., u, o] if out[*u] == 'u' && out[*o] == 'o' && *o == u + 1 => {
                    out.insert(*o + 1, HORN);
                    out.insert(*u + 1, HORN);
                }
                [.., v] if matches!(out[*v], 'u' | 'o') => out.insert(*v + 1, HORN),
                [.., v] if out[*v] == 'a' => out.insert(*v + 1, BREVE),
                _ => out.extend(['u', HORN]),
            }
            seen_vowel = true;
            changed = true;
            i += 1;
            continue;
        }
        if seen_vowel
            && tone.is_none()
            && let Some(t) = tone_of_telex(c)
        {
            tone = Some(t);
            changed = true;
            i += 1;
            continue;
        }
        if is_vowel(c) {
            seen_vowel = true;
        }
        out.push(c);
        i += 1;
    }
    if !changed {
        return None;
    }
    out.extend(tone);
    Some(out.into_iter().collect())
}

/// Decodes VNI digits into a decomposed string.
fn decode_vni(word: &str) -> Option<String> {
    let mut out: Vec<char> = Vec::with_capacity(word.len() + 2);
    let mut tone = None;
    for c in word.chars() {
        let last_vowel = out.iter().rposition(|c| is_vowel(*c));
        match c {
            '1'..='5' => {
                if tone.is_some() {
                    return None;
                }
                tone = Some([ACUTE, GRAVE, HOOK, TILDE, DOT][(c as u8 - b'1') as usize]);
            }
            '6' => {
                let v = out.iter().rposition(|c| matches!(c, 'a' | 'e' | 'o'))?;
                out.insert(v + 1, CIRCUMFLEX);
            }
            '7' => {
                let v = last_vowel?;
                if out[v] == 'o' && v > 0 && out[v - 1] == 'u' {
                    out.insert(v + 1, HORN);
                    out.insert(v, HORN);
                } else if matches!(out[v], 'o' | 'u') {
                    out.insert(v + 1, HORN);
                } else {
                    return None;
                }
            }
            '8' => {
                let v = out.iter().rposition(|c| *c == 'a')?;
                out.insert(v + 1, BREVE);
            }
            '9' => {
                let d = out.iter().rposition(|c| *c == 'd')?;
                out[d] = 'đ';
            }
            c if c.is_ascii_alphabetic() => out.push(c),
            _ => return None,
        }
    }
    out.extend(tone);
    Some(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_telex_residue() {
        for (typed, meant) in [
            ("ddawng", "đăng"),
            ("kys", "ký"),
            ("caaps", "cấp"),
            ("laij", "lại"),
            ("giaays", "giấy"),
            ("pheps", "phép"),
            ("nguowif", "người"),
            ("hoaf", "hòa"),
            ("tuwf", "từ"),
            ("khaix", "khãi"),
        ] {
            assert_eq!(decode_input_residue(typed).as_deref(), Some(meant), "{typed}");
        }
    }

    #[test]
    fn decodes_vni_residue() {
        assert_eq!(decode_input_residue("d9a8ng").as_deref(), Some("đăng"));
        assert_eq!(decode_input_residue("ky1").as_deref(), Some("ký"));
        assert_eq!(decode_input_residue("ngu7o7i2").as_deref(), Some("người"));
    }

    #[test]
    fn leaves_plain_words_and_codes_alone() {
        for w in ["khai", "sinh", "cccd", "ubnd", "1.001193", "2023", "xe", "dang"] {
            assert_eq!(decode_input_residue(w), None, "{w}");
        }
    }
}
