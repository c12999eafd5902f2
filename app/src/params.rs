//! Reading a search request from query parameters, shared by the results page and the JSON
//! API so both accept and reject exactly the same input.

use crate::domain::{AgencyLevel, DocumentKind, SearchParams};

/// A query parameter that was not accepted, named so the caller can say which.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{parameter}: {message}")]
pub struct ParamError {
    /// The parameter at fault.
    pub parameter: String,
    /// What is wrong with it, in Vietnamese for the page and the API alike.
    pub message: String,
}

impl ParamError {
    fn new(parameter: &str, message: impl Into<String>) -> Self {
        Self { parameter: parameter.to_string(), message: message.into() }
    }
}

/// How strictly to treat parameters the search does not know, and empty ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnknownParams {
    /// Reject them (the JSON API: a typo must not silently change the answer, and an empty
    /// filter is a caller's mistake).
    Reject,
    /// Ignore them (pages: links from elsewhere carry tracking parameters, and the search
    /// form sends its empty choices).
    Ignore,
}

/// Longest field-of-administration name accepted.
const MAX_TOPIC_CHARS: usize = 200;
/// Years a year filter may name.
const YEARS: std::ops::RangeInclusive<i32> = 1945..=2100;

/// Parses `q`, `kind`, `agency`, `level`, `topic`, `year`, `page` and `per_page`.
pub fn parse_search_params(pairs: &[(String, String)], unknown: UnknownParams) -> Result<SearchParams, ParamError> {
    let mut params = SearchParams::default();
    let mut seen: Vec<&str> = Vec::new();
    for (key, value) in pairs {
        if seen.contains(&key.as_str()) {
            return Err(ParamError::new(key, "chỉ được truyền một lần"));
        }
        seen.push(key);
        // Lengths are checked as sent, so the limit the API documents is the one it keeps.
        let sent = value.as_str();
        let value = value.trim();
        // The search form sends its empty choices; a program calling the API means something.
        if value.is_empty() && key != "q" && unknown == UnknownParams::Reject {
            return Err(ParamError::new(key, "không được để trống (bỏ tham số đi nếu không lọc)"));
        }
        match key.as_str() {
            "q" => params.q = query_text(sent)?.trim().to_string(),
            "kind" => {
                if !value.is_empty() {
                    params.kind =
                        Some(DocumentKind::parse(value).ok_or_else(|| {
                            ParamError::new("kind", "phải là một trong: procedure, announcement, page")
                        })?);
                }
            }
            "agency" => {
                if !value.is_empty() {
                    if value.len() > 100
                        || !value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    {
                        return Err(ParamError::new("agency", "không phải mã cơ quan hợp lệ"));
                    }
                    params.agency = Some(value.to_string());
                }
            }
            "level" => {
                if !value.is_empty() {
                    params.level = Some(AgencyLevel::parse(value).ok_or_else(|| {
                        ParamError::new("level", "phải là một trong: ministry, province, department, commune, other")
                    })?);
                }
            }
            "topic" => {
                if !value.is_empty() {
                    if sent.chars().count() > MAX_TOPIC_CHARS || value.chars().any(char::is_control) {
                        return Err(ParamError::new("topic", "không phải tên lĩnh vực hợp lệ"));
                    }
                    params.topic = Some(value.to_string());
                }
            }
            "year" => {
                if !value.is_empty() {
                    let year: i32 = value.parse().ok().filter(|y| YEARS.contains(y)).ok_or_else(|| {
                        ParamError::new("year", format!("phải là năm từ {} đến {}", YEARS.start(), YEARS.end()))
                    })?;
                    params.year = Some(year);
                }
            }
            "page" => {
                params.page = parse_bounded("page", value, SearchParams::MAX_PAGE)?;
            }
            "per_page" => {
                params.per_page = parse_bounded("per_page", value, SearchParams::MAX_PER_PAGE)?;
            }
            other => {
                if unknown == UnknownParams::Reject {
                    return Err(ParamError::new(other, "tham số không được hỗ trợ"));
                }
            }
        }
    }
    Ok(params)
}

/// Parses the parameters of a completion request: `q` only, required.
pub fn parse_completion_params(pairs: &[(String, String)]) -> Result<String, ParamError> {
    let mut q = None;
    for (key, value) in pairs {
        match key.as_str() {
            "q" if q.is_some() => return Err(ParamError::new("q", "chỉ được truyền một lần")),
            "q" => q = Some(query_text(value)?.trim().to_string()),
            other => return Err(ParamError::new(other, "tham số không được hỗ trợ")),
        }
    }
    q.ok_or_else(|| ParamError::new("q", "là bắt buộc"))
}

/// The text of `q`, refused when longer than a search accepts.
fn query_text(value: &str) -> Result<String, ParamError> {
    if value.chars().count() > SearchParams::MAX_QUERY_CHARS {
        return Err(ParamError::new("q", format!("dài quá {} ký tự", SearchParams::MAX_QUERY_CHARS)));
    }
    Ok(value.to_string())
}

fn parse_bounded(name: &str, value: &str, max: u32) -> Result<u32, ParamError> {
    let n: u32 = value.parse().map_err(|_| ParamError::new(name, format!("phải là số nguyên từ 1 đến {max}")))?;
    if n == 0 || n > max {
        return Err(ParamError::new(name, format!("phải là số nguyên từ 1 đến {max}")));
    }
    Ok(n)
}

/// The query string of a search, for links (paging, facets); empty values left out.
pub fn search_query_string(params: &SearchParams) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !params.q.is_empty() {
        s.append_pair("q", &params.q);
    }
    if let Some(kind) = params.kind {
        s.append_pair("kind", kind.as_str());
    }
    if let Some(agency) = &params.agency {
        s.append_pair("agency", agency);
    }
    if let Some(level) = params.level {
        s.append_pair("level", level.as_str());
    }
    if let Some(topic) = &params.topic {
        s.append_pair("topic", topic);
    }
    if let Some(year) = params.year {
        s.append_pair("year", &year.to_string());
    }
    if params.page > 1 {
        s.append_pair("page", &params.page.to_string());
    }
    if params.per_page != SearchParams::DEFAULT_PER_PAGE {
        s.append_pair("per_page", &params.per_page.to_string());
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn parses_every_parameter() {
        let p = parse_search_params(
            &pairs(&[
                ("q", " khai sinh "),
                ("kind", "procedure"),
                ("agency", "bo-tu-phap"),
                ("level", "commune"),
                ("topic", "Hộ tịch"),
                ("year", "2026"),
                ("page", "2"),
                ("per_page", "20"),
            ]),
            UnknownParams::Reject,
        )
        .expect("valid");
        assert_eq!(p.q, "khai sinh");
        assert_eq!(p.kind, Some(DocumentKind::Procedure));
        assert_eq!(p.agency.as_deref(), Some("bo-tu-phap"));
        assert_eq!((p.level, p.topic.as_deref(), p.year), (Some(AgencyLevel::Commune), Some("Hộ tịch"), Some(2026)));
        assert_eq!((p.page, p.per_page), (2, 20));
    }

    #[test]
    fn names_the_bad_parameter() {
        for (list, name) in [
            (vec![("page", "abc")], "page"),
            (vec![("page", "0")], "page"),
            (vec![("per_page", "1000")], "per_page"),
            (vec![("kind", "news")], "kind"),
            (vec![("agency", "<script>")], "agency"),
            (vec![("level", "district")], "level"),
            (vec![("year", "20x6")], "year"),
            (vec![("year", "99999")], "year"),
            (vec![("topic", "a\u{0}b")], "topic"),
            (vec![("sort", "date")], "sort"),
            (vec![("q", "a"), ("q", "b")], "q"),
            (vec![("kind", "")], "kind"),
            (vec![("year", " ")], "year"),
        ] {
            let err = parse_search_params(&pairs(&list), UnknownParams::Reject).expect_err("invalid");
            assert_eq!(err.parameter, name);
        }
    }

    #[test]
    fn pages_ignore_unknown_parameters() {
        let p = parse_search_params(&pairs(&[("q", "x"), ("utm_source", "zalo")]), UnknownParams::Ignore).expect("ok");
        assert_eq!(p.q, "x");
        let form = parse_search_params(&pairs(&[("kind", ""), ("year", "")]), UnknownParams::Ignore).expect("ok");
        assert_eq!((form.kind, form.year), (None, None), "the form's empty choices");
    }

    #[test]
    fn query_string_round_trips() {
        let p = SearchParams {
            q: "đăng ký & khai sinh".into(),
            topic: Some("Hộ tịch & Chứng thực".into()),
            level: Some(AgencyLevel::Commune),
            year: Some(2025),
            page: 3,
            ..Default::default()
        };
        let qs = search_query_string(&p);
        let back: Vec<(String, String)> = form_urlencoded::parse(qs.as_bytes()).into_owned().collect();
        assert_eq!(parse_search_params(&back, UnknownParams::Reject).expect("ok"), p);
    }
}
