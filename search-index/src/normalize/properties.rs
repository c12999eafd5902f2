//! Properties every input must keep: normalisation is idempotent and nothing here panics,
//! whatever arrives (property tests over Vietnamese-flavoured and arbitrary text).

use proptest::prelude::*;

use super::{decode_input_residue, fold, legacy, normalize, place_tone, unify_i_y};

/// Text built from Vietnamese letters, combining marks, look-alikes, invisible characters,
/// ASCII punctuation and digits, where the interesting cases live.
fn vietnamese_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "đ", "Đ", "q", "g", "h", "n", "t", "c", "k", "x",
        "\u{0300}", "\u{0301}", "\u{0309}", "\u{0303}", "\u{0323}", "\u{0302}", "\u{0306}", "\u{031B}", "\u{00D0}",
        "\u{200B}", "\u{FEFF}", " ", ".", "/", "-", "1", "9", "hoà", "thuỷ", "qúy", "gỉa", "ngừơi", "µ", "ø", "^", "(",
        "+", "'", "`", "?", "~",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn normalize_is_idempotent(text in vietnamese_like()) {
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn normalize_is_idempotent_on_any_text(text in any::<String>()) {
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn nothing_panics(text in prop_oneof![vietnamese_like(), any::<String>()]) {
        let _ = fold(&text);
        let _ = unify_i_y(&fold(&text));
        let _ = legacy::repair(&text);
        for word in text.split_whitespace() {
            let _ = place_tone(word);
            let _ = decode_input_residue(&word.to_lowercase());
        }
    }
}
