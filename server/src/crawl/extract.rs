//! The main content of an article page (title, summary, body, date), and the article links
//! of a listing page. An operator's CSS selectors come first; common markup of Vietnamese
//! government sites (and of the web at large) is the fallback.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use scraper::{ElementRef, Html, Selector};
use serde::{Deserialize, Serialize};
use url::Url;

/// CSS selectors of an HTML source; each may be left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selectors {
    /// Article links on the listing page.
    pub links: Option<String>,
    /// Title on the article page.
    pub title: Option<String>,
    /// Publication date on the article page.
    pub date: Option<String>,
    /// Body on the article page.
    pub body: Option<String>,
}

/// A selector that does not parse, named for the operator.
#[derive(Debug, thiserror::Error)]
#[error("invalid CSS selector {field} = {value:?}")]
pub struct BadSelector {
    /// Which one.
    pub field: &'static str,
    /// What it was.
    pub value: String,
}

impl Selectors {
    /// Checks that every selector parses.
    pub fn validate(&self) -> Result<(), BadSelector> {
        for (field, value) in
            [("links", &self.links), ("title", &self.title), ("date", &self.date), ("body", &self.body)]
        {
            if let Some(v) = value {
                parse(field, v)?;
            }
        }
        Ok(())
    }
}

fn parse(field: &'static str, value: &str) -> Result<Selector, BadSelector> {
    Selector::parse(value).map_err(|_| BadSelector { field, value: value.to_string() })
}

fn fixed(css: &str) -> Selector {
    // Only called with the constant selectors of this module, covered by tests.
    Selector::parse(css).unwrap_or_else(|_| panic!("built-in selector {css:?} must parse"))
}

/// What an article page yields.
#[derive(Clone, Debug, PartialEq)]
pub struct Article {
    /// Title.
    pub title: String,
    /// Lead or first paragraph.
    pub summary: String,
    /// Sanitised body HTML, links made absolute.
    pub body_html: String,
    /// Body as plain text, paragraphs separated by blank lines.
    pub body_text: String,
    /// Publication time.
    pub published: Option<DateTime<Utc>>,
    /// `<link rel="canonical">`, when the page names its original.
    pub canonical: Option<Url>,
}

/// Body containers tried in order when no selector is configured.
const BODY_CANDIDATES: &[&str] = &[
    "[itemprop=articleBody]",
    "article .content",
    "article",
    ".news-content",
    ".detail-content",
    ".article-content",
    ".noidung",
    ".content-detail",
    "#content",
    "main",
];

/// Extracts the article of `html`, fetched from `url`.
pub fn article(html: &str, url: &Url, selectors: &Selectors) -> Result<Article, BadSelector> {
    let doc = Html::parse_document(html);
    let title = match &selectors.title {
        Some(s) => first_text(&doc, &parse("title", s)?),
        None => None,
    }
    .or_else(|| meta(&doc, "meta[property='og:title']"))
    .or_else(|| first_text(&doc, &fixed("h1")))
    .or_else(|| first_text(&doc, &fixed("title")))
    .unwrap_or_default();

    let body = match &selectors.body {
        Some(s) => doc.select(&parse("body", s)?).next(),
        None => BODY_CANDIDATES.iter().find_map(|css| doc.select(&fixed(css)).next()).or_else(|| densest_block(&doc)),
    };
    let body_source = body.map(|e| e.html()).unwrap_or_default();
    let body_html = sanitize(&body_source, url);
    let body_text = html_to_text(&body_html);

    let published = match &selectors.date {
        Some(s) => first_text(&doc, &parse("date", s)?).and_then(|t| parse_vietnamese_date(&t)),
        None => None,
    }
    .or_else(|| meta(&doc, "meta[property='article:published_time']").and_then(|t| parse_vietnamese_date(&t)))
    .or_else(|| {
        doc.select(&fixed("time[datetime]"))
            .next()
            .and_then(|t| t.value().attr("datetime"))
            .and_then(parse_vietnamese_date)
    })
    .or_else(|| {
        // A date line near the title: the text before the body, or the body's start.
        let text: String = doc.root_element().text().collect::<Vec<_>>().join(" ");
        let from = text.find(title.as_str()).filter(|_| !title.is_empty()).unwrap_or(0);
        parse_vietnamese_date(&text[from..])
    });

    let summary = meta(&doc, "meta[name='description']")
        .or_else(|| meta(&doc, "meta[property='og:description']"))
        .or_else(|| body_text.split("\n\n").map(str::trim).find(|p| p.chars().count() > 40).map(str::to_string))
        .map(|s| truncate(&s, 400))
        .unwrap_or_default();

    let canonical = doc
        .select(&fixed("link[rel='canonical']"))
        .next()
        .and_then(|l| l.value().attr("href"))
        .and_then(|h| url.join(h).ok())
        .filter(|c| c != url);

    Ok(Article { title: collapse(&title), summary: collapse(&summary), body_html, body_text, published, canonical })
}

/// Article links of a listing page: absolute, same site, without fragments, in page order,
/// each once.
pub fn listing_links(html: &str, url: &Url, selector: Option<&str>) -> Result<Vec<Url>, BadSelector> {
    let doc = Html::parse_document(html);
    let selector = match selector {
        Some(s) => parse("links", s)?,
        None => fixed("article a[href], h2 a[href], h3 a[href], .title a[href]"),
    };
    let mut seen = std::collections::HashSet::new();
    let mut links = Vec::new();
    for a in doc.select(&selector) {
        let Some(href) =
            a.value().attr("href").or_else(|| a.select(&fixed("a[href]")).next().and_then(|x| x.value().attr("href")))
        else {
            continue;
        };
        let Ok(mut link) = url.join(href.trim()) else { continue };
        link.set_fragment(None);
        if link.host_str() == url.host_str()
            && matches!(link.scheme(), "http" | "https")
            && link != *url
            && seen.insert(link.clone())
        {
            links.push(link);
        }
    }
    Ok(links)
}

/// Removes everything unsafe and makes relative links and images absolute against `base`.
pub fn sanitize(html: &str, base: &Url) -> String {
    ammonia::Builder::default()
        .url_relative(ammonia::UrlRelative::RewriteWithBase(base.clone()))
        .clean(html)
        .to_string()
}

/// Plain text of sanitised HTML: block elements become paragraphs.
pub fn html_to_text(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    let mut out = String::new();
    walk_text(fragment.root_element(), &mut out);
    out.split("\n\n").map(collapse).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

fn walk_text(element: ElementRef<'_>, out: &mut String) {
    for child in element.children() {
        if let Some(text) = child.value().as_text() {
            out.push_str(text);
        } else if let Some(e) = ElementRef::wrap(child) {
            let block = matches!(
                e.value().name(),
                "p" | "div"
                    | "br"
                    | "li"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "tr"
                    | "table"
                    | "blockquote"
                    | "section"
            );
            if block {
                out.push_str("\n\n");
            }
            walk_text(e, out);
            if block {
                out.push_str("\n\n");
            }
        }
    }
}

/// The block holding the most paragraph text: the article body of a page without
/// recognisable markup.
fn densest_block(doc: &Html) -> Option<ElementRef<'_>> {
    let p = fixed("p");
    doc.select(&fixed("div, section, td"))
        .map(|e| {
            let direct: usize = e
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| p.matches(c))
                .map(|c| c.text().map(str::len).sum::<usize>())
                .sum();
            (direct, e)
        })
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, _)| *n)
        .map(|(_, e)| e)
}

fn meta(doc: &Html, css: &str) -> Option<String> {
    doc.select(&fixed(css)).next().and_then(|m| m.value().attr("content")).map(collapse).filter(|s| !s.is_empty())
}

fn first_text(doc: &Html, selector: &Selector) -> Option<String> {
    doc.select(selector).map(|e| collapse(&e.text().collect::<String>())).find(|t| !t.is_empty())
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_string(),
    }
}

/// Vietnam's time zone (no daylight saving).
fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset")
}

/// The first date in `text`, in the forms Vietnamese sites print: "Thứ hai, 10/09/2018 14:10",
/// "02/06/2017 06:45", "10-09-2018", "14:10 10/09/2018", "ngày 10 tháng 9 năm 2018", and
/// RFC 3339. Times without a zone are Vietnam time.
pub fn parse_vietnamese_date(text: &str) -> Option<DateTime<Utc>> {
    let trimmed = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(trimmed) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(trimmed) {
        return Some(t.with_timezone(&Utc));
    }
    let date_re = regex_date();
    let caps = date_re.captures(text)?;
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let (day, month, year) = if caps.name("d").is_some() {
        (num("d")?, num("m")?, num("y")?)
    } else if caps.name("iy").is_some() {
        (num("id")?, num("im")?, num("iy")?)
    } else {
        (num("wd")?, num("wm")?, num("wy")?)
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    // A time right before or after the date.
    let whole = caps.get(0)?;
    let around =
        &text[text.floor_char_boundary(whole.start().saturating_sub(12))..text.ceil_char_boundary(whole.end() + 12)];
    let time = regex_time()
        .captures(around)
        .and_then(|t| NaiveTime::from_hms_opt(t[1].parse().ok()?, t[2].parse().ok()?, 0))
        .unwrap_or(NaiveTime::MIN);
    vietnam().from_local_datetime(&NaiveDateTime::new(date, time)).single().map(|t| t.with_timezone(&Utc))
}

fn regex_date() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)(?:\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b)|(?:\b(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})\b)|(?:ngày\s+(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})\s+năm\s+(?P<wy>\d{4}))",
        )
        .unwrap_or_else(|e| panic!("date pattern: {e}"))
    })
}

fn regex_time() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"\b([01]?\d|2[0-3])[:h]([0-5]\d)\b").unwrap_or_else(|e| panic!("time pattern: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn vietnamese_dates() {
        assert_eq!(parse_vietnamese_date("Thứ hai, 10/09/2018 14:10"), Some(utc("2018-09-10T14:10:00+07:00")));
        assert_eq!(parse_vietnamese_date("Cập nhật: 02/06/2017 06:45"), Some(utc("2017-06-02T06:45:00+07:00")));
        assert_eq!(parse_vietnamese_date("14h30 ngày 5 tháng 3 năm 2024"), Some(utc("2024-03-05T14:30:00+07:00")));
        assert_eq!(parse_vietnamese_date("2025-07-01T08:00:00Z"), Some(utc("2025-07-01T08:00:00Z")));
        assert_eq!(parse_vietnamese_date("31/02/2020"), None);
        assert_eq!(parse_vietnamese_date("không có ngày"), None);
    }

    #[test]
    fn article_with_common_markup() {
        let url = Url::parse("http://so.example/tin/a.html").unwrap_or_else(|e| panic!("{e}"));
        let html = r#"<html><head><title>Site | Tin</title><link rel="canonical" href="http://goc.example/a"></head>
            <body><nav>Trang chủ</nav><h1>Thông báo lịch tiếp công dân</h1><span>Thứ hai, 10/09/2018 14:10</span>
            <div class="news-content"><p>Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ tháng 9.</p>
            <script>alert(1)</script><p><a href="/van-ban/1.pdf" onclick="x()">Tải văn bản</a><img src="anh.jpg"></p></div></body></html>"#;
        let a = article(html, &url, &Selectors::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.title, "Thông báo lịch tiếp công dân");
        assert_eq!(a.published, Some(utc("2018-09-10T14:10:00+07:00")));
        assert!(a.body_html.contains(r#"href="http://so.example/van-ban/1.pdf""#), "{}", a.body_html);
        assert!(a.body_html.contains(r#"src="http://so.example/tin/anh.jpg""#), "{}", a.body_html);
        assert!(!a.body_html.contains("script") && !a.body_html.contains("onclick"));
        assert!(a.body_text.starts_with("Ủy ban nhân dân xã"), "{}", a.body_text);
        assert!(a.summary.starts_with("Ủy ban nhân dân xã"));
        assert_eq!(a.canonical.map(|u| u.to_string()), Some("http://goc.example/a".to_string()));
    }

    #[test]
    fn listing_links_are_absolute_same_site_and_unique() {
        let url = Url::parse("http://xa.example/tin-tuc/").unwrap_or_else(|e| panic!("{e}"));
        let html = r#"<ul class="list"><li><a href="bai-1.html">1</a></li><li><a href="/tin-tuc/bai-1.html#top">1 again</a></li>
            <li><a href="http://other.example/x">elsewhere</a></li><li><a href="javascript:void(0)">js</a></li></ul>"#;
        let links = listing_links(html, &url, Some("ul.list a")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(links.iter().map(Url::as_str).collect::<Vec<_>>(), ["http://xa.example/tin-tuc/bai-1.html"]);
        assert!(listing_links(html, &url, Some("ul[")).is_err());
    }
}
