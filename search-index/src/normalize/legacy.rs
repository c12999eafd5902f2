//! Vietnamese text in pre-Unicode encodings, found and converted to Unicode (NFC).
//!
//! Older documents and databases still hold text typed with the TCVN3 ("ABC", .VnTime) or
//! VNI-Windows fonts, or saved as windows-1258. Such bytes usually reach us decoded as
//! windows-1252 or Latin-1: "Céng hoµ x· héi" (TCVN3), "Coäng hoøa xaõ hoäi" (VNI),
//! "Côòng hoÌa xaÞ hôòi" (windows-1258). Mailing lists used VIQR, ASCII with the marks
//! written after the vowel: "Co^.ng ho`a xa~ ho^.i". No query matches these spellings.
//! [`detect`] names the encoding, [`convert`] turns the text into Unicode, and [`repair`]
//! does both.
//!
//! Detection is conservative, because converting good text would corrupt it:
//! - text holding any letter or mark that only Unicode Vietnamese has (ă đ ĩ ũ ơ ư,
//!   U+1EA0–U+1EF9, combining marks) is never reported;
//! - otherwise every word is converted on trial. An encoding is reported only when at least
//!   three words become Vietnamese syllables. At least two of them must have held a character
//!   that Vietnamese text never uses ("µ", "ø", "Þ" after a letter, "^" inside a word, and so
//!   on). Few words may turn into nonsense, and no other encoding may read the text as well.
//!   So short fragments ("§¨ng ký", "Vie^.t Nam") are left alone.
//!
//! Repair before [`normalize`](super::normalize): normalisation removes the soft hyphen
//! (U+00AD), and in TCVN3 that byte is the letter ư.
//!
//! Tables: TCVN 5712:1993 VN3 (the single-byte ABC table: lowercase letters plus
//! Ă Â Ê Ô Ơ Ư Đ); the VNI-Windows font layout (a base letter and one mark byte; ơ ư đ and
//! the i letters are single bytes); RFC 1456 for VIQR; Microsoft code page 1258.

use super::marks::{ACUTE, BREVE, CIRCUMFLEX, DOT, GRAVE, HOOK, HORN, TILDE, TONE_MARKS};
use super::syllable::Syllable;
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};


/// Words that must become Vietnamese syllables before an encoding is reported.
const MIN_WORDS: usize = 3;
/// How many of those words must have held a character only that encoding produces.
const MIN_DISTINCTIVE: usize = 2;
/// Words examined by [`detect`]; enough to decide, and bounded for huge inputs.
const MAX_TOKENS: usize = 10_000;

/// A pre-Unicode way of writing Vietnamese.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegacyEncoding {
    /// TCVN 5712:1993 VN3, the "ABC" fonts (.VnTime): one byte per lowercase letter. Capitals
    /// with a tone mark were typed with a separate capital font that reuses the lowercase
    /// bytes, so they come out lowercase.
    Tcvn3,
    /// VNI-Windows fonts (VNI-Times): a base letter followed by one mark byte ("Vieät"),
    /// with single bytes for ơ ư đ, the marked i letters and ỵ.
    VniWindows,
    /// VIQR (RFC 1456): ASCII with marks written after the vowel ("Vie^.t", "dda(ng ky'").
    Viqr,
    /// Windows code page 1258: some precomposed letters, with tone marks stored as separate
    /// combining bytes.
    Windows1258,
}

/// The legacy encoding `text` appears to be written in, or `None` when it is not clearly
/// legacy text. TCVN3, VNI-Windows and windows-1258 are expected as decoded by someone who
/// assumed windows-1252 or Latin-1. See the module documentation for how conservative this is.
pub fn detect(text: &str) -> Option<LegacyEncoding> {
    if text.chars().any(is_unicode_vietnamese) {
        return None;
    }
    let mut found: Vec<(usize, LegacyEncoding)> = Vec::new();
    if !text.chars().any(|c| !c.is_ascii() && c.is_alphabetic()) {
        let evidence = viqr_evidence(text);
        // ASCII text has many words without marks, and English has stray "a." and "go?".
        // So we also require a fair share of VIQR words.
        if evidence.is_clear(2) && evidence.good * 10 >= evidence.words * 3 {
            found.push((evidence.good, LegacyEncoding::Viqr));
        }
    }
    if text.chars().any(|c| ('\u{A0}'..='\u{FF}').contains(&c)) {
        for encoding in [LegacyEncoding::Tcvn3, LegacyEncoding::VniWindows, LegacyEncoding::Windows1258] {
            let evidence = byte_evidence(text, encoding);
            if evidence.is_clear(4) {
                found.push((evidence.good, encoding));
            }
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    match found.as_slice() {
        [] => None,
        [(best, _), (second, _), ..] if best == second => None,
        [(_, encoding), ..] => Some(*encoding),
    }
}

/// `text` read as `encoding` and written in Unicode (NFC). Characters that mean nothing in
/// that encoding are kept as they are. Never fails. Converting text that is not in that
/// encoding garbles it, so callers that have not been told the encoding use [`repair`].
pub fn convert(text: &str, encoding: LegacyEncoding) -> String {
    match encoding {
        LegacyEncoding::Tcvn3 => text.chars().map(|c| tcvn3_letter(c).unwrap_or(c)).nfc().collect(),
        LegacyEncoding::VniWindows => convert_vni(text),
        LegacyEncoding::Viqr => convert_viqr(text),
        LegacyEncoding::Windows1258 => {
            text.chars().map(|c| cp1252_byte(c).and_then(cp1258_char).unwrap_or(c)).nfc().collect()
        }
    }
}

/// `text` converted to Unicode when [`detect`] recognises a legacy encoding, `None` otherwise
/// (including for text that is already Unicode).
pub fn repair(text: &str) -> Option<String> {
    detect(text).map(|encoding| convert(text, encoding))
}

// ---------------------------------------------------------------------------------------
// Detection

/// Letters and marks that only Unicode Vietnamese text contains, never legacy text decoded as
/// windows-1252, Latin-1 or ASCII.
fn is_unicode_vietnamese(c: char) -> bool {
    matches!(c, 'Ă' | 'ă' | 'Đ' | 'đ' | 'Ĩ' | 'ĩ' | 'Ũ' | 'ũ' | 'Ơ' | 'ơ' | 'Ư' | 'ư')
        || ('\u{1EA0}'..='\u{1EF9}').contains(&c)
        || ('\u{0300}'..='\u{036F}').contains(&c)
}

/// The Latin-1 letters that Unicode Vietnamese uses itself (à, é, ô, ý, …). When a legacy
/// encoding produces them, they are no evidence for that encoding.
fn is_latin1_vietnamese(c: char) -> bool {
    matches!(
        c,
        'à' | 'á' | 'â' | 'ã' | 'è' | 'é' | 'ê' | 'ì' | 'í' | 'ò' | 'ó' | 'ô' | 'õ' | 'ù' | 'ú' | 'ý'
            | 'À' | 'Á' | 'Â' | 'Ã' | 'È' | 'É' | 'Ê' | 'Ì' | 'Í' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ù' | 'Ú' | 'Ý'
    )
}

/// What trial conversion of a text's words showed.
#[derive(Debug, Default)]
struct Evidence {
    /// Words that conversion changed into Vietnamese syllables.
    good: usize,
    /// Of those, words that held a character only the encoding produces.
    distinctive: usize,
    /// Words that conversion turned into something that is not Vietnamese.
    bad: usize,
    /// Words looked at.
    words: usize,
}

impl Evidence {
    /// Enough good words, enough distinctive ones, and at most one bad word per
    /// `good_per_bad` good ones.
    fn is_clear(&self, good_per_bad: usize) -> bool {
        self.good >= MIN_WORDS && self.distinctive >= MIN_DISTINCTIVE && self.good >= good_per_bad * self.bad
    }
}

/// Trial conversion of every non-ASCII word under one of the 8-bit encodings.
fn byte_evidence(text: &str, encoding: LegacyEncoding) -> Evidence {
    let mut evidence = Evidence::default();
    for token in text.split_whitespace().take(MAX_TOKENS) {
        if token.is_ascii() {
            continue;
        }
        evidence.words += 1;
        let converted = convert(token, encoding);
        match reads_as_vietnamese(&converted) {
            Some(false) => evidence.bad += 1,
            Some(true) if converted != token => {
                evidence.good += 1;
                if is_distinctive(token, encoding) {
                    evidence.distinctive += 1;
                }
            }
            _ => {}
        }
    }
    evidence
}

/// Trial conversion of the words of an ASCII text that look like VIQR.
fn viqr_evidence(text: &str) -> Evidence {
    let mut evidence = Evidence::default();
    for token in text.split_whitespace().take(MAX_TOKENS) {
        if !token.chars().any(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        evidence.words += 1;
        let core = token.trim_start_matches(['(', '[', '{', '"']).trim_end_matches([',', ';', ':', '!', '"', ')', ']', '}']);
        let starts_with_letter = core.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        let only_viqr = core.chars().all(|c| c.is_ascii_alphabetic() || is_viqr_mark(c) || c == '\\');
        if !starts_with_letter || !only_viqr || is_abbreviation(core) || core.eq_ignore_ascii_case("i'm") {
            continue;
        }
        let converted = convert_viqr(core);
        if converted == core {
            continue;
        }
        match reads_as_vietnamese(&converted) {
            Some(true) => {
                evidence.good += 1;
                if is_distinctive(core, LegacyEncoding::Viqr) {
                    evidence.distinctive += 1;
                }
            }
            Some(false) => evidence.bad += 1,
            None => {}
        }
    }
    evidence
}

/// "e.g.", "a.m.", "U.S.A.": single letters between dots, which VIQR would read as dot-below
/// tone marks.
fn is_abbreviation(word: &str) -> bool {
    let segments: Vec<&str> = word.split('.').collect();
    let filled = segments.iter().filter(|s| !s.is_empty()).count();
    filled >= 2 && segments.iter().all(|s| s.chars().count() <= 1)
}

/// Whether `token` holds something only `encoding` produces: a character that Vietnamese
/// text never uses, or a VIQR mark inside a word.
fn is_distinctive(token: &str, encoding: LegacyEncoding) -> bool {
    match encoding {
        LegacyEncoding::Tcvn3 => token.chars().any(|c| tcvn3_letter(c).is_some() && !is_latin1_vietnamese(c)),
        LegacyEncoding::VniWindows => token.chars().any(|c| {
            !c.is_ascii()
                && !is_latin1_vietnamese(c)
                && (vni_mark(c).is_some() || vni_base(c).is_some() || vni_letter(c).is_some())
        }),
        // A combining tone byte right after a letter ("Viêòt").
        LegacyEncoding::Windows1258 => token
            .chars()
            .zip(token.chars().skip(1))
            .any(|(before, c)| before.is_alphabetic() && matches!(c, 'Ì' | 'ì' | 'Ò' | 'Þ' | 'ò')),
        // A quality mark, a leading dd, or a tone mark inside the word ("Vie^.t", "ca'c").
        LegacyEncoding::Viqr => {
            let chars: Vec<char> = token.chars().collect();
            let dd = matches!(chars.as_slice(), [a, b, ..] if a.eq_ignore_ascii_case(&'d') && b.eq_ignore_ascii_case(&'d'));
            let quality = chars.windows(2).any(|w| matches!(w, &[v, m] if viqr_quality(v, m).is_some()));
            let inner_tone = chars.windows(3).any(|w| {
                matches!(w, &[v, m, next] if is_viqr_vowel(v) && viqr_tone(m).is_some() && next.is_ascii_alphabetic())
            });
            dd || quality || inner_tone
        }
    }
}

/// `Some(true)` when every non-ASCII word in `text` is a Vietnamese syllable. `Some(false)`
/// when one is not. `None` when there is no non-ASCII word at all.
fn reads_as_vietnamese(text: &str) -> Option<bool> {
    let mut any = false;
    for word in text.split(|c: char| !(c.is_alphabetic() || is_combining_mark(c))) {
        if word.is_ascii() {
            continue;
        }
        any = true;
        if !is_vietnamese_syllable(word) {
            return Some(false);
        }
    }
    any.then_some(true)
}

/// Vowel sequences of Vietnamese syllables with their quality marks, tone marks removed, after
/// a glide u of "qu" or i of "gi".
const VOWEL_CLUSTERS: [&str; 54] = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "âu", "ay", "ây", "eo", "êu", "ia",
    "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "ưa", "ưi", "ươ", "ưu",
    "uy", "yê", "iêu", "yêu", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyê", "uyu",
];

/// A syllable by shape ([`Syllable::parse`]) whose vowels, quality marks included, also
/// occur in Vietnamese. Wrong-encoding conversions often give shapes like "tuùc" or "haứnh".
fn is_vietnamese_syllable(word: &str) -> bool {
    if Syllable::parse(word).is_none() {
        return false;
    }
    let bare: Vec<char> = word.nfd().filter(|c| !TONE_MARKS.contains(c)).nfc().flat_map(char::to_lowercase).collect();
    let is_vowel = |c: char| matches!(c, 'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y');
    let Some(mut start) = bare.iter().position(|c| is_vowel(*c)) else {
        return false;
    };
    let glide = matches!((&bare[..start], bare.get(start)), (['q'], Some('u')) | (['g'], Some('i')));
    if glide && bare.get(start + 1).is_some_and(|c| is_vowel(*c)) {
        start += 1;
    }
    let cluster: String = bare[start..].iter().take_while(|c| is_vowel(**c)).collect();
    VOWEL_CLUSTERS.contains(&cluster.as_str())
}

// ---------------------------------------------------------------------------------------
// TCVN3

/// TCVN3 (VN3) bytes and the letters they stand for, sorted by byte. A byte from 0xA0 up is
/// the character of the same number after windows-1252 or Latin-1 decoding ("µ" is 0xB5, à).
/// 0xAD, the letter ư, is a soft hyphen there and is invisible.
const TCVN3: [(u8, char); 74] = [
    (0xA1, 'Ă'), (0xA2, 'Â'), (0xA3, 'Ê'), (0xA4, 'Ô'), (0xA5, 'Ơ'), (0xA6, 'Ư'), (0xA7, 'Đ'),
    (0xA8, 'ă'), (0xA9, 'â'), (0xAA, 'ê'), (0xAB, 'ô'), (0xAC, 'ơ'), (0xAD, 'ư'), (0xAE, 'đ'),
    (0xB5, 'à'), (0xB6, 'ả'), (0xB7, 'ã'), (0xB8, 'á'), (0xB9, 'ạ'), (0xBB, 'ằ'), (0xBC, 'ẳ'),
    (0xBD, 'ẵ'), (0xBE, 'ắ'), (0xC6, 'ặ'), (0xC7, 'ầ'), (0xC8, 'ẩ'), (0xC9, 'ẫ'), (0xCA, 'ấ'),
    (0xCB, 'ậ'), (0xCC, 'è'), (0xCE, 'ẻ'), (0xCF, 'ẽ'), (0xD0, 'é'), (0xD1, 'ẹ'), (0xD2, 'ề'),
    (0xD3, 'ể'), (0xD4, 'ễ'), (0xD5, 'ế'), (0xD6, 'ệ'), (0xD7, 'ì'), (0xD8, 'ỉ'), (0xDC, 'ĩ'),
    (0xDD, 'í'), (0xDE, 'ị'), (0xDF, 'ò'), (0xE1, 'ỏ'), (0xE2, 'õ'), (0xE3, 'ó'), (0xE4, 'ọ'),
    (0xE5, 'ồ'), (0xE6, 'ổ'), (0xE7, 'ỗ'), (0xE8, 'ố'), (0xE9, 'ộ'), (0xEA, 'ờ'), (0xEB, 'ở'),
    (0xEC, 'ỡ'), (0xED, 'ớ'), (0xEE, 'ợ'), (0xEF, 'ù'), (0xF1, 'ủ'), (0xF2, 'ũ'), (0xF3, 'ú'),
    (0xF4, 'ụ'), (0xF5, 'ừ'), (0xF6, 'ử'), (0xF7, 'ữ'), (0xF8, 'ứ'), (0xF9, 'ự'), (0xFA, 'ỳ'),
    (0xFB, 'ỷ'), (0xFC, 'ỹ'), (0xFD, 'ý'), (0xFE, 'ỵ'),
];

/// The letter a character stands for in TCVN3, if any.
fn tcvn3_letter(c: char) -> Option<char> {
    let byte = u8::try_from(u32::from(c)).ok()?;
    let i = TCVN3.binary_search_by_key(&byte, |&(b, _)| b).ok()?;
    TCVN3.get(i).map(|&(_, letter)| letter)
}

// ---------------------------------------------------------------------------------------
// VNI-Windows

/// A VNI-Windows base letter, as the letter it is before marks. Bytes 0xF4 and 0xF6 ("ô", "ö")
/// are ơ and ư themselves, and take tone marks.
fn vni_base(c: char) -> Option<char> {
    match c {
        'a' | 'e' | 'o' | 'u' | 'y' | 'A' | 'E' | 'O' | 'U' | 'Y' => Some(c),
        'ô' => Some('ơ'),
        'Ô' => Some('Ơ'),
        'ö' => Some('ư'),
        'Ö' => Some('Ư'),
        _ => None,
    }
}

/// A VNI-Windows mark byte following a base letter: its quality mark, its tone mark, or
/// both. The capital form of each byte is used after capitals.
fn vni_mark(c: char) -> Option<(Option<char>, Option<char>)> {
    let mark = match c {
        'ù' | 'Ù' => (None, Some(ACUTE)),
        'ø' | 'Ø' => (None, Some(GRAVE)),
        'û' | 'Û' => (None, Some(HOOK)),
        'õ' | 'Õ' => (None, Some(TILDE)),
        'ï' | 'Ï' => (None, Some(DOT)),
        'â' | 'Â' => (Some(CIRCUMFLEX), None),
        'á' | 'Á' => (Some(CIRCUMFLEX), Some(ACUTE)),
        'à' | 'À' => (Some(CIRCUMFLEX), Some(GRAVE)),
        'å' | 'Å' => (Some(CIRCUMFLEX), Some(HOOK)),
        'ã' | 'Ã' => (Some(CIRCUMFLEX), Some(TILDE)),
        'ä' | 'Ä' => (Some(CIRCUMFLEX), Some(DOT)),
        'ê' | 'Ê' => (Some(BREVE), None),
        'é' | 'É' => (Some(BREVE), Some(ACUTE)),
        'è' | 'È' => (Some(BREVE), Some(GRAVE)),
        'ú' | 'Ú' => (Some(BREVE), Some(HOOK)),
        'ü' | 'Ü' => (Some(BREVE), Some(TILDE)),
        'ë' | 'Ë' => (Some(BREVE), Some(DOT)),
        _ => return None,
    };
    Some(mark)
}

/// Whether a VNI base letter takes a mark byte: the circumflex only on a, e, o, the breve only
/// on a. The tones go on any base, except the dot below on y, since ỵ has its own byte.
fn vni_takes(base: char, quality: Option<char>, tone: Option<char>) -> bool {
    match quality {
        Some(CIRCUMFLEX) => matches!(base, 'a' | 'e' | 'o' | 'A' | 'E' | 'O'),
        Some(BREVE) => matches!(base, 'a' | 'A'),
        Some(_) => false,
        None => !(matches!(base, 'y' | 'Y') && tone == Some(DOT)),
    }
}

/// VNI-Windows letters written with one byte of their own (í and ì are their Latin-1 selves).
fn vni_letter(c: char) -> Option<char> {
    match c {
        'ñ' => Some('đ'),
        'Ñ' => Some('Đ'),
        'æ' => Some('ỉ'),
        'Æ' => Some('Ỉ'),
        'ó' => Some('ĩ'),
        'Ó' => Some('Ĩ'),
        'ò' => Some('ị'),
        'Ò' => Some('Ị'),
        'î' => Some('ỵ'),
        'Î' => Some('Ỵ'),
        _ => None,
    }
}

/// Converts VNI-Windows: each base letter takes the mark byte that follows it, if that byte
/// fits it.
fn convert_vni(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let Some(base) = vni_base(c) else {
            out.push(vni_letter(c).unwrap_or(c));
            continue;
        };
        out.push(base);
        if let Some(&next) = chars.peek()
            && let Some((quality, tone)) = vni_mark(next)
            && vni_takes(base, quality, tone)
        {
            out.extend(quality);
            out.extend(tone);
            chars.next();
        }
    }
    out.nfc().collect()
}

// ---------------------------------------------------------------------------------------
// VIQR

/// Vowels that take VIQR marks.
fn is_viqr_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'A' | 'E' | 'I' | 'O' | 'U' | 'Y')
}

/// The quality mark that VIQR `mark` puts on `vowel`: a( ă, a^ â, e^ ê, o^ ô, o+ ơ, u+ ư.
fn viqr_quality(vowel: char, mark: char) -> Option<char> {
    match (vowel.to_ascii_lowercase(), mark) {
        ('a', '(') => Some(BREVE),
        ('a' | 'e' | 'o', '^') => Some(CIRCUMFLEX),
        ('o' | 'u', '+') => Some(HORN),
        _ => None,
    }
}

/// The tone mark that a VIQR character writes: ' acute, ` grave, ? hook, ~ tilde, . dot.
fn viqr_tone(mark: char) -> Option<char> {
    match mark {
        '\'' => Some(ACUTE),
        '`' => Some(GRAVE),
        '?' => Some(HOOK),
        '~' => Some(TILDE),
        '.' => Some(DOT),
        _ => None,
    }
}

/// Characters that VIQR reads as marks after a vowel.
fn is_viqr_mark(c: char) -> bool {
    viqr_tone(c).is_some() || matches!(c, '(' | '^' | '+')
}

/// Converts VIQR following RFC 1456. After a vowel come an optional quality mark, then an
/// optional tone mark. "dd" at the start of a word is đ ("DD", "Dd" are Đ). A backslash
/// makes the next mark (or d) literal: "Ha` No^.i\." is "Hà Nội.".
///
/// Two readings go beyond the RFC. A word takes only one tone mark, so in "No^.i." the
/// last dot is punctuation. A dot followed by another dot is an ellipsis. An unescaped "?"
/// or "." after a vowel with no tone mark is still read as a tone mark, as the RFC says.
fn convert_viqr(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    let mut after_letter = false;
    let mut tone_in_word = false;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        if c == '\\'
            && let Some(escaped) = next
            && (is_viqr_mark(escaped) || escaped == 'd' || escaped == 'D')
        {
            out.push(escaped);
            i += 2;
            after_letter = escaped.is_ascii_alphabetic();
            tone_in_word &= after_letter;
            continue;
        }
        if !after_letter && matches!(c, 'd' | 'D') && matches!(next, Some('d' | 'D')) {
            out.push(if c == 'D' { 'Đ' } else { 'đ' });
            i += 2;
            after_letter = true;
            continue;
        }
        if is_viqr_vowel(c) {
            out.push(c);
            i += 1;
            if let Some(quality) = chars.get(i).and_then(|&m| viqr_quality(c, m)) {
                out.push(quality);
                i += 1;
            }
            if !tone_in_word
                && let Some(&mark) = chars.get(i)
                && let Some(tone) = viqr_tone(mark)
                && !(mark == '.' && chars.get(i + 1) == Some(&'.'))
            {
                out.push(tone);
                i += 1;
                tone_in_word = true;
            }
            after_letter = true;
            continue;
        }
        out.push(c);
        i += 1;
        after_letter = c.is_alphabetic();
        tone_in_word &= after_letter;
    }
    out.nfc().collect()
}

// ---------------------------------------------------------------------------------------
// windows-1258

/// The characters windows-1252 puts in 0x80–0x9F. Windows-1258 has the same ones, except
/// that 0x8A, 0x8E, 0x9A and 0x9E are undefined in it.
const CP1252_HIGH: [(u8, char); 27] = [
    (0x80, '\u{20AC}'), (0x82, '\u{201A}'), (0x83, '\u{0192}'), (0x84, '\u{201E}'), (0x85, '\u{2026}'),
    (0x86, '\u{2020}'), (0x87, '\u{2021}'), (0x88, '\u{02C6}'), (0x89, '\u{2030}'), (0x8A, '\u{0160}'),
    (0x8B, '\u{2039}'), (0x8C, '\u{0152}'), (0x8E, '\u{017D}'), (0x91, '\u{2018}'), (0x92, '\u{2019}'),
    (0x93, '\u{201C}'), (0x94, '\u{201D}'), (0x95, '\u{2022}'), (0x96, '\u{2013}'), (0x97, '\u{2014}'),
    (0x98, '\u{02DC}'), (0x99, '\u{2122}'), (0x9A, '\u{0161}'), (0x9B, '\u{203A}'), (0x9C, '\u{0153}'),
    (0x9E, '\u{017E}'), (0x9F, '\u{0178}'),
];

/// The byte that windows-1252 (or Latin-1, for U+0080–U+00FF) decoded into `c`.
fn cp1252_byte(c: char) -> Option<u8> {
    if let Ok(byte) = u8::try_from(u32::from(c)) {
        return Some(byte);
    }
    CP1252_HIGH.iter().find(|&&(_, high)| high == c).map(|&(byte, _)| byte)
}

/// The character `byte` stands for in windows-1258: Latin-1 from 0xA0 up, except the
/// Vietnamese letters, the five combining tone marks (0xCC grave, 0xD2 hook, 0xDE tilde,
/// 0xEC acute, 0xF2 dot below) and ₫.
fn cp1258_char(byte: u8) -> Option<char> {
    match byte {
        0x8A | 0x8E | 0x9A | 0x9E => None,
        0x80..=0x9F => CP1252_HIGH.iter().find(|&&(b, _)| b == byte).map(|&(_, c)| c),
        0xC3 => Some('Ă'),
        0xCC => Some(GRAVE),
        0xD0 => Some('Đ'),
        0xD2 => Some(HOOK),
        0xD5 => Some('Ơ'),
        0xDD => Some('Ư'),
        0xDE => Some(TILDE),
        0xE3 => Some('ă'),
        0xEC => Some(ACUTE),
        0xF0 => Some('đ'),
        0xF2 => Some(DOT),
        0xF5 => Some('ơ'),
        0xFD => Some('ư'),
        0xFE => Some('₫'),
        _ => Some(char::from(byte)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::LegacyEncoding::{Tcvn3, Viqr, VniWindows, Windows1258};

    const ALL: [LegacyEncoding; 4] = [Tcvn3, VniWindows, Viqr, Windows1258];

    const PHRASES: [&str; 11] = [
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
        "Độc lập - Tự do - Hạnh phúc",
        "Ủy ban nhân dân tỉnh",
        "ủy ban nhân dân tỉnh",
        "Đăng ký khai sinh",
        "Thủ tục hành chính",
        "Giấy chứng nhận quyền sử dụng đất",
        "Người yêu cầu nộp hồ sơ trực tuyến",
        "Nguyễn Thị Minh Khai, quận Ba Đình, Hà Nội",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Thuở ấy khuya khoắt, khuỷu tay ngoằn ngoèo, rượu giữa quốc yêu, Ỷ ỵ",
    ];

    // --- Test-only encoders, written independently of the decoders' structure. ---

    /// Base letter, quality mark and tone mark of one composed letter.
    fn parts(c: char) -> Option<(char, Option<char>, Option<char>)> {
        let mut decomposed = std::iter::once(c).nfd();
        let base = decomposed.next()?;
        let (mut quality, mut tone) = (None, None);
        for m in decomposed {
            if [CIRCUMFLEX, BREVE, HORN].contains(&m) {
                quality = Some(m);
            } else if TONE_MARKS.contains(&m) {
                tone = Some(m);
            } else {
                return None;
            }
        }
        Some((base, quality, tone))
    }

    /// A legacy code in the case of the letter it belongs to.
    fn cased(code: char, upper: bool) -> char {
        if upper { code.to_uppercase().next().unwrap_or(code) } else { code }
    }

    fn encode_tcvn3(c: char) -> Option<String> {
        TCVN3.iter().find(|&&(_, letter)| letter == c).map(|&(byte, _)| String::from(char::from(byte)))
    }

    fn encode_vni(c: char) -> Option<String> {
        if c == 'đ' || c == 'Đ' {
            return Some(String::from(cased('ñ', c == 'Đ')));
        }
        let (base, quality, tone) = parts(c)?;
        let upper = base.is_uppercase();
        let t = match tone {
            None => 0,
            Some(ACUTE) => 1,
            Some(GRAVE) => 2,
            Some(HOOK) => 3,
            Some(TILDE) => 4,
            Some(DOT) => 5,
            Some(_) => return None,
        };
        let code = |row: [char; 6]| cased(row[t], upper);
        let tones = ['\0', 'ù', 'ø', 'û', 'õ', 'ï'];
        let mut out = String::new();
        match (base.to_ascii_lowercase(), quality) {
            ('i', None) => out.push(code(['i', 'í', 'ì', 'æ', 'ó', 'ò'])),
            ('y', None) if t == 5 => out.push(cased('î', upper)),
            ('o', Some(HORN)) | ('u', Some(HORN)) => {
                out.push(cased(if base.eq_ignore_ascii_case(&'o') { 'ô' } else { 'ö' }, upper));
                if t > 0 {
                    out.push(code(tones));
                }
            }
            ('a' | 'e' | 'o', Some(CIRCUMFLEX)) => {
                out.push(base);
                out.push(code(['â', 'á', 'à', 'å', 'ã', 'ä']));
            }
            ('a', Some(BREVE)) => {
                out.push(base);
                out.push(code(['ê', 'é', 'è', 'ú', 'ü', 'ë']));
            }
            ('a' | 'e' | 'o' | 'u' | 'y', None) => {
                out.push(base);
                if t > 0 {
                    out.push(code(tones));
                }
            }
            _ => return None,
        }
        Some(out)
    }

    fn encode_viqr(c: char) -> Option<String> {
        match c {
            'đ' => return Some("dd".to_string()),
            'Đ' => return Some("DD".to_string()),
            _ => {}
        }
        let (base, quality, tone) = parts(c)?;
        let mut out = String::from(base);
        out.extend(quality.map(|q| match q {
            BREVE => '(',
            CIRCUMFLEX => '^',
            _ => '+',
        }));
        out.extend(tone.map(|t| match t {
            ACUTE => '\'',
            GRAVE => '`',
            HOOK => '?',
            TILDE => '~',
            _ => '.',
        }));
        Some(out)
    }

    /// The byte windows-1258 writes `c` with.
    fn cp1258_byte(c: char) -> Option<u8> {
        (0..=u8::MAX).find(|&b| cp1258_char(b) == Some(c))
    }

    /// How windows-1252 shows a byte.
    fn shown(byte: u8) -> Option<char> {
        match byte {
            0x80..=0x9F => CP1252_HIGH.iter().find(|&&(b, _)| b == byte).map(|&(_, c)| c),
            _ => Some(char::from(byte)),
        }
    }

    fn encode_cp1258(c: char) -> Option<String> {
        if let Some(byte) = cp1258_byte(c) {
            return shown(byte).map(String::from);
        }
        let (base, quality, tone) = parts(c)?;
        let composed: Vec<char> = std::iter::once(base).chain(quality).nfc().collect();
        let [bare] = composed.as_slice() else {
            return None;
        };
        [cp1258_byte(*bare)?, cp1258_byte(tone?)?].into_iter().map(shown).collect()
    }

    /// `text` written in `encoding` and shown through windows-1252; `None` when the
    /// encoding cannot write it (TCVN3 capitals with tone marks).
    fn encode(text: &str, encoding: LegacyEncoding) -> Option<String> {
        let mut out = String::new();
        for c in text.nfc() {
            if c.is_ascii() {
                // VIQR: a mark character right after a vowel or a mark must be escaped.
                let after_vowel = out.chars().next_back().is_some_and(|p| is_viqr_vowel(p) || is_viqr_mark(p));
                if encoding == Viqr && is_viqr_mark(c) && after_vowel {
                    out.push('\\');
                }
                out.push(c);
                continue;
            }
            let code = match encoding {
                Tcvn3 => encode_tcvn3(c),
                VniWindows => encode_vni(c),
                Viqr => encode_viqr(c),
                Windows1258 => encode_cp1258(c),
            };
            out.push_str(&code?);
        }
        Some(out)
    }

    /// Every Vietnamese letter, lowercase then uppercase.
    fn all_letters() -> Vec<String> {
        let mut lower: Vec<String> = Vec::new();
        for base in ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"] {
            lower.push(base.to_string());
            for tone in TONE_MARKS {
                lower.push(format!("{base}{tone}").nfc().collect());
            }
        }
        lower.push("đ".to_string());
        let upper: Vec<String> = lower.iter().map(|l| l.to_uppercase()).collect();
        lower.into_iter().chain(upper).collect()
    }

    // --- Tables. ---

    #[test]
    fn tcvn3_table_is_sorted_and_one_to_one() {
        assert!(TCVN3.windows(2).all(|w| w[0].0 < w[1].0), "sorted by byte, no duplicates");
        for (i, (_, a)) in TCVN3.iter().enumerate() {
            assert!(TCVN3[i + 1..].iter().all(|(_, b)| a != b), "{a} appears twice");
            assert_eq!(std::iter::once(*a).nfc().collect::<String>(), a.to_string(), "{a} is composed");
        }
    }

    #[test]
    fn tcvn3_has_every_lowercase_letter_and_the_plain_capitals() {
        let letters = all_letters();
        let (lower, upper) = letters.split_at(letters.len() / 2);
        for letter in lower {
            assert!(encode(letter, Tcvn3).is_some(), "{letter}");
        }
        for letter in ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ", "A", "Y"] {
            assert!(encode(letter, Tcvn3).is_some(), "{letter}");
        }
        assert_eq!(upper.iter().filter(|l| encode(l, Tcvn3).is_some()).count(), 13);
    }

    #[test]
    fn every_letter_round_trips() {
        for encoding in [VniWindows, Viqr, Windows1258] {
            for letter in all_letters() {
                let Some(encoded) = encode(&letter, encoding) else {
                    panic!("{encoding:?} cannot write {letter}");
                };
                assert_eq!(convert(&encoded, encoding), letter, "{encoding:?}: {encoded:?}");
            }
        }
        for letter in all_letters() {
            if let Some(encoded) = encode(&letter, Tcvn3) {
                assert_eq!(convert(&encoded, Tcvn3), letter, "TCVN3: {encoded:?}");
            }
        }
    }

    // --- Round trips of phrases. ---

    #[test]
    fn phrases_round_trip() {
        for encoding in ALL {
            for phrase in PHRASES {
                let Some(encoded) = encode(phrase, encoding) else {
                    assert_eq!(encoding, Tcvn3, "only TCVN3 lacks letters: {phrase}");
                    continue;
                };
                assert_ne!(encoded, phrase, "{encoding:?}");
                assert_eq!(convert(&encoded, encoding), phrase, "{encoding:?}: {encoded:?}");
            }
        }
        for phrase in ["Cộng hòa xã hội chủ nghĩa Việt Nam", "ủy ban nhân dân tỉnh", "Đăng ký khai sinh"] {
            assert!(encode(phrase, Tcvn3).is_some(), "{phrase}");
        }
    }

    #[test]
    fn encoded_documents_are_detected_and_repaired() {
        for encoding in ALL {
            let writable: Vec<&str> = PHRASES.into_iter().filter(|p| encode(p, encoding).is_some()).collect();
            let text = writable.join(". ");
            let Some(encoded) = encode(&text, encoding) else {
                panic!("{encoding:?} cannot write the joined phrases");
            };
            assert_eq!(detect(&encoded), Some(encoding), "{encoded}");
            assert_eq!(repair(&encoded).as_deref(), Some(text.as_str()), "{encoding:?}");
        }
    }

    // --- Known samples, written by hand. ---

    #[test]
    fn converts_known_tcvn3() {
        for (legacy, unicode) in [
            ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
            ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
            ("Uû ban nh©n d©n", "Uỷ ban nhân dân"),
            ("ng\u{AD}êi", "người"),
            ("Ninh B×nh", "Ninh Bình"),
            ("B¶o Th¾ng", "Bảo Thắng"),
            ("M\u{AD}êng Kh\u{AD}¬ng", "Mường Khương"),
            ("§¨ng ký khai sinh", "Đăng ký khai sinh"),
        ] {
            assert_eq!(convert(legacy, Tcvn3), unicode, "{legacy}");
        }
    }

    #[test]
    fn converts_known_vni() {
        for (legacy, unicode) in [
            ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
            ("Xin chaøo caùc baïn", "Xin chào các bạn"),
            ("Ñaêng kyù khai sinh", "Đăng ký khai sinh"),
            ("ngöôøi", "người"),
            ("Tröôøng", "Trường"),
            ("VIEÄT NAM", "VIỆT NAM"),
            ("UÛy ban nhaân daân tænh", "Ủy ban nhân dân tỉnh"),
        ] {
            assert_eq!(convert(legacy, VniWindows), unicode, "{legacy}");
        }
    }

    #[test]
    fn converts_known_viqr() {
        for (legacy, unicode) in [
            ("Vie^.t Nam", "Việt Nam"),
            ("dda(ng ky'", "đăng ký"),
            ("DDa(ng ky' khai sinh", "Đăng ký khai sinh"),
            ("ngu+o+`i", "người"),
            ("Co^.ng ho`a xa~ ho^.i chu? nghi~a Vie^.t Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
            ("Ha` No^.i\\.", "Hà Nội."),
            ("Ha` No^.i.", "Hà Nội."),
            ("Ba.n te^n gi`?", "Bạn tên gì?"),
            ("a\\(b a\\^ e\\'", "a(b a^ e'"),
            ("Toi la` sinh vie^n...", "Toi là sinh viên..."),
            ("add odd", "add odd"),
        ] {
            assert_eq!(convert(legacy, Viqr), unicode, "{legacy}");
        }
    }

    #[test]
    fn converts_known_windows_1258() {
        // Bytes 56 69 EA F2 74 ("Vi", ê, combining dot below, "t") shown through windows-1252.
        assert_eq!(convert("Vi\u{EA}\u{F2}t Nam", Windows1258), "Việt Nam");
        assert_eq!(convert("Ðãng kyì khai sinh", Windows1258), "Đăng ký khai sinh");
        assert_eq!(convert("Hà Nôòi, cõ sõÒ", Windows1258), "Hà Nội, cơ sở");
        // Latin-1 decoders leave 0x93 and 0x94 as C1 controls; they are quotation marks.
        assert_eq!(convert("\u{93}Viêòt\u{94}", Windows1258), "\u{201C}Việt\u{201D}");
    }

    #[test]
    fn detects_known_samples() {
        assert_eq!(detect("Céng hoµ x· héi chñ nghÜa ViÖt Nam"), Some(Tcvn3));
        assert_eq!(detect("Uû ban nh©n d©n tØnh Hµ Giang"), Some(Tcvn3));
        assert_eq!(detect("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"), Some(VniWindows));
        assert_eq!(detect("Xin chaøo caùc baïn, toâi laø ngöôøi Vieät"), Some(VniWindows));
        assert_eq!(detect("Co^.ng ho`a xa~ ho^.i chu? nghi~a Vie^.t Nam"), Some(Viqr));
        assert_eq!(detect("Côòng hoÌa xaÞ hôòi chuÒ nghiÞa Viêòt Nam"), Some(Windows1258));
        assert_eq!(
            repair("Céng hoµ x· héi chñ nghÜa ViÖt Nam").as_deref(),
            Some("Cộng hoà xã hội chủ nghĩa Việt Nam")
        );
    }

    // --- Negatives. ---

    #[test]
    fn leaves_unicode_english_and_codes_alone() {
        for text in [
            "",
            "Đăng ký khai sinh",
            "Thủ tục hành chính",
            "Cộng hòa xã hội chủ nghĩa Việt Nam",
            "Thu\u{0323} ly\u{0301} ho\u{0302}\u{0300} so\u{031B}",
            "Don't stop. Really?",
            "1.001193; 12/2023/NĐ-CP",
            "UBND 12/2023/ND-CP, so 1.001193",
            "The quick brown fox jumps over the lazy dog. Isn't it? I'd say so; we're here, you're there.",
            "I'm sure I'm right and I'm going, e.g. at 9 a.m. i.e. before noon. U.S.A. o.k.?",
            "Hello. Where are you? I am here. Do you see me. Go! No? Yes. So? Me too.",
            "The value of x^2 + y^2 = r^2; C++ and C# are languages; a(1), a(2), a(3), o+1",
            "Très élevé à côté de la forêt où il était, Noël. Où est-il? Ça va très bien, merci.",
            "Größe über Müller äöü Straße. Die Bäume blühen schön im Frühling, während Jürgen Käse isst",
            "El niño está en España, señor. ¿Qué pasó? Mañana será otro día, José.",
            "As informações estão não são corações. Você está aqui? Pão, mãe, irmãos, órgãos",
            "Cô Tú có mã Cô Tô Cà Mau Bà Rá Tân Phú Tây Ninh Hà Tiên",
            "©2023 «Quote» § 12 ® ¶ 3 · ½ ¼ ¾ µs 10° ±5 — naïve café résumé",
            "Søren Kierkegaard, Æsir, Þórr, Ísland, Ívar, Øresund, Skåne",
        ] {
            assert_eq!(detect(text), None, "{text}");
            assert_eq!(repair(text), None, "{text}");
        }
    }

    #[test]
    fn short_fragments_are_not_enough() {
        for text in ["§¨ng ký khai sinh", "Vie^.t Nam", "Ñaêng kyù khai sinh", "ViÖt Nam", "a\\(b a\\^ o\\+ e\\'"] {
            assert_eq!(detect(text), None, "{text}");
        }
    }

    #[test]
    fn plain_ascii_is_unchanged() {
        let text = "UBND 12/2023/ND-CP, so 1.001193 - Ha Noi";
        for encoding in ALL {
            assert_eq!(convert(text, encoding), text, "{encoding:?}");
        }
    }

    #[test]
    fn never_panics_and_always_gives_nfc() {
        let long_tcvn3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam. ".repeat(2_000);
        let long_word = "x".repeat(100_000);
        let long_marks = "a'^(+.~`?\\".repeat(5_000);
        let inputs = [
            "",
            " ",
            "🙂🙂 👍🏽",
            "\u{0301}\u{0323}",
            "a\u{0301}\u{0301}",
            "\\",
            "a\\",
            "d",
            "dd",
            "^",
            "a(",
            "'",
            "ÌìÒÞò",
            "Ì",
            "ôö",
            "ÿ\u{80}\u{81}\u{8A}\u{9F}",
            "\u{AD}\u{AD}",
            "\u{FFFD}\u{10FFFF}",
            long_tcvn3.as_str(),
            long_word.as_str(),
            long_marks.as_str(),
        ];
        for input in inputs {
            let _ = detect(input);
            let _ = repair(input);
            for encoding in ALL {
                let converted = convert(input, encoding);
                assert_eq!(converted.nfc().collect::<String>(), converted, "{encoding:?}");
            }
        }
        assert_eq!(detect(&long_tcvn3), Some(Tcvn3));
    }
}
