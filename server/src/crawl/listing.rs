//! What a source lists: the entries of an RSS 2.0, RSS 1.0 or Atom feed (through
//! `feed-rs`), or the URLs of a sitemap or sitemap index.

use chrono::{DateTime, Utc};
use quick_xml::Reader;
use quick_xml::events::Event;
use sha2::{Digest, Sha256};
use url::Url;

use super::extract::{html_to_text, parse_vietnamese_date, sanitize};

/// One item a listing names.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The item's page.
    pub url: Url,
    /// Title, when the listing gives one.
    pub title: Option<String>,
    /// Summary text, when given.
    pub summary: Option<String>,
    /// Full content HTML (sanitised), when the feed carries it.
    pub content_html: Option<String>,
    /// Publication (or last change) time.
    pub published: Option<DateTime<Utc>>,
    /// Hash of what the listing says of the item; unchanged means nothing to fetch. For a
    /// link that says nothing else (a listing page, a sitemap entry without `lastmod`), the
    /// hash of its URL: such an item is fetched once, when it first appears.
    pub entry_hash: String,
}

/// A listing that cannot be read, with the parser's reason.
#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    /// Not a feed.
    #[error("not a valid RSS or Atom feed: {0}")]
    Feed(String),
    /// Not a sitemap.
    #[error("not a valid sitemap: {0}")]
    Sitemap(String),
}

/// An entry for a bare link (listing pages, sitemap entries without `lastmod`).
pub fn link_entry(url: Url) -> Entry {
    let entry_hash = hex::encode(Sha256::digest(format!("{url}\0").as_bytes()));
    Entry { url, title: None, summary: None, content_html: None, published: None, entry_hash }
}

/// The entries of a feed (already decoded to text), links resolved against `base`.
pub fn feed_entries(text: &str, base: &Url) -> Result<Vec<Entry>, ListingError> {
    // The text is UTF-8 now, whatever the declaration said.
    let text = strip_xml_declaration(text);
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .build()
        .parse(text.as_bytes())
        .map_err(|e| ListingError::Feed(e.to_string()))?;
    let mut entries = Vec::new();
    for e in feed.entries {
        let link = e
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| e.links.first())
            .map(|l| l.href.clone())
            .or_else(|| Url::parse(&e.id).ok().map(|_| e.id.clone()));
        let Some(url) = link.and_then(|h| base.join(h.trim()).ok()) else { continue };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        let title = e.title.map(|t| text_of(&t.content, &url)).filter(|t| !t.is_empty());
        let summary = e.summary.map(|t| text_of(&t.content, &url)).filter(|t| !t.is_empty());
        let content_html = e.content.and_then(|c| c.body).map(|b| sanitize(&b, &url)).filter(|b| !b.trim().is_empty());
        let published = e.published.or(e.updated);
        let mut hash = Sha256::new();
        for part in [
            url.as_str(),
            title.as_deref().unwrap_or(""),
            summary.as_deref().unwrap_or(""),
            content_html.as_deref().unwrap_or(""),
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        hash.update(published.map(|p| p.to_rfc3339()).unwrap_or_default().as_bytes());
        entries.push(Entry { url, title, summary, content_html, published, entry_hash: hex::encode(hash.finalize()) });
    }
    Ok(entries)
}

/// Feed titles and summaries may hold markup; the text is what is stored.
fn text_of(content: &str, base: &Url) -> String {
    if content.contains('<') {
        html_to_text(&sanitize(content, base)).replace("\n\n", " ")
    } else {
        content.trim().to_string()
    }
}

fn strip_xml_declaration(text: &str) -> &str {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with("<?xml") { t.find("?>").map_or(t, |end| &t[end + 2..]) } else { t }
}

/// A sitemap: the pages it lists, or (for a sitemap index) the sitemaps it lists.
#[derive(Clone, Debug, PartialEq)]
pub enum Sitemap {
    /// `<urlset>`.
    Pages(Vec<Entry>),
    /// `<sitemapindex>`.
    Index(Vec<Url>),
}

/// Reads a sitemap (already decoded to text).
pub fn sitemap(text: &str, base: &Url) -> Result<Sitemap, ListingError> {
    let text = strip_xml_declaration(text);
    let mut reader = Reader::from_str(text);
    let mut root: Option<String> = None;
    let mut depth = 0usize;
    // Text of the element in hand, entity references kept as written until it ends.
    let mut raw = String::new();
    let (mut loc, mut lastmod) = (None::<String>, None::<String>);
    let mut pages = Vec::new();
    let mut children = Vec::new();
    let bad = |e: &dyn std::fmt::Display, at: u64| ListingError::Sitemap(format!("at byte {at}: {e}"));
    loop {
        let event = reader.read_event().map_err(|e| bad(&e, reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                if root.is_none() {
                    if name != "urlset" && name != "sitemapindex" {
                        return Err(ListingError::Sitemap(format!(
                            "root element <{name}> is neither <urlset> nor <sitemapindex>"
                        )));
                    }
                    root = Some(name.clone());
                }
                if name == "url" || name == "sitemap" {
                    loc = None;
                    lastmod = None;
                }
                raw.clear();
                depth += 1;
            }
            Event::Text(t) => raw.push_str(&t.html_content()),
            Event::CData(t) => raw.push_str(&quick_xml::escape::escape(t.html_content().as_ref())),
            Event::GeneralRef(r) => {
                raw.push('&');
                raw.push_str(r.as_ref());
                raw.push(';');
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_string();
                if name == "loc" || name == "lastmod" {
                    let value = quick_xml::escape::unescape(&raw)
                        .map_err(|e| bad(&e, reader.buffer_position()))?
                        .trim()
                        .to_string();
                    if name == "loc" { loc = Some(value) } else { lastmod = Some(value) }
                } else if (name == "url" || name == "sitemap")
                    && let Some(url) =
                        loc.take().and_then(|l| base.join(&l).ok()).filter(|u| matches!(u.scheme(), "http" | "https"))
                {
                    if name == "sitemap" {
                        children.push(url);
                    } else {
                        let published = lastmod.as_deref().and_then(parse_vietnamese_date);
                        let entry_hash = hex::encode(Sha256::digest(
                            format!("{url}\0{}", lastmod.take().unwrap_or_default()).as_bytes(),
                        ));
                        pages.push(Entry {
                            url,
                            title: None,
                            summary: None,
                            content_html: None,
                            published,
                            entry_hash,
                        });
                    }
                }
                raw.clear();
                depth = depth.saturating_sub(1);
            }
            Event::Eof if depth > 0 => {
                return Err(ListingError::Sitemap("the document ends before its elements close".into()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match root.as_deref() {
        Some("sitemapindex") => Ok(Sitemap::Index(children)),
        Some(_) => Ok(Sitemap::Pages(pages)),
        None => Err(ListingError::Sitemap("empty document".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://so.example/rss").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn rss2_rss1_and_atom() {
        let rss2 = r#"<?xml version="1.0" encoding="windows-1258"?><rss version="2.0"><channel><title>T</title>
            <item><title>Thông báo &lt;b&gt;mới&lt;/b&gt;</title><link>/tin/1.html</link><description>Tóm tắt</description>
            <pubDate>Mon, 10 Sep 2018 07:10:00 GMT</pubDate></item></channel></rss>"#;
        let e = feed_entries(rss2, &base()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].url.as_str(), "http://so.example/tin/1.html");
        assert_eq!(e[0].title.as_deref(), Some("Thông báo mới"));
        let rss1 = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
            <channel rdf:about="http://so.example/"><title>T</title><link>http://so.example/</link><description>d</description></channel>
            <item rdf:about="http://so.example/a"><title>Bài A</title><link>http://so.example/a</link></item></rdf:RDF>"#;
        assert_eq!(
            feed_entries(rss1, &base()).unwrap_or_else(|e| panic!("{e}"))[0].url.as_str(),
            "http://so.example/a"
        );
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>x</id><updated>2025-07-01T00:00:00Z</updated>
            <entry><title>Bài B</title><id>urn:b</id><link href="http://so.example/b"/><updated>2025-07-01T00:00:00Z</updated>
            <content type="html">&lt;p&gt;Nội dung&lt;/p&gt;</content></entry></feed>"#;
        let e = feed_entries(atom, &base()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e[0].content_html.as_deref(), Some("<p>Nội dung</p>"));
        assert!(feed_entries("<rss><channel><item>", &base()).is_err());
    }

    #[test]
    fn sitemaps_and_indexes() {
        let set = r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>http://so.example/a?x=1&amp;y=2</loc><lastmod>2025-07-01</lastmod></url><url><loc>/b</loc></url></urlset>"#;
        let Ok(Sitemap::Pages(p)) = sitemap(set, &base()) else { panic!("pages") };
        assert_eq!(
            p.iter().map(|e| e.url.as_str()).collect::<Vec<_>>(),
            ["http://so.example/a?x=1&y=2", "http://so.example/b"]
        );
        assert_ne!(p[0].entry_hash, p[1].entry_hash);
        let index = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://so.example/s1.xml</loc></sitemap></sitemapindex>"#;
        assert_eq!(
            sitemap(index, &base()).ok(),
            Some(Sitemap::Index(vec![Url::parse("http://so.example/s1.xml").unwrap_or_else(|e| panic!("{e}"))]))
        );
        assert!(sitemap("<html><body>", &base()).is_err());
        assert!(sitemap("<urlset><url><loc>x</loc></urlset>", &base()).is_err());
    }
}
