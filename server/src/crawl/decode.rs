//! Bytes to canonical Vietnamese text. The charset comes from the byte-order mark, the
//! `Content-Type` header, or the document's own declaration (`<meta charset>`, the XML
//! declaration), in that order; legacy TCVN3, VNI and VIQR text is then repaired by the
//! normaliser of `motcua-search`, the one implementation shared with search.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use motcua_search::normalize::canonical;

/// How the text was decoded, for the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// The declared charset, when the bytes contradicted it (valid UTF-8 declared as a
    /// single-byte charset, or invalid UTF-8 declared as UTF-8): a fault of the site that
    /// its operator should hear about even though the text was read.
    pub declared_wrongly: Option<&'static Encoding>,
}

impl Decoded {
    /// The site's fault, worded for its operator, when there was one.
    pub fn fault(&self) -> Option<String> {
        self.declared_wrongly.map(|declared| {
            format!("declares charset {} but its bytes are not; read as {}", declared.name(), self.encoding.name())
        })
    }
}

/// Decodes a fetched body and returns canonical text (NFC, one tone style, legacy repaired).
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> (String, Decoded) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (canonical(&text), Decoded { encoding, declared_wrongly: None });
    }
    let declared = content_type.and_then(charset_param).or_else(|| declared_in_document(bytes));
    let valid_utf8 = std::str::from_utf8(bytes).is_ok();
    let has_non_ascii = bytes.iter().any(|b| !b.is_ascii());
    let (encoding, declared_wrongly) = match declared {
        // UTF-8 bytes declared as a legacy charset are UTF-8: legacy text with accents is
        // practically never valid UTF-8.
        Some(e) if e != UTF_8 && valid_utf8 && has_non_ascii => (UTF_8, Some(e)),
        // Declared UTF-8 that is not: read it as Windows-1252 and let the legacy repair
        // recognise TCVN3, VNI or windows-1258 in it.
        Some(e) if e == UTF_8 && !valid_utf8 => (WINDOWS_1252, Some(e)),
        Some(e) => (e, None),
        None if valid_utf8 => (UTF_8, None),
        None => (WINDOWS_1252, None),
    };
    let (text, _, _) = encoding.decode(bytes);
    (canonical(&text), Decoded { encoding, declared_wrongly })
}

/// `charset=` of a Content-Type value.
fn charset_param(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then(|| label(v))?
    })
}

fn label(value: &str) -> Option<&'static Encoding> {
    let v = value.trim().trim_matches(['"', '\'']);
    Encoding::for_label(v.as_bytes())
}

/// The charset a document declares in its first bytes: `<meta charset=…>`,
/// `<meta http-equiv="Content-Type" content="…; charset=…">` or `<?xml … encoding="…"?>`.
fn declared_in_document(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    if head.trim_start().starts_with("<?xml")
        && let Some(decl) = head.split("?>").next()
        && let Some(at) = decl.find("encoding=")
    {
        let rest = &decl[at + "encoding=".len()..];
        let quote = rest.chars().next()?;
        let value = rest[1..].split(quote).next()?;
        return label(value);
    }
    let mut from = 0;
    while let Some(at) = head[from..].find("charset=") {
        let start = from + at + "charset=".len();
        let value: String = head[start..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
            .collect();
        // Only inside a <meta> tag.
        if head[..start].rfind('<').is_some_and(|lt| head[lt..start].starts_with("<meta"))
            && let Some(e) = label(&value)
        {
            return Some(e);
        }
        from = start;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_meta_then_utf8() {
        let (t, d) = decode("Đăng ký".as_bytes(), Some("text/html; charset=utf-8"));
        assert_eq!((t.as_str(), d.encoding), ("Đăng ký", UTF_8));
        // windows-1258 writes tone marks as separate bytes: "Ho" + grave + "a".
        let cp1258 = b"Ho\xcca Bi\xccnh".to_vec();
        let mut page = b"<html><head><meta charset=\"windows-1258\"></head><body>".to_vec();
        page.extend_from_slice(&cp1258);
        let (t, d) = decode(&page, None);
        assert!(t.contains("Hòa Bình"), "{t}");
        assert_eq!(d.encoding, encoding_rs::WINDOWS_1258);
    }

    #[test]
    fn a_lying_declaration_loses_to_the_bytes() {
        let (t, d) = decode("<meta charset=\"iso-8859-1\">Thủ tục hành chính".as_bytes(), None);
        assert!(t.contains("Thủ tục hành chính"), "{t}");
        assert_eq!(d.declared_wrongly, Some(encoding_rs::WINDOWS_1252));
        assert_eq!(d.fault().as_deref(), Some("declares charset windows-1252 but its bytes are not; read as UTF-8"));
    }

    #[test]
    fn xml_declaration_and_bom() {
        let cp1258 = b"S\xf5\xd2 T\xfd pha\xecp".to_vec();
        let mut xml = b"<?xml version=\"1.0\" encoding=\"windows-1258\"?><rss>".to_vec();
        xml.extend_from_slice(&cp1258);
        assert!(decode(&xml, Some("application/xml")).0.contains("Sở Tư pháp"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("Hà Nội".as_bytes());
        assert_eq!(decode(&bom, Some("text/plain; charset=windows-1252")).0, "Hà Nội");
    }

    #[test]
    fn decomposed_and_old_style_text_comes_out_canonical() {
        let decomposed = "Thu\u{309} tu\u{323}c hoa\u{300}";
        assert_eq!(decode(decomposed.as_bytes(), None).0, "Thủ tục hòa");
    }
}
