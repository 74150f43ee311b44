//! Label → value by position: the value of a label is the rest of its line,
//! else the nearest text to its right on the same row, else the text just
//! below it in the same column (the positional extraction of seed 000).

use crate::labels::{labels_in_line, LabelHit, LabelKind};
use crate::layout::{Page, Span};
use crate::output::KeyValue;

/// Every label on the page, in reading order (rows top to bottom, left to right).
pub fn all_labels(page: &Page) -> Vec<LabelHit> {
    let mut hits = Vec::new();
    for row in &page.rows {
        for &line in row {
            hits.extend(labels_in_line(page, line));
        }
    }
    hits
}

/// Where the value of `hit` may be, most likely first: the rest of its
/// line (up to the next label), the lines to its right on the same row (up
/// to the next line that starts with a label), the line below it.
pub fn value_spans(page: &Page, hit: &LabelHit) -> Vec<Span> {
    let mut out = Vec::new();
    let line = hit.span.line;
    let next_label = labels_in_line(page, line)
        .into_iter()
        .map(|h| h.span.start)
        .find(|&s| s >= hit.span.end)
        .unwrap_or(page.lines[line].words.len());
    if next_label > hit.span.end {
        out.push(Span {
            line,
            start: hit.span.end,
            end: next_label,
        });
    }
    if next_label < page.lines[line].words.len() {
        // Another label follows on the same line: its value is not ours.
        return out;
    }
    for j in page.right_of(line) {
        if starts_with_label(page, j) {
            break;
        }
        out.push(page.line_span(j));
    }
    let label_rect = page.span_rect(hit.span);
    if let Some(j) = page.below(label_rect, 1.6) {
        if !starts_with_label(page, j) {
            out.push(page.line_span(j));
        }
    }
    out
}

/// True when the line begins with a label.
pub fn starts_with_label(page: &Page, line: usize) -> bool {
    leading_label(page, line).is_some()
}

/// What the label the line begins with means, when it begins with one.
pub fn leading_label(page: &Page, line: usize) -> Option<LabelKind> {
    labels_in_line(page, line)
        .first()
        .filter(|h| page.lines[line].words[..h.span.start].is_empty())
        .map(|h| h.kind)
}

/// The `key_values` list: every non-heading label with the first text found
/// for it.
pub fn key_values(page: &Page, hits: &[LabelHit]) -> Vec<KeyValue> {
    hits.iter()
        .filter(|h| !h.kind.is_heading())
        .filter_map(|h| {
            let v = *value_spans(page, h).first()?;
            let value = page.span_text(v);
            let value = value.trim_start_matches([':', '-', ' ']).trim().to_string();
            if value.is_empty() {
                return None;
            }
            Some(KeyValue {
                key: h.kind.name().to_string(),
                label: page
                    .span_text(h.span)
                    .trim_end_matches(':')
                    .trim()
                    .to_string(),
                label_box: page.span_quad(h.span),
                value,
                value_box: page.span_quad(v),
                page: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::LabelKind;

    #[test]
    fn value_right_then_below() {
        let page = Page::from_text("Fecha:    14/03/2024\nCliente:\nJuan Pérez");
        let hits = all_labels(&page);
        assert_eq!(hits[0].kind, LabelKind::IssueDate);
        let v = value_spans(&page, &hits[0]);
        assert_eq!(page.span_text(v[0]), "14/03/2024");
        let kv = key_values(&page, &hits);
        assert_eq!(kv.len(), 1, "headings have no key value: {kv:?}");
    }

    #[test]
    fn two_labels_on_one_line_keep_their_own_values() {
        let page = Page::from_text("Nº: F-12  Fecha: 03/05/2024");
        let kv = key_values(&page, &all_labels(&page));
        assert_eq!(kv[0].value, "F-12");
        assert_eq!(kv[1].value, "03/05/2024");
    }
}
