//! Turning text into safe HTML. Every body goes through `ammonia` before it is stored, even
//! our own, so there is one rule for what HTML the portal serves.

/// Plain text with blank-line-separated paragraphs as sanitised `<p>` HTML.
pub fn paragraphs_to_html(text: &str) -> String {
    let html: String = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>\n", html_escape::encode_text(p)))
        .collect();
    sanitize_html(&html)
}

/// Removes everything but a safe subset of HTML (no scripts, styles, event handlers or
/// `javascript:` links); links get `rel="noopener noreferrer"`.
pub fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_escaped_and_wrapped() {
        assert_eq!(paragraphs_to_html("Một <b>\n\nHai & ba"), "<p>Một &lt;b&gt;</p>\n<p>Hai &amp; ba</p>\n");
    }

    #[test]
    fn hostile_html_is_neutralised() {
        let clean =
            sanitize_html(r#"<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">l</a></p>"#);
        assert!(!clean.contains("script") && !clean.contains("onclick") && !clean.contains("javascript"), "{clean}");
    }
}
