//! CRNN + CTC text-line recognition: line crops that follow the rotated box,
//! width buckets, greedy CTC decoding with per-character confidence and
//! timesteps, and words split from those timesteps.

use crate::error::OcrError;
use crate::geometry::{quad_size, warp_quad, Point, Quad};
use crate::inference::ShapedModel;
use crate::preprocess::{resize, to_tensor, PADDLE_HALF};
use image::RgbImage;
use serde::{Deserialize, Serialize};

/// Input height of the PP-OCRv5 recognition model.
pub const LINE_HEIGHT: u32 = 48;

/// The recognizer's character table: index 0 is the CTC blank, the last is a space.
pub struct CharTable {
    chars: Vec<String>,
    /// The decimal separators `.` and `,` with their classes, looked up once
    /// here rather than in every line's decoding.
    separators: [(&'static str, Vec<usize>); 2],
}

impl CharTable {
    /// Parses the index-aligned key file (one class per line).
    pub fn parse(keys: &str) -> Result<Self, OcrError> {
        let mut chars: Vec<String> = keys
            .split('\n')
            .map(|s| fold_full_width(s.trim_end_matches('\r')))
            .collect();
        // A trailing newline yields one empty entry after the final space line.
        if chars.last().is_some_and(|s| s.is_empty()) {
            chars.pop();
        }
        if chars.len() < 3 || chars.last().map(String::as_str) != Some(" ") {
            return Err(OcrError::Model(
                "the key file must end with a space class".into(),
            ));
        }
        let mut table = CharTable {
            chars,
            separators: [(".", Vec::new()), (",", Vec::new())],
        };
        for i in 0..table.separators.len() {
            table.separators[i].1 = table.indices_of(table.separators[i].0);
        }
        Ok(table)
    }

    /// Number of classes including the blank.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether the table is empty (never, once parsed).
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The text of class `index`.
    pub fn get(&self, index: usize) -> &str {
        &self.chars[index]
    }

    /// Index of the space class.
    pub fn space(&self) -> usize {
        self.chars.len() - 1
    }

    /// Indices of every class whose text is `text` (a full-width form folds
    /// onto its ASCII one, so a character may have two classes).
    pub fn indices_of(&self, text: &str) -> Vec<usize> {
        (0..self.chars.len())
            .filter(|&i| self.chars[i] == text)
            .collect()
    }
}

/// Folds full-width forms (`（`, `：`, `％`, ideographic space) to ASCII: the
/// dictionary has both and Latin documents mean the ASCII ones.
fn fold_full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// One decoded character with where it sits in the CTC output.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DecodedChar {
    /// The character (a class may hold more than one `char`).
    pub text: String,
    /// Mean probability over the timesteps that emitted it.
    pub confidence: f32,
    /// First timestep.
    pub start: usize,
    /// Last timestep (inclusive).
    pub end: usize,
    /// Second-best class text and probability at the strongest timestep.
    pub alternative: Option<(String, f32)>,
    /// Highest probability of a space on the blank timesteps just before it:
    /// the model's word-break evidence where it emitted no space.
    #[serde(default)]
    pub space_before: f32,
}

impl DecodedChar {
    /// Whether this is a single ASCII digit.
    pub fn is_digit(&self) -> bool {
        self.text.len() == 1 && self.text.as_bytes()[0].is_ascii_digit()
    }

    /// Whether this is a decimal or thousands separator (`.` or `,`).
    pub fn is_separator(&self) -> bool {
        self.text == "." || self.text == ","
    }
}

/// Greedy CTC decoding of a `[T, C]` probability matrix (rows are timesteps).
pub fn ctc_decode(probs: &[f32], classes: usize, table: &CharTable) -> Vec<DecodedChar> {
    let steps = probs.len() / classes;
    let mut out: Vec<DecodedChar> = Vec::new();
    let mut prev = 0usize;
    let mut run_sum = 0f32;
    let mut run_len = 0usize;
    let space = table.space();
    let mut space_peak = 0f32;
    for t in 0..steps {
        let row = &probs[t * classes..(t + 1) * classes];
        let (best, best_p) = argmax(row);
        if best == 0 {
            space_peak = space_peak.max(row[space]);
        }
        if best != 0 && best == prev {
            run_sum += best_p;
            run_len += 1;
            if let Some(last) = out.last_mut() {
                last.end = t;
                last.confidence = run_sum / run_len as f32;
            }
        } else if best != 0 {
            run_sum = best_p;
            run_len = 1;
            let alternative = second_best(row, best).map(|(i, p)| (table.get(i).to_string(), p));
            out.push(DecodedChar {
                text: table.get(best).to_string(),
                confidence: best_p,
                start: t,
                end: t,
                alternative,
                space_before: space_peak,
            });
            space_peak = 0.0;
        }
        prev = best;
    }
    out
}

/// Puts back the letters of doubles a crowded reading collapsed, as a
/// reading of the same crop stretched `stretch` times wider shows them:
/// when the wider reading holds every character of `chars` in order plus
/// up to [`MAX_LOST_CHARACTERS`] more (spaces aside), each a repeat of its
/// neighbour there (`13/11` for `13/1`, `Murillo` for `Murilo`), those are
/// inserted at their place (timesteps scaled back). Any other difference
/// keeps `chars`: CTC needs a blank between the two letters of a double,
/// which too few timesteps leave no room for, while the wider reading's own
/// extra letters and marks are as often invented as restored.
pub fn with_lost_characters(
    chars: Vec<DecodedChar>,
    wider: &[DecodedChar],
    stretch: f32,
) -> Vec<DecodedChar> {
    let is_space = |c: &DecodedChar| c.text.trim().is_empty();
    let scale = |t: usize| (t as f32 / stretch).floor() as usize;
    let wide: Vec<&DecodedChar> = wider.iter().filter(|c| !is_space(c)).collect();
    // Greedy subsequence match of `chars` (spaces aside) in `wide`; each
    // unmatched wide character goes after the last matched one, past the
    // spaces that come before it.
    let place = |from: usize, lost: &DecodedChar| {
        from + chars[from..]
            .iter()
            .take_while(|c| is_space(c) && c.start < scale(lost.start))
            .count()
    };
    let doubled = |k: usize| {
        let same = |n: Option<&&DecodedChar>| n.is_some_and(|n| n.text == wide[k].text);
        same(k.checked_sub(1).and_then(|p| wide.get(p))) || same(wide.get(k + 1))
    };
    let mut lost: Vec<(usize, DecodedChar)> = Vec::new();
    let (mut j, mut after) = (0, 0);
    for (i, c) in chars.iter().enumerate() {
        if is_space(c) {
            continue;
        }
        while j < wide.len() && wide[j].text != c.text {
            if !doubled(j) {
                return chars;
            }
            lost.push((place(after, wide[j]), scaled(wide[j], scale)));
            j += 1;
        }
        if j == wide.len() {
            return chars;
        }
        j += 1;
        after = i + 1;
    }
    for (k, w) in wide.iter().enumerate().skip(j) {
        if !doubled(k) {
            return chars;
        }
        lost.push((place(after, w), scaled(w, scale)));
    }
    if lost.is_empty() || lost.len() > MAX_LOST_CHARACTERS {
        return chars;
    }
    let mut out = Vec::with_capacity(chars.len() + lost.len());
    let mut lost = lost.into_iter().peekable();
    for (i, c) in chars.into_iter().enumerate() {
        while let Some((_, l)) = lost.next_if(|&(at, _)| at == i) {
            out.push(l);
        }
        out.push(c);
    }
    out.extend(lost.map(|(_, l)| l));
    out
}

/// Most characters a wider reading may add to a crowded line.
pub const MAX_LOST_CHARACTERS: usize = 2;

fn scaled(c: &DecodedChar, scale: impl Fn(usize) -> usize) -> DecodedChar {
    DecodedChar {
        start: scale(c.start),
        end: scale(c.end),
        ..c.clone()
    }
}

/// Restores a decimal point or comma the greedy path dropped between two
/// digits: a small printed point often never wins a timestep against the
/// blank, yet its probability peaks in the blank run between the digits
/// (`80.91` read as `8091`). A separator is put back before the last two
/// digits of a number where that peak passes [`FAINT_SEPARATOR_MIN_P`].
pub fn restore_faint_separators(
    chars: Vec<DecodedChar>,
    probs: &[f32],
    classes: usize,
    table: &CharTable,
) -> Vec<DecodedChar> {
    // Only a decimal point is restored: exactly two digits follow it, so a
    // postcode (`31007`) or an id never gains one.
    let cents_follow = |i: usize| chars[i..].iter().take_while(|d| d.is_digit()).count() == 2;
    // A number holds one separator at most: `-0.03` must not become `-0.0.3`.
    let run_has_separator = |out: &[DecodedChar]| {
        out.iter()
            .rev()
            .find(|d| !d.is_digit())
            .is_some_and(DecodedChar::is_separator)
    };
    let mut out: Vec<DecodedChar> = Vec::with_capacity(chars.len());
    for (i, c) in chars.iter().enumerate() {
        if let Some(prev) = out.last() {
            if prev.is_digit()
                && c.is_digit()
                && c.start > prev.end + 1
                && cents_follow(i)
                && !run_has_separator(&out)
            {
                let mut best: Option<(f32, usize, &str)> = None;
                for t in prev.end + 1..c.start {
                    let row = &probs[t * classes..(t + 1) * classes];
                    for (text, ids) in &table.separators {
                        let p: f32 = ids.iter().map(|&i| row[i]).sum();
                        if p >= FAINT_SEPARATOR_MIN_P && best.is_none_or(|(b, _, _)| p > b) {
                            best = Some((p, t, text));
                        }
                    }
                }
                if let Some((p, t, text)) = best {
                    out.push(DecodedChar {
                        text: text.to_string(),
                        confidence: p,
                        start: t,
                        end: t,
                        alternative: None,
                        space_before: 0.0,
                    });
                }
            }
        }
        out.push(c.clone());
    }
    out
}

/// Probability a dropped separator must reach in the blank run between two
/// digits. Lower values restore a few more points on SROIE but also turn a
/// misread `€1,95` (`6195`) into the plausible amount `61.95`.
pub const FAINT_SEPARATOR_MIN_P: f32 = 0.3;

fn argmax(row: &[f32]) -> (usize, f32) {
    let mut best = (0, f32::MIN);
    for (i, &p) in row.iter().enumerate() {
        if p > best.1 {
            best = (i, p);
        }
    }
    best
}

/// A quad's side lengths in whole pixels (at least 1).
fn quad_pixels(quad: &Quad) -> (u32, u32) {
    let (w, h) = quad_size(quad);
    (w.round().max(1.0) as u32, h.round().max(1.0) as u32)
}

fn second_best(row: &[f32], best: usize) -> Option<(usize, f32)> {
    let mut second = (0, f32::MIN);
    for (i, &p) in row.iter().enumerate() {
        if i != best && i != 0 && p > second.1 {
            second = (i, p);
        }
    }
    (second.1 > 0.01).then_some(second)
}

/// A recognized word with its box.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecognizedWord {
    /// The word's text.
    pub text: String,
    /// Mean character confidence.
    pub confidence: f32,
    /// Box along the line, from the word's CTC timesteps.
    pub quad: Quad,
}

/// A recognized line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecognizedLine {
    /// Text with single spaces between words.
    pub text: String,
    /// Mean character confidence.
    pub confidence: f32,
    /// Per-character confidence, aligned with `text.chars()` minus spaces inserted by word splitting.
    pub chars: Vec<DecodedChar>,
    /// Words with boxes.
    pub words: Vec<RecognizedWord>,
}

impl RecognizedLine {
    /// A line of one glyph read from its shape, not by the model.
    pub fn shape_read(glyph: char, confidence: f32, quad: &Quad) -> Self {
        let text = glyph.to_string();
        RecognizedLine {
            text: text.clone(),
            confidence,
            chars: vec![DecodedChar {
                text: text.clone(),
                confidence,
                start: 0,
                end: 0,
                alternative: None,
                space_before: 0.0,
            }],
            words: vec![RecognizedWord {
                text,
                confidence,
                quad: *quad,
            }],
        }
    }
}

/// Recognition parameters chosen by the speed profile.
#[derive(Debug, Clone, Copy)]
pub struct RecognitionParams {
    /// Widest line crop in pixels (at the model's 48-pixel height); longer lines are squeezed.
    pub max_width: u32,
    /// A blank column run at least this many line heights wide between two
    /// characters becomes a word break even when the model emitted no space
    /// (0 = off). Models often run words together on receipts.
    pub gap_split: f32,
    /// A crop narrower than this many line heights is widened about its
    /// centre: a lone `1` or `%` cut tight to its ink is often read as nothing.
    pub min_aspect: f32,
    /// A line whose characters take more than this share of the model's
    /// timesteps is read again from its crop stretched [`CROWDED_STRETCH`]
    /// times wider, and the more confident reading kept (0 = off). Small
    /// print squeezed into too few timesteps loses one letter of a double
    /// (`13/11/2022` → `13/1/2022`, `Tortilla` → `Tortill`).
    pub crowded_line: f32,
}

/// How much wider a crowded line's crop is read the second time.
pub const CROWDED_STRETCH: f32 = 1.3;

impl Default for RecognitionParams {
    fn default() -> Self {
        RecognitionParams {
            max_width: 2560,
            gap_split: 0.15,
            min_aspect: 1.5,
            crowded_line: 0.5,
        }
    }
}

/// Runs of ink-free columns `(x0, x1)` (x1 exclusive) in a line crop, found on
/// the middle band of rows so bits of neighbouring lines do not fill them.
pub fn blank_column_runs(crop: &RgbImage) -> Vec<(f32, f32)> {
    let gray = crate::geometry::to_gray(crop);
    let (w, h) = gray.dimensions();
    // The middle band: unclipped boxes reach into the lines above and below.
    let (y0, y1) = (h * 15 / 100, h * 85 / 100);
    let mut hist = [0u32; 256];
    for y in y0..y1 {
        for x in 0..w {
            hist[gray.get_pixel(x, y)[0] as usize] += 1;
        }
    }
    let Some(threshold) = otsu_threshold(&hist) else {
        return Vec::new();
    };
    let mut runs = Vec::new();
    let mut start: Option<u32> = None;
    for x in 0..w {
        let blank = (y0..y1).all(|y| gray.get_pixel(x, y)[0] > threshold);
        match (blank, start) {
            (true, None) => start = Some(x),
            (false, Some(s)) => {
                runs.push((s as f32, x as f32));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push((s as f32, w as f32));
    }
    runs
}

/// Otsu's threshold of a grey histogram; `None` when there is too little contrast to tell ink from paper.
fn otsu_threshold(hist: &[u32; 256]) -> Option<u8> {
    let total: u64 = hist.iter().map(|&c| u64::from(c)).sum();
    let lo = hist.iter().position(|&c| c > 0)?;
    let hi = hist.iter().rposition(|&c| c > 0)?;
    if hi - lo < 40 || total == 0 {
        return None;
    }
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * f64::from(c))
        .sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0f64, 0f64, -1f64, 0u8);
    for (t, &c) in hist.iter().enumerate() {
        w0 += f64::from(c);
        sum0 += t as f64 * f64::from(c);
        let w1 = total as f64 - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let (m0, m1) = (sum0 / w0, (sum_all - sum0) / w1);
        let between = w0 * w1 * (m0 - m1).powi(2);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    Some(best_t)
}

/// Width of the model input for a crop `width` pixels wide: a few buckets so
/// few plans need optimizing.
pub fn bucket_width(width: u32) -> u32 {
    let step = if width <= 1024 { 64 } else { 256 };
    width.div_ceil(step).max(1) * step
}

/// The CRNN recognizer.
pub struct TextRecognizer {
    model: ShapedModel,
    table: CharTable,
}

impl TextRecognizer {
    /// Parses the recognition model (symbolic width, decluttered once) and its key file.
    pub fn new(model_bytes: &[u8], keys: &str) -> Result<Self, OcrError> {
        let model = ShapedModel::parse_symbolic(
            "recognition",
            model_bytes,
            &[1, 3, LINE_HEIGHT as usize, 320],
            3,
        )?;
        Ok(TextRecognizer {
            model,
            table: CharTable::parse(keys)?,
        })
    }

    /// Cuts the line out of the page, upright and `LINE_HEIGHT` pixels high.
    pub fn crop_line(image: &RgbImage, quad: &Quad, max_width: u32) -> RgbImage {
        let (cw, ch) = quad_pixels(quad);
        let crop = warp_quad(image, quad, cw, ch);
        resize(&crop, Self::crop_width(quad, max_width), LINE_HEIGHT)
    }

    /// Width of [`TextRecognizer::crop_line`]'s crop of `quad`: what
    /// recognizing the line costs, roughly in proportion.
    pub fn crop_width(quad: &Quad, max_width: u32) -> u32 {
        let (cw, ch) = quad_pixels(quad);
        ((LINE_HEIGHT as f32 * cw as f32 / ch as f32).ceil() as u32).clamp(8, max_width)
    }

    /// Recognizes one upright line crop `LINE_HEIGHT` pixels high; `quad` is
    /// where the crop came from on the page (for word boxes). A crowded line
    /// (see [`RecognitionParams::crowded_line`]) is read twice.
    pub fn recognize(
        &mut self,
        crop: &RgbImage,
        quad: &Quad,
        params: &RecognitionParams,
    ) -> Result<RecognizedLine, OcrError> {
        let (mut chars, px_per_step) = self.decode_crop(crop)?;
        let crowding = chars.len() as f32 * px_per_step / crop.width() as f32;
        let wide_w = ((crop.width() as f32 * CROWDED_STRETCH).round() as u32).min(params.max_width);
        if params.crowded_line > 0.0 && crowding > params.crowded_line && wide_w > crop.width() {
            let (wide_chars, _) = self.decode_crop(&resize(crop, wide_w, LINE_HEIGHT))?;
            let stretch = wide_w as f32 / crop.width() as f32;
            chars = with_lost_characters(chars, &wide_chars, stretch);
        }
        let gaps = if params.gap_split > 0.0 {
            blank_column_runs(crop)
        } else {
            Vec::new()
        };
        let geometry = LineGeometry {
            px_per_step,
            content_w: crop.width() as f32,
            gaps,
        };
        Ok(assemble_line(chars, &self.table, &geometry, quad, params))
    }

    /// Runs the model on a crop: the decoded characters and the crop pixels per timestep.
    fn decode_crop(&mut self, crop: &RgbImage) -> Result<(Vec<DecodedChar>, f32), OcrError> {
        let canvas_w = bucket_width(crop.width());
        let input = to_tensor(
            crop,
            canvas_w as usize,
            LINE_HEIGHT as usize,
            PADDLE_HALF,
            0.0,
        );
        let output = self.model.run("recognition", input)?;
        let view = output
            .to_plain_array_view::<f32>()
            .map_err(|e| OcrError::inference("recognition", e))?;
        let shape = view.shape().to_vec();
        if shape.len() != 3 || shape[2] != self.table.len() {
            return Err(OcrError::inference(
                "recognition",
                format!(
                    "output shape {shape:?} does not match the {} classes of the key file",
                    self.table.len()
                ),
            ));
        }
        let probs: Vec<f32> = view.iter().copied().collect();
        let chars = ctc_decode(&probs, shape[2], &self.table);
        let chars = restore_faint_separators(chars, &probs, shape[2], &self.table);
        Ok((chars, canvas_w as f32 / shape[1] as f32))
    }

    /// Number of widths optimized so far (for diagnostics).
    pub fn cached_shapes(&self) -> usize {
        self.model.cached_shapes()
    }
}

/// Whether `a` or `b` is punctuation that hugs its word or a narrow glyph; in
/// monospaced fonts `.`, `:` and `,` sit mid-cell, far from the letter
/// before, so a blank must span most of a cell to count as a space there.
fn hugging_punctuation(a: &DecodedChar, b: &DecodedChar) -> bool {
    // A colon has its own share ([`COLON_PITCH_SHARE`]).
    let closing = [".", ",", ";", "!", "?", ")", "%", "]"];
    let opening = ["(", "[", "¿", "¡"];
    closing.contains(&b.text.as_str())
        || opening.contains(&a.text.as_str())
        || narrow(a)
        || narrow(b)
}

/// Glyphs that fill little of their cell in the middle band of the line
/// (thin, or just a stem there), so the blank beside them is wide without
/// being a space: `aga i n`, `201 8` otherwise.
fn narrow(c: &DecodedChar) -> bool {
    matches!(c.text.as_str(), "i" | "l" | "j" | "1")
}

/// Reads a digit flanked by letters in an otherwise digit-free word as the
/// letter it resembles: `0` as `o`/`O` (`s0bre` → `sobre`, `JOH0R` →
/// `JOHOR`), `1` between lowercase letters as `l` (`Peta1ing` →
/// `Petaling`; between capitals it could be `I` or `L`, so it stays). The
/// recognizer confuses them, and a word of letters has no digit in the
/// middle. Codes that carry other digits (`A0225`, `K3-0B`) are left alone.
fn digit_between_letters(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let letter_for = |i: usize| -> Option<char> {
        let (before, after) = (*chars.get(i.checked_sub(1)?)?, *chars.get(i + 1)?);
        match chars[i] {
            '0' if before.is_alphabetic() && after.is_alphabetic() => {
                Some(if before.is_uppercase() && after.is_uppercase() {
                    'O'
                } else {
                    'o'
                })
            }
            '1' if before.is_lowercase() && after.is_lowercase() => Some('l'),
            _ => None,
        }
    };
    let mut out = String::with_capacity(word.len());
    for (i, &c) in chars.iter().enumerate() {
        match (c.is_ascii_digit(), letter_for(i)) {
            (true, Some(letter)) => out.push(letter),
            (true, None) => return word.to_string(),
            _ => out.push(c),
        }
    }
    out
}

/// Reads a round letter among an amount's two decimals as `0` (`15.0c` →
/// `15.00`, `2.1o` → `2.10`): after a decimal separator only digits follow,
/// and the recognizer takes a small `0` for `c` or `o`.
fn zero_in_cents(word: &str) -> String {
    let Some(sep) = word.rfind(['.', ',']) else {
        return word.to_string();
    };
    let cents = &word[sep + 1..];
    if !cents.chars().any(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    let read: String = cents
        .chars()
        .map(|c| match c {
            'o' | 'O' | 'c' | 'C' => '0',
            c => c,
        })
        .collect();
    let read = format!("{}{read}", &word[..=sep]);
    if plain_amount(read.strip_prefix('-').unwrap_or(&read)) {
        read
    } else {
        word.to_string()
    }
}

/// Reads an `s`/`S` glued to the front of an amount as `$` (`s8.20` →
/// `$8.20`): the recognizer often drops the dollar sign's stroke, and no
/// word is a letter followed by a price.
fn dollar_before_amount(word: &str) -> String {
    match word.strip_prefix(['s', 'S']) {
        Some(rest) if plain_amount(rest) => format!("${rest}"),
        _ => word.to_string(),
    }
}

/// Whether `s` is digits, one `.` or `,`, then exactly two digits (`8.20`).
fn plain_amount(s: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    s.split_once(['.', ','])
        .is_some_and(|(whole, cents)| digits(whole) && digits(cents) && cents.len() == 2)
}

/// Rejoins amounts the model split after the decimal separator (`1.234, 56`):
/// a word ending in digit + `.`/`,` followed by a word of exactly two digits.
fn rejoin_split_decimals(words: Vec<Vec<&DecodedChar>>) -> Vec<Vec<&DecodedChar>> {
    let mut out: Vec<Vec<&DecodedChar>> = Vec::with_capacity(words.len());
    for word in words {
        let joins = out.last().is_some_and(|prev| {
            let n = prev.len();
            n >= 2
                && prev[n - 1].is_separator()
                && prev[n - 2].is_digit()
                && word.len() == 2
                && word.iter().all(|c| c.is_digit())
        });
        match out.last_mut() {
            Some(prev) if joins => prev.extend(word),
            _ => out.push(word),
        }
    }
    out
}

/// Rejoins an initialism the model or a wide blank split after one of its
/// periods (`D. E,` → `D.E,`, `D. I.Y.` → `D.I.Y.`, `S. L.` → `S.L.`): capitals
/// each followed by a period, then one more capital.
fn rejoin_initialisms(words: Vec<Vec<&DecodedChar>>) -> Vec<Vec<&DecodedChar>> {
    let text = |w: &[&DecodedChar]| w.iter().map(|c| c.text.as_str()).collect::<String>();
    let mut out: Vec<Vec<&DecodedChar>> = Vec::with_capacity(words.len());
    for word in words {
        match out.last_mut() {
            Some(prev) if splits_initialism(&text(prev), &text(&word)) => prev.extend(word),
            _ => out.push(word),
        }
    }
    out
}

/// Whether `a` (`D.`, `I.Y.`) and `b` (`E,`, `I.Y.`, `L.`) are two halves of one
/// initialism: single capitals each followed by a period, `b` possibly ending
/// in a comma or without its last period.
fn splits_initialism(a: &str, b: &str) -> bool {
    fn dotted_capitals(s: &str, last_period_optional: bool) -> bool {
        let chars: Vec<char> = s.chars().collect();
        let pairs = chars.chunks(2);
        let n = pairs.len();
        !chars.is_empty()
            && pairs.enumerate().all(|(i, p)| {
                p[0].is_uppercase()
                    && match p.get(1) {
                        Some(&c) => c == '.',
                        None => last_period_optional && i + 1 == n,
                    }
            })
    }
    let b = b.strip_suffix([',', ';', ':', ')']).unwrap_or(b);
    dotted_capitals(a, false) && dotted_capitals(b, true)
}

/// Whether `a` then `b` continue a number like `170.00` or `1,234`, where a
/// wide blank around the separator is print style, not a word break.
fn inside_number(chars: &[DecodedChar], a: &DecodedChar, b: &DecodedChar) -> bool {
    if a.is_digit() && b.is_separator() {
        return true;
    }
    if a.is_separator() && b.is_digit() {
        // The separator must itself follow a digit.
        let i = chars.iter().position(|c| std::ptr::eq(c, a)).unwrap_or(0);
        return i > 0 && chars[i - 1].is_digit();
    }
    false
}

/// Where a crop's pixels sit relative to the CTC timesteps.
struct LineGeometry {
    /// Crop pixels per CTC timestep.
    px_per_step: f32,
    /// Width of the crop's content (the rest of the model input is padding).
    content_w: f32,
    /// Ink-free column runs of the crop.
    gaps: Vec<(f32, f32)>,
}

impl LineGeometry {
    /// Centre of a character in crop pixels.
    fn center(&self, c: &DecodedChar) -> f32 {
        (c.start + c.end + 1) as f32 / 2.0 * self.px_per_step
    }

    /// Width of the widest blank run centred between two characters (0 when
    /// none). Centres, not edges: CTC places a character's spike anywhere on
    /// its glyph, sometimes at its edge.
    fn blank_between(&self, a: &DecodedChar, b: &DecodedChar) -> f32 {
        let (xa, xb) = (self.center(a), self.center(b));
        self.gaps
            .iter()
            .filter(|&&(g0, g1)| (g0 + g1) / 2.0 >= xa && (g0 + g1) / 2.0 < xb)
            .map(|&(g0, g1)| g1 - g0)
            .fold(0.0, f32::max)
    }
}

/// Share of the character pitch a blank must span to split words. A space in
/// a monospaced font spans a whole cell, but the blank measured between two
/// proportional glyphs is often only a third of their pitch.
const PITCH_SHARE: f32 = 0.3;

/// Share of the pitch a blank next to hugging punctuation or a narrow glyph must span.
const HUGGING_PITCH_SHARE: f32 = 0.7;

/// Share of the pitch the blank before a colon must span: receipts often
/// print `TEL :` with a space before it.
const COLON_PITCH_SHARE: f32 = 0.5;

/// Space probability, on the blank timesteps between two characters, that
/// makes a word break however narrow the blank: in condensed print the model
/// weighs a space (`10 Mar 2018` at 0.3-0.5) without ever emitting one.
const SPACE_SPLIT_P: f32 = 0.1;

/// Space probability a wide blank needs to be a word break: letter-spaced
/// print leaves wide blanks inside words where the model sees no space at all.
const SPACE_CONFIRM_P: f32 = 0.01;

/// A blank this many times wider than a word gap needs is a break whatever
/// the model weighed (`10/03/2018  5:41`).
const UNCONFIRMED_BLANK: f32 = 1.5;

/// Blank (in line heights) that splits words on a line of one to three characters.
const SHORT_LINE_GAP_SPLIT: f32 = 0.25;

/// Probability below which a letter's second-best reading may be chosen to
/// make a known word: any letter the model offered a second reading for.
const LEXICON_BELOW: f32 = 1.0;

/// The text of a word's characters, a letter taken at its second-best
/// reading where that makes a known receipt word ([`crate::lexicon`]).
fn word_text(chars: &[&DecodedChar]) -> String {
    let text: String = chars.iter().map(|c| c.text.as_str()).collect();
    let mut alternatives = Vec::new();
    let mut index = 0;
    for c in chars {
        if c.confidence < LEXICON_BELOW {
            if let Some((alt, _)) = &c.alternative {
                alternatives.push((index, alt.clone()));
            }
        }
        index += c.text.chars().count();
    }
    if alternatives.is_empty() {
        return text;
    }
    crate::lexicon::known_reading(&text, &alternatives).unwrap_or(text)
}

/// Groups decoded characters into words and builds the line.
fn assemble_line(
    chars: Vec<DecodedChar>,
    table: &CharTable,
    geometry: &LineGeometry,
    quad: &Quad,
    params: &RecognitionParams,
) -> RecognizedLine {
    let space_text = table.get(table.space());
    let (px_per_step, content_w) = (geometry.px_per_step, geometry.content_w);
    // A word gap must be wide for the line height *and* for this line's
    // character pitch: in the monospaced fonts of receipts a narrow glyph
    // ("1", ".") leaves a wide blank inside its cell, a space leaves a whole cell.
    let mut pitches: Vec<f32> = chars
        .windows(2)
        .filter(|w| w[0].text != space_text && w[1].text != space_text)
        .map(|w| geometry.center(&w[1]) - geometry.center(&w[0]))
        .collect();
    pitches.sort_by(f32::total_cmp);
    let pitch = if pitches.len() >= 3 {
        pitches[pitches.len() / 2]
    } else {
        0.0
    };
    let mut letter_gaps: Vec<f32> = chars
        .windows(2)
        .filter(|w| w[0].text != space_text && w[1].text != space_text)
        .map(|w| geometry.blank_between(&w[0], &w[1]))
        .collect();
    letter_gaps.sort_by(f32::total_cmp);
    // Like the pitch, only meaningful with a few characters to compare.
    let letter_gap = if letter_gaps.len() >= 3 {
        letter_gaps[letter_gaps.len() / 2]
    } else {
        0.0
    };
    // With too few characters to measure the pitch and letter gaps, only a
    // blank wide for the line height splits ("R M", "1 7" otherwise).
    let gap_split = if letter_gaps.len() >= 3 {
        params.gap_split
    } else {
        params.gap_split.max(SHORT_LINE_GAP_SPLIT)
    };
    let min_gap = (gap_split * LINE_HEIGHT as f32)
        .max(PITCH_SHARE * pitch)
        .max(2.2 * letter_gap);
    // Split points: model-emitted spaces, plus wide blank gaps when enabled.
    let mut words: Vec<Vec<&DecodedChar>> = vec![Vec::new()];
    let mut prev: Option<&DecodedChar> = None;
    for c in &chars {
        if c.text == space_text {
            words.push(Vec::new());
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let hugging = hugging_punctuation(p, c);
            let needed = if c.text == ":" {
                min_gap.max(COLON_PITCH_SHARE * pitch)
            } else if hugging {
                min_gap.max(HUGGING_PITCH_SHARE * pitch)
            } else {
                min_gap
            };
            let blank = geometry.blank_between(p, c);
            // A wide blank splits only where the model gave a space some
            // weight (letter-spaced words otherwise break: `pr ice`) or where
            // it is wider still; the model never spaces a colon, so a blank
            // before one counts alone.
            let wide_blank = params.gap_split > 0.0
                && blank >= needed
                && (c.text == ":"
                    || c.space_before >= SPACE_CONFIRM_P
                    || blank >= UNCONFIRMED_BLANK * needed);
            // Beside punctuation or a narrow glyph the model's space weight
            // is unreliable (`gracias .`, `Te léfono` in monospaced print),
            // and after a comma or point it weighs the space print often
            // leaves out (`BAHRU,JOHOR`): there it needs a blank as well.
            let after_separator = p.is_separator();
            let weighed = c.space_before >= SPACE_SPLIT_P
                && (!(hugging || after_separator) || blank >= min_gap);
            if (wide_blank || weighed) && !inside_number(&chars, p, c) {
                words.push(Vec::new());
            }
        }
        words.last_mut().expect("never empty").push(c);
        prev = Some(c);
    }
    let words = rejoin_initialisms(rejoin_split_decimals(
        words.into_iter().filter(|w| !w.is_empty()).collect(),
    ));
    let words: Vec<RecognizedWord> = words
        .into_iter()
        .map(|w| {
            let text = digit_between_letters(&word_text(&w));
            let text = dollar_before_amount(&zero_in_cents(&text));
            let confidence = w.iter().map(|c| c.confidence).sum::<f32>() / w.len() as f32;
            let x0 = w[0].start as f32 * px_per_step;
            let x1 = (w[w.len() - 1].end + 1) as f32 * px_per_step;
            let quad = sub_quad(
                quad,
                (x0 / content_w).clamp(0.0, 1.0),
                (x1 / content_w).clamp(0.0, 1.0),
            );
            RecognizedWord {
                text,
                confidence,
                quad,
            }
        })
        .collect();
    let text = words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let real: Vec<&DecodedChar> = chars.iter().filter(|c| c.text != space_text).collect();
    let confidence = if real.is_empty() {
        0.0
    } else {
        real.iter().map(|c| c.confidence).sum::<f32>() / real.len() as f32
    };
    RecognizedLine {
        text,
        confidence,
        chars,
        words,
    }
}

/// The part of a line quad between fractions `u0` and `u1` of its length.
pub fn sub_quad(q: &Quad, u0: f32, u1: f32) -> Quad {
    let lerp =
        |a: Point, b: Point, t: f32| Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
    [
        lerp(q[0], q[1], u0),
        lerp(q[0], q[1], u1),
        lerp(q[3], q[2], u1),
        lerp(q[3], q[2], u0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> CharTable {
        CharTable::parse("blank\na\nb\n \n").unwrap()
    }

    fn row(best: usize, p: f32) -> Vec<f32> {
        let mut r = vec![(1.0 - p) / 3.0; 4];
        r[best] = p;
        r
    }

    /// Decoded characters two timesteps apart, `stride` apart in a stretched reading.
    fn decoded(text: &str, stride: usize) -> Vec<DecodedChar> {
        text.chars()
            .enumerate()
            .map(|(i, c)| DecodedChar {
                text: c.to_string(),
                confidence: 0.9,
                start: i * stride,
                end: i * stride,
                alternative: None,
                space_before: 0.0,
            })
            .collect()
    }

    fn joined(chars: &[DecodedChar]) -> String {
        chars.iter().map(|c| c.text.as_str()).collect()
    }

    #[test]
    fn wider_reading_restores_a_lost_double() {
        let merged = with_lost_characters(decoded("13/1/2022", 2), &decoded("13/11/2022", 3), 1.5);
        assert_eq!(joined(&merged), "13/11/2022");
        // The restored `1` sits where the wider reading saw it, scaled back.
        assert_eq!(merged[4].start, 8);
        let merged = with_lost_characters(decoded("Murilo", 2), &decoded("Murillo", 3), 1.5);
        assert_eq!(joined(&merged), "Murillo");
    }

    #[test]
    fn wider_reading_cannot_change_or_split_what_was_read() {
        // A different letter, a space inside a number, a letter or mark
        // that doubles nothing, too much new text.
        for (read, wider) in [
            ("Almendros", "AImendros"),
            ("nave 11", "nave 1 1"),
            ("Consultoria", "Consaultoria"),
            ("Herrera SL", "Herrera SL."),
            ("1", "1111"),
            ("Total", "Tota"),
        ] {
            let merged = with_lost_characters(decoded(read, 2), &decoded(wider, 3), 1.5);
            assert_eq!(joined(&merged), read, "{wider}");
        }
        // A lost character lands on its side of a space.
        let merged = with_lost_characters(decoded("nave 1", 2), &decoded("navee 1", 3), 1.5);
        assert_eq!(joined(&merged), "navee 1");
    }

    /// A 60×10 line box at the origin.
    fn line_quad() -> Quad {
        [
            Point::new(0.0, 0.0),
            Point::new(60.0, 0.0),
            Point::new(60.0, 10.0),
            Point::new(0.0, 10.0),
        ]
    }

    #[test]
    fn ctc_collapses_repeats_and_blanks() {
        let t = table();
        let probs: Vec<f32> = [
            row(1, 0.9),
            row(1, 0.7),
            row(0, 0.9),
            row(1, 0.8),
            row(3, 0.9),
            row(2, 0.6),
        ]
        .concat();
        let chars = ctc_decode(&probs, 4, &t);
        let text: String = chars.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(text, "aa b");
        assert!((chars[0].confidence - 0.8).abs() < 1e-6);
        assert_eq!((chars[0].start, chars[0].end), (0, 1));
    }

    #[test]
    fn words_get_boxes_along_the_line() {
        let t = table();
        let probs: Vec<f32> = [
            row(1, 0.9),
            row(0, 0.9),
            row(3, 0.9),
            row(0, 0.9),
            row(2, 0.9),
            row(0, 0.9),
        ]
        .concat();
        let chars = ctc_decode(&probs, 4, &t);
        let quad = line_quad();
        let geometry = LineGeometry {
            px_per_step: 10.0,
            content_w: 60.0,
            gaps: Vec::new(),
        };
        let line = assemble_line(chars, &t, &geometry, &quad, &RecognitionParams::default());
        assert_eq!(line.text, "a b");
        assert_eq!(line.words.len(), 2);
        assert_eq!(line.words[0].quad[1].x, 10.0);
        assert_eq!(line.words[1].quad[0].x, 40.0);
    }

    #[test]
    fn a_blank_most_of_a_cell_wide_before_a_colon_is_a_space() {
        let t = table();
        let quad = line_quad();
        // Pitch 40 px; letters 5 px apart.
        let geometry = |before_colon: (f32, f32)| LineGeometry {
            px_per_step: 10.0,
            content_w: 160.0,
            gaps: vec![(20.0, 25.0), (60.0, 65.0), before_colon],
        };
        let params = RecognitionParams::default();
        let read = |gap| assemble_line(decoded("TEL:", 4), &t, &geometry(gap), &quad, &params).text;
        assert_eq!(read((89.0, 121.0)), "TEL :");
        assert_eq!(read((100.0, 110.0)), "TEL:");
    }

    #[test]
    fn wide_blank_gap_splits_words_the_model_ran_together() {
        let t = table();
        let probs: Vec<f32> = [
            row(1, 0.9),
            row(0, 0.9),
            row(0, 0.9),
            row(0, 0.9),
            row(2, 0.9),
            row(0, 0.9),
        ]
        .concat();
        let chars = ctc_decode(&probs, 4, &t);
        let quad = line_quad();
        let geometry = LineGeometry {
            px_per_step: 10.0,
            content_w: 60.0,
            gaps: vec![(12.0, 40.0)],
        };
        let mut params = RecognitionParams {
            gap_split: 0.5,
            ..RecognitionParams::default()
        };
        assert_eq!(
            assemble_line(chars.clone(), &t, &geometry, &quad, &params).text,
            "a b"
        );
        params.gap_split = 1.0;
        assert_eq!(
            assemble_line(chars, &t, &geometry, &quad, &params).text,
            "ab"
        );
    }

    /// A blank timestep where the space class (index 3) has probability `p`.
    fn blank_with_space(p: f32) -> Vec<f32> {
        vec![1.0 - p - 0.02, 0.01, 0.01, p]
    }

    #[test]
    fn the_model_s_space_weight_between_characters_is_kept() {
        let t = table();
        let probs: Vec<f32> = [
            row(1, 0.9),
            blank_with_space(0.1),
            blank_with_space(0.3),
            row(2, 0.9),
            row(0, 0.97),
            row(1, 0.9),
        ]
        .concat();
        let chars = ctc_decode(&probs, 4, &t);
        assert_eq!(joined(&chars), "aba");
        assert!((chars[1].space_before - 0.3).abs() < 1e-6);
        assert!(chars[2].space_before < 0.02);
    }

    #[test]
    fn a_space_the_model_weighed_splits_a_narrow_blank_and_confirms_a_wide_one() {
        let t = table();
        let quad = line_quad();
        // Letters 20 px apart; one blank of 4 px between them.
        let geometry = |gap: (f32, f32)| LineGeometry {
            px_per_step: 10.0,
            content_w: 60.0,
            gaps: vec![gap],
        };
        let params = RecognitionParams::default();
        let read = |space: f32, gap| {
            let mut chars = decoded("ab", 2);
            chars[1].space_before = space;
            assemble_line(chars, &t, &geometry(gap), &quad, &params).text
        };
        let (narrow, wide) = ((13.0, 17.0), (8.0, 22.0));
        // Condensed print: no blank to speak of, but the model weighed a space.
        assert_eq!(read(0.3, narrow), "a b");
        assert_eq!(read(0.005, narrow), "ab");
        // A wide blank is a break only where the model saw a space at all.
        assert_eq!(read(0.05, wide), "a b");
        assert_eq!(read(0.0, wide), "ab");
        // Wider still, it is a break however the model weighed it.
        assert_eq!(read(0.0, (2.0, 28.0)), "a b");
        // Beside a narrow glyph the weight needs a blank as well.
        let mut chars = decoded("al", 2);
        chars[1].space_before = 0.45;
        let line = assemble_line(chars, &t, &geometry(narrow), &quad, &params);
        assert_eq!(line.text, "al");
    }

    #[test]
    fn blank_columns_found_between_ink() {
        let crop = RgbImage::from_fn(40, 48, |x, _| {
            if (5..10).contains(&x) || (30..35).contains(&x) {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        let runs = blank_column_runs(&crop);
        assert_eq!(runs, vec![(0.0, 5.0), (10.0, 30.0), (35.0, 40.0)]);
    }

    #[test]
    fn full_width_forms_fold_to_ascii() {
        assert_eq!(fold_full_width("（：％"), "(:%");
        assert_eq!(fold_full_width("\u{3000}"), " ");
        assert_eq!(fold_full_width("ñ€"), "ñ€");
    }

    #[test]
    fn a_digit_between_letters_is_a_letter() {
        assert_eq!(digit_between_letters("s0bre"), "sobre");
        assert_eq!(digit_between_letters("JOH0R"), "JOHOR");
        assert_eq!(digit_between_letters("Peta1ing"), "Petaling");
        assert_eq!(digit_between_letters("PETA1ING"), "PETA1ING");
        assert_eq!(digit_between_letters("A0225"), "A0225");
        assert_eq!(digit_between_letters("Sa10n"), "Sa10n");
        assert_eq!(digit_between_letters("100"), "100");
        assert_eq!(digit_between_letters("0ferta"), "0ferta");
        assert_eq!(digit_between_letters("C0C0NUT"), "COCONUT");
        assert_eq!(digit_between_letters("1eche"), "1eche");
    }

    #[test]
    fn a_faint_point_is_restored_only_before_the_cents() {
        let t = CharTable::parse("blank\n1\n.\n \n").unwrap();
        let dot = t.indices_of(".")[0];
        let digit = t.indices_of("1")[0];
        let mut probs = Vec::new();
        let mut step = |best: usize, extra: Option<(usize, f32)>| {
            let mut row = row(best, 0.8);
            if let Some((i, p)) = extra {
                row[i] = p;
            }
            probs.extend(row);
        };
        // Faint points in three gaps of `1111`; the one before the cents is weakest.
        step(digit, None);
        step(0, Some((dot, 0.6)));
        step(digit, None);
        step(0, Some((dot, 0.5)));
        step(digit, None);
        step(0, Some((dot, 0.35)));
        step(digit, None);
        let chars = ctc_decode(&probs, t.len(), &t);
        let text = |cs: &[DecodedChar]| cs.iter().map(|c| c.text.clone()).collect::<String>();
        assert_eq!(text(&chars), "1111");
        let restored = restore_faint_separators(chars, &probs, t.len(), &t);
        assert_eq!(text(&restored), "11.11");
    }

    #[test]
    fn a_round_letter_among_the_cents_is_a_zero() {
        assert_eq!(zero_in_cents("15.0c"), "15.00");
        assert_eq!(zero_in_cents("2.1o"), "2.10");
        assert_eq!(zero_in_cents("-3,O5"), "-3,05");
        assert_eq!(zero_in_cents("15.00"), "15.00");
        // Not an amount: letters before the separator, or no digit after it.
        assert_eq!(zero_in_cents("No.co"), "No.co");
        assert_eq!(zero_in_cents("1.co"), "1.co");
        assert_eq!(zero_in_cents("www.abc"), "www.abc");
        assert_eq!(zero_in_cents("3.0cm"), "3.0cm");
    }

    #[test]
    fn a_letter_s_before_a_price_is_a_dollar_sign() {
        assert_eq!(dollar_before_amount("s8.20"), "$8.20");
        assert_eq!(dollar_before_amount("S12,50"), "$12,50");
        assert_eq!(dollar_before_amount("S1.2.3"), "S1.2.3");
        assert_eq!(dollar_before_amount("S100"), "S100");
        assert_eq!(dollar_before_amount("Sr.12"), "Sr.12");
        assert_eq!(dollar_before_amount("s8.205"), "s8.205");
    }

    #[test]
    fn an_initialism_split_at_a_period_is_one_word() {
        assert!(splits_initialism("D.", "E,"));
        assert!(splits_initialism("D.", "I.Y."));
        assert!(splits_initialism("S.", "L."));
        assert!(splits_initialism("S.", "A"));
        // An initial before a name, a sentence end, lowercase, a number.
        assert!(!splits_initialism("J.", "SMITH"));
        assert!(!splits_initialism("END.", "A"));
        assert!(!splits_initialism("d.", "e"));
        assert!(!splits_initialism("No.", "5"));
        assert!(!splits_initialism("D", "E"));
        assert!(!splits_initialism("D.", "E.."));
    }

    #[test]
    fn buckets_are_coarse() {
        assert_eq!(bucket_width(1), 64);
        assert_eq!(bucket_width(64), 64);
        assert_eq!(bucket_width(65), 128);
        assert_eq!(bucket_width(1100), 1280);
    }
}
