//! Ranking labels of a procedure, given to the index with it. One rule for the server's
//! index sync and for the search benchmark, so that the benchmark ranks as the portal does.

use crate::curated::keywords::KEYWORDS;

/// Words of a procedure's audience (đối tượng thực hiện) that name individuals.
const INDIVIDUALS: [&str; 5] = ["công dân", "cá nhân", "người việt nam", "hộ gia đình", "người nước ngoài"];

/// "citizen" when individuals may use the procedure, "local" when a province or commune
/// carries it out, "common" when it is one of the procedures citizens commonly need (those
/// given search keywords): what a portal without usage figures knows of popularity.
/// `levels` is the national data's level names in any list form ("Cấp tỉnh, Cấp xã" or a
/// JSON array of them).
pub fn procedure_tags(code: &str, audience: &str, levels: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let audience = audience.to_lowercase();
    if INDIVIDUALS.iter().any(|w| audience.contains(w)) {
        tags.push("citizen".to_string());
    }
    if levels.contains("Cấp tỉnh") || levels.contains("Cấp xã") {
        tags.push("local".to_string());
    }
    if KEYWORDS.lists(code) {
        tags.push("common".to_string());
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_audience_levels_and_the_keyword_list() {
        // Đăng ký khai sinh: individuals, at the commune, with curated keywords.
        assert_eq!(procedure_tags("1.001193", "Công dân Việt Nam", r#"["Cấp xã"]"#), ["citizen", "local", "common"]);
        assert_eq!(procedure_tags("9.999999", "Doanh nghiệp", "Cấp Bộ"), Vec::<String>::new());
        assert_eq!(procedure_tags("9.999999", "Tổ chức, Cá nhân", "Cấp tỉnh, Cấp Bộ"), ["citizen", "local"]);
    }
}
