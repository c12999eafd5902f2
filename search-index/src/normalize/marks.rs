//! The combining marks of Vietnamese, named: five tones and three vowel qualities. Shared by
//! the syllable parser, the input-method decoder and the legacy-encoding converter.

/// Sắc.
pub const ACUTE: char = '\u{0301}';
/// Huyền.
pub const GRAVE: char = '\u{0300}';
/// Hỏi.
pub const HOOK: char = '\u{0309}';
/// Ngã.
pub const TILDE: char = '\u{0303}';
/// Nặng.
pub const DOT: char = '\u{0323}';
/// â ê ô.
pub const CIRCUMFLEX: char = '\u{0302}';
/// ă.
pub const BREVE: char = '\u{0306}';
/// ơ ư.
pub const HORN: char = '\u{031B}';

/// The five tone marks.
pub const TONE_MARKS: [char; 5] = [GRAVE, ACUTE, HOOK, TILDE, DOT];
/// The three vowel-quality marks.
pub const QUALITY_MARKS: [char; 3] = [CIRCUMFLEX, BREVE, HORN];
