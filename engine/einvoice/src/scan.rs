//! Byte-level passes that run before any DOM exists: one finds the root
//! element's name and namespace (cheap format detection), one measures
//! element nesting so a hostile file is refused in linear time and constant
//! memory instead of by the tree builder.

/// Result of the structure pass.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Structure {
    Ok,
    Dtd,
    TooDeep,
}

/// Walks the markup once, counting open elements. Stops at the first
/// `<!DOCTYPE` or when nesting passes `max_depth`. Malformed markup is left
/// for the real parser to report.
pub(crate) fn check_structure(b: &[u8], max_depth: usize) -> Structure {
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(off) = find_byte(&b[i..], b'<') {
        i += off + 1;
        let rest = &b[i..];
        if rest.starts_with(b"?") {
            i = skip_past(b, i, b"?>");
        } else if rest.starts_with(b"!--") {
            i = skip_past(b, i + 3, b"-->");
        } else if rest.starts_with(b"![CDATA[") {
            i = skip_past(b, i, b"]]>");
        } else if rest.len() >= 8 && rest[..8].eq_ignore_ascii_case(b"!DOCTYPE") {
            return Structure::Dtd;
        } else if rest.starts_with(b"!") {
            i = skip_past(b, i, b">");
        } else if rest.starts_with(b"/") {
            depth = depth.saturating_sub(1);
            i = skip_past(b, i, b">");
        } else {
            let (end, self_closing) = tag_end(b, i);
            i = end;
            if !self_closing {
                depth += 1;
                if depth > max_depth {
                    return Structure::TooDeep;
                }
            }
        }
    }
    Structure::Ok
}

/// The root element's local name and namespace URI, read from its start tag
/// within the first `window` bytes. `None` when there is no element there.
pub(crate) fn root_name(b: &[u8], window: usize) -> Option<(String, Option<String>)> {
    let b = &b[..b.len().min(window)];
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    let mut i = 0usize;
    loop {
        let off = find_byte(&b[i..], b'<')?;
        i += off + 1;
        let rest = &b[i..];
        if rest.starts_with(b"?") {
            i = skip_past(b, i, b"?>");
        } else if rest.starts_with(b"!--") {
            i = skip_past(b, i + 3, b"-->");
        } else if rest.len() >= 8 && rest[..8].eq_ignore_ascii_case(b"!DOCTYPE") {
            i = skip_doctype(b, i);
        } else if rest.starts_with(b"!") || rest.starts_with(b"/") {
            return None;
        } else {
            let (end, _) = tag_end(b, i);
            if end > b.len() || !b[..end].ends_with(b">") {
                return None;
            }
            return parse_start_tag(std::str::from_utf8(&b[i..end - 1]).ok()?);
        }
    }
}

fn parse_start_tag(tag: &str) -> Option<(String, Option<String>)> {
    let tag = tag.trim_end_matches('/');
    let name_end = tag
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(tag.len());
    let qname = &tag[..name_end];
    if qname.is_empty() {
        return None;
    }
    let (prefix, local) = match qname.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, qname),
    };
    let wanted = match prefix {
        Some(p) => format!("xmlns:{p}"),
        None => "xmlns".to_string(),
    };
    let mut rest = &tag[name_end..];
    let mut ns = None;
    loop {
        rest = rest.trim_start();
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let close = after[1..].find(quote)?;
        let value = &after[1..1 + close];
        if name == wanted {
            ns = Some(value.to_string());
        }
        rest = &after[close + 2..];
    }
    Some((local.to_string(), ns))
}

/// Index just past the `>` closing the tag whose name starts at `i`
/// (quotes respected), and whether it ends in `/>`.
fn tag_end(b: &[u8], mut i: usize) -> (usize, bool) {
    let mut quote = 0u8;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return (i + 1, i > 0 && b[i - 1] == b'/');
        }
        i += 1;
    }
    (b.len(), false)
}

/// Skips a DOCTYPE including an internal subset in brackets.
fn skip_doctype(b: &[u8], mut i: usize) -> usize {
    let mut bracket = 0usize;
    while i < b.len() {
        match b[i] {
            b'[' => bracket += 1,
            b']' => bracket = bracket.saturating_sub(1),
            b'>' if bracket == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

fn skip_past(b: &[u8], from: usize, needle: &[u8]) -> usize {
    match b[from.min(b.len())..]
        .windows(needle.len())
        .position(|w| w == needle)
    {
        Some(p) => from + p + needle.len(),
        None => b.len(),
    }
}

fn find_byte(b: &[u8], c: u8) -> Option<usize> {
    b.iter().position(|&x| x == c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_only_open_elements() {
        let x = b"<?xml version='1.0'?><!-- <a><a><a> --><r a='>' b=\"<x>\"><e/><e><![CDATA[<a><a>]]></e></r>";
        assert_eq!(check_structure(x, 2), Structure::Ok);
        assert_eq!(check_structure(x, 1), Structure::TooDeep);
        assert_eq!(check_structure(b"<!DOCTYPE r><r/>", 9), Structure::Dtd);
    }

    #[test]
    fn root_with_prefix_and_namespace() {
        let x = b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -->\n<rsm:CrossIndustryInvoice xmlns:a='x' xmlns:rsm=\"urn:r\">";
        assert_eq!(
            root_name(x, 4096),
            Some(("CrossIndustryInvoice".into(), Some("urn:r".into())))
        );
        assert_eq!(
            root_name(b"<Invoice/>", 4096),
            Some(("Invoice".into(), None))
        );
        assert_eq!(root_name(b"no markup", 4096), None);
        assert_eq!(root_name(b"<a b='unterminated", 4096), None);
    }
}
