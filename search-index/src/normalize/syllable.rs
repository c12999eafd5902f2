//! The shape of a Vietnamese syllable: initial consonant, vowel nucleus, final consonant and
//! one tone mark. Knowing the shape lets us put the tone mark where one spelling convention
//! wants it ("hoà" → "hòa", "thuỷ" → "thủy", "qúy" → "quý", "gỉa" → "giả"), and tell a real
//! syllable from input-method residue.
//!
//! Convention: the traditional placement used in legal texts ("hòa", "khỏe", "thủy", "ủy"):
//! in an open syllable with the nucleus oa, oe or uy the mark sits on the first vowel; with a
//! final consonant on the second ("hoàn", "thuyền"); a vowel with a quality mark (â ă ê ô ơ ư)
//! takes it (the last one: "người"); three vowels take it in the middle ("khoái").

use unicode_normalization::UnicodeNormalization;

pub use super::marks::TONE_MARKS;
use super::marks::QUALITY_MARKS;
/// Final consonants a Vietnamese syllable may end with.
const FINALS: [&str; 8] = ["c", "ch", "m", "n", "ng", "nh", "p", "t"];
/// Vowel nuclei of Vietnamese, by base letters (quality marks ignored: "ươ" is "uo").
const NUCLEI: [&str; 40] = [
    "a", "e", "i", "o", "u", "y", "ai", "ao", "au", "ay", "eo", "eu", "ia", "ie", "iu", "oa", "oe", "oi", "oo", "ua",
    "ue", "ui", "uo", "uu", "uy", "ye", "oai", "oay", "oeo", "uay", "uoi", "uou", "uya", "uye", "uyu", "ieu", "yeu",
    "uai", "uao", "uau",
];

fn is_vowel(base: char) -> bool {
    matches!(base.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// One letter of a decomposed syllable: its base letter, quality mark and original case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Letter {
    base: char,
    quality: Option<char>,
}

/// A syllable taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Syllable {
    letters: Vec<Letter>,
    tone: Option<char>,
    /// Index range of the vowel nucleus in `letters`.
    nucleus: std::ops::Range<usize>,
}

impl Syllable {
    /// Parses one word; `None` when it is not shaped like a Vietnamese syllable (foreign
    /// words, codes, words with two tone marks), which callers then leave alone.
    pub fn parse(word: &str) -> Option<Syllable> {
        let mut letters: Vec<Letter> = Vec::with_capacity(word.len());
        let mut tone = None;
        for c in word.nfd() {
            if TONE_MARKS.contains(&c) {
                if tone.is_some() {
                    return None;
                }
                tone = Some(c);
            } else if QUALITY_MARKS.contains(&c) {
                let last = letters.last_mut()?;
                if last.quality.is_some() {
                    return None;
                }
                last.quality = Some(c);
            } else if c.is_ascii_alphabetic() || c == 'đ' || c == 'Đ' {
                letters.push(Letter { base: c, quality: None });
            } else {
                return None;
            }
        }
        // ASCII view of the base letters (đ as d), so byte and letter indexes agree.
        let lower: String = letters.iter().map(|l| if l.base.is_ascii() { l.base.to_ascii_lowercase() } else { 'd' }).collect();
        // Initial consonant: leading non-vowels, plus the u of "qu" and the i of "gi" when a
        // vowel follows.
        let mut start = letters.iter().position(|l| is_vowel(l.base))?;
        let rest = &lower[start..];
        let glide = (lower[..start].eq_ignore_ascii_case("q") && rest.starts_with('u'))
            || (lower[..start].eq_ignore_ascii_case("g") && rest.starts_with('i'));
        if glide && letters.get(start + 1).is_some_and(|l| is_vowel(l.base)) {
            start += 1;
        }
        let end = start + letters[start..].iter().take_while(|l| is_vowel(l.base)).count();
        let final_consonant = &lower[end..];
        if !(final_consonant.is_empty() || FINALS.contains(&final_consonant)) || !NUCLEI.contains(&&lower[start..end]) {
            return None;
        }
        Some(Syllable { letters, tone, nucleus: start..end })
    }

    /// Whether it carries a tone mark.
    pub fn has_tone(&self) -> bool {
        self.tone.is_some()
    }

    /// Index of the letter that carries the tone under our convention.
    fn tone_position(&self) -> usize {
        let n = self.nucleus.clone();
        let vowels = &self.letters[n.clone()];
        if let Some(i) = vowels.iter().rposition(|l| l.quality.is_some()) {
            return n.start + i;
        }
        let has_final = n.end < self.letters.len();
        match vowels.len() {
            3 => n.start + 1,
            2 if has_final => n.start + 1,
            _ => n.start,
        }
    }

    /// The syllable written with its tone mark in place, composed (NFC).
    pub fn to_canonical(&self) -> String {
        let at = self.tone.map(|_| self.tone_position());
        let mut out = String::with_capacity(self.letters.len() * 3);
        for (i, l) in self.letters.iter().enumerate() {
            out.push(l.base);
            if let Some(q) = l.quality {
                out.push(q);
            }
            if Some(i) == at
                && let Some(t) = self.tone
            {
                out.push(t);
            }
        }
        out.nfc().collect()
    }
}

/// Puts the tone mark of one word in place; words that are not Vietnamese syllables, or
/// have no tone mark, come back unchanged.
pub fn place_tone(word: &str) -> Option<String> {
    let s = Syllable::parse(word)?;
    if !s.has_tone() {
        return None;
    }
    let canonical = s.to_canonical();
    (canonical != word).then_some(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(w: &str) -> String {
        place_tone(w).unwrap_or_else(|| w.to_string())
    }

    #[test]
    fn new_style_becomes_traditional() {
        for (from, to) in [
            ("hoà", "hòa"),
            ("thuỷ", "thủy"),
            ("uỷ", "ủy"),
            ("khoẻ", "khỏe"),
            ("tuỳ", "tùy"),
            ("Hoà", "Hòa"),
            ("HOÀ", "HÒA"),
            ("hoá", "hóa"),
        ] {
            assert_eq!(canon(from), to, "{from}");
        }
    }

    #[test]
    fn qu_and_gi_are_consonants() {
        assert_eq!(canon("qúy"), "quý");
        assert_eq!(canon("quý"), "quý");
        assert_eq!(canon("gỉa"), "giả");
        assert_eq!(canon("giữ"), "giữ");
        assert_eq!(canon("gì"), "gì");
        assert_eq!(canon("quốc"), "quốc");
    }

    #[test]
    fn correct_placements_are_kept() {
        for w in ["hoàn", "thuyền", "người", "khoái", "toán", "mái", "của", "được", "việc", "nghĩa", "ủy", "hòa", "Đăng", "ký"] {
            assert_eq!(canon(w), w, "{w}");
        }
    }

    #[test]
    fn moves_marks_to_quality_vowels() {
        assert_eq!(canon("ngừơi"), "người");
        assert_eq!(canon("vịêc"), "việc");
    }

    #[test]
    fn leaves_non_syllables_alone() {
        for w in ["café", "1.001193", "NĐ-CP", "xyzá", "strèet"] {
            assert_eq!(canon(w), w, "{w}");
        }
    }
}
