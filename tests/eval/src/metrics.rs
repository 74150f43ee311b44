//! OCR and field metrics, following the SROIE protocols described in `shared/datasets/README.md`.
//!
//! - Words (SROIE task 2): each document's text is split on whitespace,
//!   lowercased, and taken as a *set* of tokens; true positives are the tokens
//!   in both sets. Counts are summed over documents (micro average).
//! - Characters: Levenshtein over the characters of the document's lines
//!   joined in order, see [`normalize_for_cer`] for exactly what is compared;
//!   case-insensitive by default like the word metric (SROIE's line ground
//!   truth is written in capitals whatever the print, so a case-sensitive CER
//!   mostly counts case); micro CER = total edits / total ground-truth
//!   characters, and the mean of per-document CERs is offered as well.
//! - Fields (SROIE task 3): exact match after trimming and collapsing runs of
//!   whitespace, case-sensitive (a case-insensitive variant is offered); totals
//!   also compared as amounts in cents.

use std::collections::HashSet;

/// The set of lowercased whitespace-separated tokens of `text`.
pub fn word_set(text: &str) -> HashSet<String> {
    text.split_whitespace().map(|w| w.to_lowercase()).collect()
}

/// Micro-averaged word precision/recall/F1 over documents (SROIE task 2, case-insensitive).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordScore {
    /// Tokens found in both the prediction and the ground truth, summed over documents.
    pub matched: usize,
    /// Distinct predicted tokens, summed over documents.
    pub predicted: usize,
    /// Distinct ground-truth tokens, summed over documents.
    pub expected: usize,
    /// Number of documents added.
    pub docs: usize,
}

impl WordScore {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one document: its predicted text and its ground-truth text.
    pub fn add(&mut self, pred_text: &str, gt_text: &str) {
        let p = word_set(pred_text);
        let g = word_set(gt_text);
        self.matched += p.intersection(&g).count();
        self.predicted += p.len();
        self.expected += g.len();
        self.docs += 1;
    }

    /// Adds the counts of another accumulator.
    pub fn merge(&mut self, other: &WordScore) {
        self.matched += other.matched;
        self.predicted += other.predicted;
        self.expected += other.expected;
        self.docs += other.docs;
    }

    /// matched / predicted (1.0 when nothing was predicted and nothing expected, else 0.0 on an empty prediction).
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.predicted, self.expected == 0)
    }

    /// matched / expected (1.0 when nothing was expected and nothing predicted, else 0.0 on an empty ground truth).
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.expected, self.predicted == 0)
    }

    /// Harmonic mean of precision and recall (0.0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(num: usize, den: usize, other_empty: bool) -> f64 {
    if den == 0 {
        if other_empty {
            1.0
        } else {
            0.0
        }
    } else {
        num as f64 / den as f64
    }
}

/// The text compared by the CER: the lines joined by one space, every run of whitespace (line breaks included) collapsed to one space, trimmed.
///
/// Line breaks therefore count as a plain word separator: an engine that
/// splits or merges lines differently from the ground truth (SROIE puts a lone
/// `:` on its own line, Tesseract merges label and value) pays nothing for it,
/// as in the word metric, while the reading order of the lines still counts.
/// Spacing, blank lines, form feeds and indentation do not count; a missing or
/// extra space between words costs one edit. Case is kept here;
/// [`CharErrorRate`] lowercases afterwards unless case-sensitive.
pub fn normalize_for_cer(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub use grace_invoice_rules::levenshtein;

/// Character error rate accumulator over documents (case-insensitive unless built with [`CharErrorRate::case_sensitive`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CharErrorRate {
    /// Edit operations summed over documents.
    pub edits: usize,
    /// Ground-truth characters (after [`normalize_for_cer`]) summed over documents.
    pub gt_chars: usize,
    /// Number of documents added.
    pub docs: usize,
    /// Sum of per-document CERs (for [`CharErrorRate::mean_doc_cer`]).
    pub doc_cer_sum: f64,
    /// Keep case when comparing (default false: both sides are lowercased).
    pub case_sensitive: bool,
}

impl Default for CharErrorRate {
    fn default() -> Self {
        Self::new()
    }
}

impl CharErrorRate {
    /// An empty, case-insensitive accumulator (the project's CER).
    pub fn new() -> Self {
        Self {
            edits: 0,
            gt_chars: 0,
            docs: 0,
            doc_cer_sum: 0.0,
            case_sensitive: false,
        }
    }

    /// An empty accumulator that keeps case.
    pub fn case_sensitive() -> Self {
        Self {
            case_sensitive: true,
            ..Self::new()
        }
    }

    /// Adds one document and returns its own (edits, gt chars).
    pub fn add(&mut self, pred_text: &str, gt_text: &str) -> (usize, usize) {
        let prep = |t: &str| -> Vec<char> {
            let n = normalize_for_cer(t);
            if self.case_sensitive {
                n.chars().collect()
            } else {
                n.to_lowercase().chars().collect()
            }
        };
        let (p, g) = (prep(pred_text), prep(gt_text));
        let edits = levenshtein(&p, &g);
        self.edits += edits;
        self.gt_chars += g.len();
        self.docs += 1;
        self.doc_cer_sum += doc_cer(edits, g.len());
        (edits, g.len())
    }

    /// Adds the counts of another accumulator.
    pub fn merge(&mut self, other: &CharErrorRate) {
        self.edits += other.edits;
        self.gt_chars += other.gt_chars;
        self.docs += other.docs;
        self.doc_cer_sum += other.doc_cer_sum;
    }

    /// Mean of the per-document CERs (macro average; 0.0 when empty).
    pub fn mean_doc_cer(&self) -> f64 {
        if self.docs == 0 {
            0.0
        } else {
            self.doc_cer_sum / self.docs as f64
        }
    }

    /// Micro CER: total edits / total gt chars (0.0 when there are no edits and no ground truth).
    pub fn cer(&self) -> f64 {
        doc_cer(self.edits, self.gt_chars)
    }
}

fn doc_cer(edits: usize, gt_chars: usize) -> f64 {
    if gt_chars == 0 {
        if edits == 0 {
            0.0
        } else {
            1.0
        }
    } else {
        edits as f64 / gt_chars as f64
    }
}

/// A ground-truth line's horizontal start and vertical extent, for [`row_order`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineSpan {
    /// Leftmost x.
    pub x0: f32,
    /// Top y.
    pub y0: f32,
    /// Bottom y.
    pub y1: f32,
}

impl LineSpan {
    /// The span of a box given by its corner points.
    pub fn of_points(points: impl IntoIterator<Item = (f32, f32)>) -> Self {
        let mut span = LineSpan {
            x0: f32::INFINITY,
            y0: f32::INFINITY,
            y1: f32::NEG_INFINITY,
        };
        for (x, y) in points {
            span.x0 = span.x0.min(x);
            span.y0 = span.y0.min(y);
            span.y1 = span.y1.max(y);
        }
        span
    }

    fn centre(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
}

/// Indices of ground-truth lines in row order, the order any top-to-bottom
/// reader gives perfect text: sorted by vertical centre, a line joins the
/// current row when its centre lies within the vertical extent of the row's
/// first line, and each row is read left to right. Datasets list lines in
/// their annotators' order, which can run down a table column by column.
pub fn row_order(spans: &[LineSpan]) -> Vec<usize> {
    let mut by_centre: Vec<usize> = (0..spans.len()).collect();
    by_centre.sort_by(|&a, &b| spans[a].centre().total_cmp(&spans[b].centre()));
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for i in by_centre {
        let cy = spans[i].centre();
        match rows.last_mut() {
            Some(row) if (spans[row[0]].y0..=spans[row[0]].y1).contains(&cy) => row.push(i),
            _ => rows.push(vec![i]),
        }
    }
    rows.into_iter()
        .flat_map(|mut row| {
            row.sort_by(|&a, &b| spans[a].x0.total_cmp(&spans[b].x0));
            row
        })
        .collect()
}

/// The lines' texts in row order ([`row_order`] of their spans), joined by `'\n'`.
pub fn text_in_rows<'a>(spans: &[LineSpan], text_of: impl Fn(usize) -> &'a str) -> String {
    row_order(spans)
        .into_iter()
        .map(text_of)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Word score and CERs of one engine over documents, as the tests and the benchmark report them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OcrScore {
    /// Word-level micro P/R/F1 (case-insensitive token sets).
    pub words: WordScore,
    /// Case-insensitive CER (the project's CER).
    pub chars: CharErrorRate,
    /// Case-sensitive CER, for reference.
    pub chars_case_sensitive: CharErrorRate,
}

impl Default for OcrScore {
    fn default() -> Self {
        Self::new()
    }
}

impl OcrScore {
    /// An empty score.
    pub fn new() -> Self {
        Self {
            words: WordScore::new(),
            chars: CharErrorRate::new(),
            chars_case_sensitive: CharErrorRate::case_sensitive(),
        }
    }

    /// Adds one document.
    pub fn add(&mut self, pred_text: &str, gt_text: &str) {
        self.words.add(pred_text, gt_text);
        self.chars.add(pred_text, gt_text);
        self.chars_case_sensitive.add(pred_text, gt_text);
    }
}

/// A field value trimmed with runs of whitespace collapsed to one space.
pub fn normalize_field(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// SROIE task-3 exact match: equal after [`normalize_field`], case-sensitive.
pub fn field_exact(pred: &str, gt: &str) -> bool {
    normalize_field(pred) == normalize_field(gt)
}

/// Exact match after [`normalize_field`], ignoring case.
pub fn field_exact_ci(pred: &str, gt: &str) -> bool {
    normalize_field(pred).to_lowercase() == normalize_field(gt).to_lowercase()
}

/// Parses an amount into cents: strips currency (`RM`, `MYR`, `EUR`, `$`, `€`, ...), accepts `1,234.56`, `1.234,56`, `24,23`, `-3.5`.
///
/// The last `.` or `,` followed by one or two digits at the end is the
/// decimal separator; other separators are thousands separators. Returns
/// `None` when no number is left.
pub fn parse_amount_cents(s: &str) -> Option<i64> {
    let mut t: String = s.split_whitespace().collect();
    for cur in ["MYR", "EUR", "USD", "RM", "€", "$", "£"] {
        t = t.replace(cur, "");
        t = t.replace(&cur.to_lowercase(), "");
    }
    let t = t.trim_matches(|c: char| !(c.is_ascii_digit() || c == '-' || c == '.' || c == ','));
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let (int_part, frac) = match t.rfind(['.', ',']) {
        Some(i) if (1..=2).contains(&(t.len() - i - 1)) => (&t[..i], &t[i + 1..]),
        _ => (t, ""),
    };
    let digits: String = int_part.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() && frac.is_empty() {
        return None;
    }
    let whole: i64 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let frac_cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    let cents = whole.checked_mul(100)?.checked_add(frac_cents)?;
    Some(if neg { -cents } else { cents })
}

/// True when both totals parse (see [`parse_amount_cents`]) to the same number of cents.
pub fn totals_match(pred: &str, gt: &str) -> bool {
    matches!((parse_amount_cents(pred), parse_amount_cents(gt)), (Some(a), Some(b)) if a == b)
}

/// Counts of field matches over documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldTally {
    /// Fields that matched.
    pub matched: usize,
    /// Fields compared.
    pub total: usize,
}

impl FieldTally {
    /// Records one comparison.
    pub fn add(&mut self, ok: bool) {
        self.matched += usize::from(ok);
        self.total += 1;
    }

    /// matched / total (0.0 when empty).
    pub fn accuracy(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.matched as f64 / self.total as f64
        }
    }
}

/// The median of `values` (mean of the two middle ones for an even count; `None` when empty).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn row_order_reads_a_column_wise_table_row_by_row() {
        let span = |x0: f32, y0: f32| LineSpan {
            x0,
            y0,
            y1: y0 + 20.0,
        };
        // Annotated column by column, with the footer between the columns.
        let spans = [
            span(10.0, 0.0),   // ITEM
            span(10.0, 40.0),  // PEN
            span(10.0, 200.0), // THANK YOU
            span(200.0, 3.0),  // AMOUNT
            span(200.0, 42.0), // 1.50
        ];
        assert_eq!(row_order(&spans), [0, 3, 1, 4, 2]);
        assert!(row_order(&[]).is_empty());
        let tilted = LineSpan::of_points([(5.0, 10.0), (50.0, 4.0), (52.0, 20.0), (7.0, 26.0)]);
        assert_eq!(
            tilted,
            LineSpan {
                x0: 5.0,
                y0: 4.0,
                y1: 26.0
            }
        );
    }

    #[test]
    fn word_score_hand_computed() {
        let mut s = WordScore::new();
        // doc 1: pred {total, 9.00, rm} vs gt {total, rm9.00, cash}: 1 match.
        // Duplicates count once, case is ignored.
        s.add("Total 9.00 RM total", "TOTAL RM9.00\ncash");
        assert_eq!((s.matched, s.predicted, s.expected), (1, 3, 3));
        // doc 2: pred {a, b} vs gt {a, b, c, d}: 2 matches.
        s.add("a b", "A B C D");
        assert_eq!((s.matched, s.predicted, s.expected), (3, 5, 7));
        assert!(close(s.precision(), 3.0 / 5.0));
        assert!(close(s.recall(), 3.0 / 7.0));
        // 2PR/(P+R) = 2*(3/5)(3/7)/(3/5+3/7) = 0.5
        assert!(close(s.f1(), 0.5));
        assert_eq!(s.docs, 2);
    }

    #[test]
    fn word_score_edges() {
        let mut s = WordScore::new();
        s.add("", "");
        assert_eq!((s.precision(), s.recall(), s.f1()), (1.0, 1.0, 1.0));
        s.add("", "x");
        assert_eq!((s.precision(), s.recall(), s.f1()), (0.0, 0.0, 0.0));
        let mut t = WordScore::new();
        t.add("x y", "x");
        let mut m = WordScore::new();
        m.merge(&t);
        m.merge(&t);
        assert_eq!((m.matched, m.predicted, m.expected, m.docs), (2, 4, 2, 2));
        assert!(close(m.precision(), 0.5));
        assert!(close(m.recall(), 1.0));
    }

    #[test]
    fn levenshtein_known() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(levenshtein(&c("kitten"), &c("sitting")), 3);
        assert_eq!(levenshtein(&c(""), &c("abc")), 3);
        assert_eq!(levenshtein(&c("abc"), &c("")), 3);
        assert_eq!(levenshtein(&c("flaw"), &c("lawn")), 2);
        assert_eq!(levenshtein(&c("ñé€"), &c("ne€")), 2);
    }

    #[test]
    fn cer_normalization_and_micro_average() {
        assert_eq!(normalize_for_cer("  A   B \r\n\n\tC\x0c\n"), "A B C");
        let mut c = CharErrorRate::new();
        // gt "TOTAL 9.00" (10 chars); pred "Total  9.0O" -> "total 9.0o": 1 substitution.
        assert_eq!(c.add("Total  9.0O", "TOTAL 9.00"), (1, 10));
        // gt "AB\nCD" -> "AB CD" (5 chars); pred "AB CD\n" or "AB\n\nCD": line breaks are spaces: 0 edits.
        assert_eq!(c.add("AB\n\nCD\n", "AB\nCD"), (0, 5));
        // gt "AB CD"; pred "ABCD": the missing separator costs 1 edit.
        assert_eq!(c.add("ABCD", "AB\nCD"), (1, 5));
        // micro 2/20; macro (1/10 + 0 + 1/5) / 3 = 0.1
        assert!(close(c.cer(), 2.0 / 20.0));
        assert!(close(c.mean_doc_cer(), 0.1));
        let mut m = CharErrorRate::new();
        m.merge(&c);
        assert_eq!((m.edits, m.gt_chars, m.docs), (2, 20, 3));
        let mut cs = CharErrorRate::case_sensitive();
        cs.add("total", "TOTAL");
        assert!(close(cs.cer(), 1.0));
    }

    #[test]
    fn ocr_score_combines() {
        let mut s = OcrScore::default();
        s.add("Total 9.00", "TOTAL 9.00");
        assert_eq!(s.words.f1(), 1.0);
        assert_eq!(s.chars.cer(), 0.0);
        assert!(close(s.chars_case_sensitive.cer(), 4.0 / 10.0));
    }

    #[test]
    fn fields() {
        assert!(field_exact(
            "  BOOK TA .K   (TAMAN DAYA) ",
            "BOOK TA .K (TAMAN DAYA)"
        ));
        assert!(!field_exact("book ta", "BOOK TA"));
        assert!(field_exact_ci("book  ta", "BOOK TA"));
        let mut t = FieldTally::default();
        t.add(true);
        t.add(false);
        t.add(true);
        t.add(true);
        assert!(close(t.accuracy(), 0.75));
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount_cents("RM 1,234.56"), Some(123456));
        assert_eq!(parse_amount_cents("RM9.00"), Some(900));
        assert_eq!(parse_amount_cents("$8.20"), Some(820));
        assert_eq!(parse_amount_cents("1.234,56 €"), Some(123456));
        assert_eq!(parse_amount_cents("24,23"), Some(2423));
        assert_eq!(parse_amount_cents("153.35"), Some(15335));
        assert_eq!(parse_amount_cents("1,234"), Some(123400));
        assert_eq!(parse_amount_cents("10"), Some(1000));
        assert_eq!(parse_amount_cents("-3.5"), Some(-350));
        assert_eq!(parse_amount_cents(""), None);
        assert_eq!(parse_amount_cents("RM"), None);
        assert_eq!(parse_amount_cents("abc"), None);
        assert!(totals_match("RM 9.00", "9.00"));
        assert!(totals_match("9", "9.00"));
        assert!(!totals_match("9.01", "9.00"));
        assert!(!totals_match("", ""));
    }

    #[test]
    fn median_values() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
