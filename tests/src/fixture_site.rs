//! A department website on loopback, written for tests: each path answers what the test
//! set, including the faults real sites have (errors, hangs, huge bodies, redirect loops,
//! lying headers). A plain thread-per-connection HTTP/1.1 server, so every byte on the wire
//! is under the test's control.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a path answers.
#[derive(Clone, Debug)]
pub enum Reply {
    /// 200 with this `Content-Type` and body; with an ETag, `If-None-Match` gets a 304.
    Ok {
        /// `Content-Type`, sent as is (it may lie).
        content_type: String,
        /// Body bytes.
        body: Vec<u8>,
        /// `ETag`.
        etag: Option<String>,
    },
    /// An error status with a short body.
    Status(u16),
    /// Accepts the request and never answers.
    Hang,
    /// 302 to another path.
    Redirect(String),
    /// 200 streaming this many bytes, without a `Content-Length`.
    Endless(u64),
}

impl Reply {
    /// An HTML page in UTF-8.
    pub fn html(body: &str) -> Reply {
        Reply::Ok { content_type: "text/html; charset=utf-8".into(), body: body.as_bytes().to_vec(), etag: None }
    }

    /// An XML document (feed or sitemap), UTF-8, with an ETag derived from its content.
    pub fn xml(body: &str) -> Reply {
        let etag = format!("\"{:x}\"", body.len() * 31 + body.bytes().map(usize::from).sum::<usize>());
        Reply::Ok { content_type: "application/xml".into(), body: body.as_bytes().to_vec(), etag: Some(etag) }
    }
}

/// A running fixture site; it stops when the test process ends.
#[derive(Clone)]
pub struct FixtureSite {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    hits: Arc<Mutex<Vec<String>>>,
}

impl FixtureSite {
    /// Starts a site with no pages (every path answers 404, robots.txt included).
    pub fn start() -> FixtureSite {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let site = FixtureSite { base, routes: Arc::default(), hits: Arc::default() };
        let served = site.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let site = served.clone();
                std::thread::spawn(move || {
                    let _ = site.answer(stream);
                });
            }
        });
        site
    }

    /// Sets what `path` (with its query, if any) answers.
    pub fn set(&self, path: &str, reply: Reply) {
        self.routes.lock().expect("routes").insert(path.to_string(), reply);
    }

    /// Makes `path` answer 404 again.
    pub fn remove(&self, path: &str) {
        self.routes.lock().expect("routes").remove(path);
    }

    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Requests received, as "GET /path 200".
    pub fn hits(&self) -> Vec<String> {
        self.hits.lock().expect("hits").clone()
    }

    fn answer(&self, stream: TcpStream) -> std::io::Result<()> {
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut request_line = String::new();
        reader.read_line(&mut request_line)?;
        let mut if_none_match = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("if-none-match")
            {
                if_none_match = Some(value.trim().to_string());
            }
        }
        let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let reply = self.routes.lock().expect("routes").get(&path).cloned().unwrap_or(Reply::Status(404));
        let mut out = stream;
        let status = match &reply {
            Reply::Ok { etag: Some(e), .. } if if_none_match.as_deref() == Some(e.as_str()) => 304,
            Reply::Ok { .. } | Reply::Endless(_) => 200,
            Reply::Status(s) => *s,
            Reply::Redirect(_) => 302,
            Reply::Hang => 0,
        };
        self.hits.lock().expect("hits").push(format!("GET {path} {status}"));
        match reply {
            Reply::Hang => {
                std::thread::sleep(Duration::from_secs(120));
                Ok(())
            }
            Reply::Ok { etag, .. } if status == 304 => {
                write!(
                    out,
                    "HTTP/1.1 304 Not Modified\r\nETag: {}\r\nConnection: close\r\n\r\n",
                    etag.unwrap_or_default()
                )
            }
            Reply::Ok { content_type, body, etag } => {
                let etag = etag.map(|e| format!("ETag: {e}\r\n")).unwrap_or_default();
                write!(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{etag}Connection: close\r\n\r\n",
                    body.len()
                )?;
                out.write_all(&body)
            }
            Reply::Status(s) => {
                write!(
                    out,
                    "HTTP/1.1 {s} Error\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nerror"
                )
            }
            Reply::Redirect(to) => {
                write!(out, "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            }
            Reply::Endless(n) => {
                write!(out, "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n")?;
                let chunk = vec![b'x'; 64 * 1024];
                let mut sent = 0;
                while sent < n {
                    out.write_all(&chunk)?;
                    sent += chunk.len() as u64;
                }
                Ok(())
            }
        }
    }
}

/// An article page as department sites write them: navigation, a header and footer around
/// the article, so extraction has something to leave out. `charset` goes in a `<meta>`.
pub fn article_page(title: &str, date: &str, body_html: &str, charset: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"{charset}\"><title>{title} | Cổng thông tin</title></head>\n\
         <body><header><nav><a href=\"/\">Trang chủ</a> | <a href=\"/gioi-thieu\">Giới thiệu</a> | <a href=\"/lien-he\">Liên hệ</a></nav></header>\n\
         <main><article><h1>{title}</h1><p class=\"date\">{date}</p>\n<div class=\"content\">{body_html}</div></article></main>\n\
         <footer><p>Bản quyền thuộc cơ quan chủ quản. Địa chỉ: số 1 đường Lê Lợi.</p></footer></body></html>\n"
    )
}

/// An RSS 2.0 feed of (title, link, description, RFC 2822 date) items.
pub fn rss(channel: &str, items: &[(&str, &str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, link, description, date)| {
            format!(
                "<item><title>{}</title><link>{link}</link><guid>{link}</guid><description>{}</description><pubDate>{date}</pubDate></item>\n",
                xml_escape(title),
                xml_escape(description)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{}</title><link>/</link><description>Tin tức</description>\n{items}</channel></rss>\n",
        xml_escape(channel)
    )
}

/// A sitemap of (URL, lastmod) pairs.
pub fn sitemap(urls: &[(String, &str)]) -> String {
    let urls: String =
        urls.iter().map(|(u, m)| format!("<url><loc>{}</loc><lastmod>{m}</lastmod></url>\n", xml_escape(u))).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{urls}</urlset>\n"
    )
}

/// Escapes text for XML content.
pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Vietnamese text as windows-1258 bytes: letters with a vowel mark (â ê ô ă ơ ư đ) are
/// single bytes, tone marks separate combining bytes, as that code page stores them.
pub fn encode_windows_1258(text: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut staged = String::new();
    for c in text.nfc() {
        let parts: Vec<char> = std::iter::once(c).nfd().collect();
        let tone: Vec<char> = parts.iter().copied().filter(|p| TONES.contains(p)).collect();
        let base: String = parts.iter().copied().filter(|p| !TONES.contains(p)).collect::<String>().nfc().collect();
        staged.push_str(&base);
        staged.extend(tone);
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&staged);
    assert!(!unmappable, "text not representable in windows-1258: {text}");
    bytes.into_owned()
}

/// Vietnamese text as TCVN3 ("ABC", .VnTime) bytes, built from the inverse of the search
/// normaliser's own table; capitals with marks do not exist in that encoding.
pub fn encode_tcvn3(text: &str) -> Vec<u8> {
    use motcua_search::normalize::legacy::{LegacyEncoding, convert};
    let mut inverse = HashMap::new();
    let mut unchanged = Vec::new();
    for byte in 0x80u8..=0xFF {
        let single = [byte];
        let (as_1252, _, _) = encoding_rs::WINDOWS_1252.decode(&single);
        let letter = convert(&as_1252, LegacyEncoding::Tcvn3);
        // A byte the table maps to a different letter wins over one it leaves alone ("ý"
        // is 0xFD in both TCVN3 and Latin-1).
        if letter != as_1252 {
            inverse.insert(letter, byte);
        } else {
            unchanged.push((letter, byte));
        }
    }
    for (letter, byte) in unchanged {
        inverse.entry(letter).or_insert(byte);
    }
    use unicode_normalization::UnicodeNormalization;
    text.nfc()
        .map(|c| match c {
            c if c.is_ascii() => c as u8,
            c => *inverse.get(&c.to_string()).unwrap_or_else(|| panic!("{c} has no TCVN3 byte")),
        })
        .collect()
}

/// A real Vietnamese news article: title, lead, body.
pub struct NewsArticle {
    /// Title.
    pub title: String,
    /// Lead paragraph.
    pub sapo: String,
    /// Body text.
    pub body: String,
}

/// The first `n` articles of the shared news corpus with a title and a body of some length,
/// or `None` (with a message) when `../shared/data` is absent.
pub fn real_news(n: usize, test: &str) -> Option<Vec<NewsArticle>> {
    let Some(dir) = crate::shared_data() else {
        eprintln!("SKIPPED {test}: ../shared/data is absent");
        return None;
    };
    let file = std::fs::File::open(dir.join("news-vi-2017.jsonl.gz")).expect("news corpus");
    let lines = BufReader::new(flate2::read::GzDecoder::new(file)).lines();
    let mut seen = std::collections::HashSet::new();
    let articles = lines
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap_or_default().trim().to_string();
            NewsArticle { title: s("title"), sapo: s("sapo"), body: s("body") }
        })
        .filter(|a| {
            a.title.split_whitespace().count() >= 5 && a.body.chars().count() > 400 && seen.insert(a.title.clone())
        })
        .take(n)
        .collect();
    Some(articles)
}
