//! Grace's OCR library: image decoding, DBNet text detection, 0/180° line
//! orientation, CRNN+CTC recognition and reading order, on pure-Rust `tract`.
//!
//! The same code runs natively (tests, benchmarks) and inside the `ocr`
//! WebAssembly component. [`OcrEngine`] parses the models once; each
//! [`OcrEngine::read`] is independent of earlier calls.

pub mod detection;
pub mod error;
pub mod inference;
pub mod layout_analysis;
pub mod lexicon;
pub mod missed_glyphs;
pub mod options;
pub mod orientation;
pub mod output;
pub mod preprocess;
pub mod recognition;
pub mod split;

// Decoding and page geometry live in the image library, so the `image` and
// `ocr` modules accept the same files and crop the same way.
pub use decode::{decode_image, DecodeLimits, SUPPORTED_MEDIA_TYPES};
pub use error::OcrError;
pub use grace_image::{decode, geometry};
pub use options::{OcrOptions, Profile, OPTIONS_SCHEMA};
pub use output::OcrOutput;

use detection::TextDetector;
use geometry::{quad_size, Quad};
use image::RgbImage;
pub use orientation::OrientationCheck;
use orientation::{rotate_180, LineOrientation, OrientationPolicy};
use output::{quad_json, round4, Line, ModelId, ModelInfo, PageSize, Timings, Word};
use recognition::{RecognizedLine, TextRecognizer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Instant;

/// A page's detected lines, before recognition.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PagePlan {
    /// Page size in pixels (after EXIF orientation).
    pub page: PageSize,
    /// Lines in detection order, their quads extended for recognition.
    pub lines: Vec<PlannedLine>,
    /// How lines the orientation sample did not cover are checked.
    pub unsampled: OrientationCheck,
}

/// One detected line to read.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct PlannedLine {
    /// The crop's quad, along the reading direction.
    pub quad: Quad,
    /// The orientation sample's verdict on this line, when it was sampled.
    pub upside_down: Option<bool>,
    /// The text of a lone glyph read from its shape (a colon's two dots),
    /// which recognition does not read alone; such a line is not recognized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape_read: Option<char>,
}

/// A recognized line with the quad it was read along.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReadLine {
    /// The quad, turned when the line was read upside down.
    pub quad: Quad,
    /// 0, or 180 when the line was read upside down.
    pub angle: u16,
    /// What recognition read.
    pub line: RecognizedLine,
}

/// The model files the pipeline needs, as bytes.
pub struct ModelFiles<'a> {
    /// DBNet detection ONNX.
    pub detection: &'a [u8],
    /// CRNN recognition ONNX.
    pub recognition: &'a [u8],
    /// Line orientation ONNX.
    pub orientation: &'a [u8],
    /// Recognition key file (UTF-8, one class per line).
    pub keys: &'a [u8],
}

/// File names of the default PP-OCRv5 mobile set inside `models/files`.
pub const MODEL_FILE_NAMES: [&str; 4] = [
    "ppocrv5_det.onnx",
    "ppocrv5_rec.onnx",
    "ppocrv5_cls.onnx",
    "ppocr_keys_v5.txt",
];

/// The loaded pipeline. Holds parsed models and per-shape optimized plans.
pub struct OcrEngine {
    detector: TextDetector,
    recognizer: TextRecognizer,
    orientation: LineOrientation,
    models: ModelInfo,
    limits: DecodeLimits,
}

/// Probability above which a line is taken to be upside down.
const UPSIDE_DOWN_THRESHOLD: f32 = 0.9;

impl OcrEngine {
    /// Parses the models (the expensive part; do it once per process or instance).
    pub fn new(files: &ModelFiles) -> Result<Self, OcrError> {
        let keys = std::str::from_utf8(files.keys)
            .map_err(|_| OcrError::Model("the key file is not UTF-8".into()))?;
        let id = |name: &str, bytes: &[u8]| ModelId {
            name: name.to_string(),
            sha256: hex::encode(Sha256::digest(bytes)),
        };
        let models = ModelInfo {
            detection: id("PP-OCRv5_mobile_det", files.detection),
            recognition: id("PP-OCRv5_mobile_rec", files.recognition),
            orientation: id("PP-LCNet_x1_0_textline_ori", files.orientation),
            keys: id("ppocr_keys_v5", files.keys),
        };
        Ok(OcrEngine {
            detector: TextDetector::new(files.detection)?,
            recognizer: TextRecognizer::new(files.recognition, keys)?,
            orientation: LineOrientation::new(files.orientation)?,
            models,
            limits: DecodeLimits::default(),
        })
    }

    /// Replaces the decoding limits.
    pub fn set_limits(&mut self, limits: DecodeLimits) {
        self.limits = limits;
    }

    /// Reads an encoded image.
    pub fn read(&mut self, bytes: &[u8], options: &OcrOptions) -> Result<OcrOutput, OcrError> {
        let (image, decoding) = self.decode(bytes)?;
        let mut out = self.read_image(&image, options)?;
        if let Some(t) = out.timings_ms.as_mut() {
            t.add(&decoding);
        }
        Ok(out)
    }

    /// Decodes an encoded image within the limits; the timings hold the
    /// decode time (as `decode` and `total`).
    pub fn decode(&self, bytes: &[u8]) -> Result<(RgbImage, Timings), OcrError> {
        let start = Instant::now();
        let image = decode_image(bytes, &self.limits)?;
        let ms = ms_since(start);
        let timings = Timings {
            decode: ms,
            total: ms,
            ..Timings::default()
        };
        Ok((image, timings))
    }

    /// Reads an already decoded image: [`OcrEngine::plan_page`], then
    /// [`OcrEngine::read_lines`] on every planned line, then
    /// [`OcrEngine::assemble`]. Reading the plan's lines in parts (on other
    /// instances, see [`split`]) gives the same output.
    pub fn read_image(
        &mut self,
        image: &RgbImage,
        options: &OcrOptions,
    ) -> Result<OcrOutput, OcrError> {
        let start = Instant::now();
        let mut timings = Timings::default();
        let plan = self.plan_page(image, options, &mut timings)?;
        let lines = self.read_lines(image, &plan.lines, plan.unsampled, options, &mut timings)?;
        timings.total = ms_since(start);
        Ok(self.assemble(plan.page, &lines, options, timings))
    }

    /// Detects the page's lines and samples their orientation: the first
    /// lines are classified until the page shows itself upright (or one line
    /// is in doubt), which decides how the remaining lines are checked.
    pub fn plan_page(
        &mut self,
        image: &RgbImage,
        options: &OcrOptions,
        timings: &mut Timings,
    ) -> Result<PagePlan, OcrError> {
        let start = Instant::now();
        let (boxes, _map) = self.detector.detect(image, &options.detection)?;
        let detected: Vec<Quad> = boxes.iter().map(|b| b.quad).collect();
        let found = missed_glyphs::with_missed_glyphs(&geometry::to_gray(image), &detected);
        timings.detection += ms_since(start);

        let mut policy = OrientationPolicy::default();
        let mut lines = Vec::with_capacity(found.lines.len() + found.alone.len());
        // The detector's quads already run along the reading direction.
        let widened = |q: &Quad| {
            let (w, h) = quad_size(q);
            geometry::extend_along_text(
                q,
                (options.recognition.min_aspect * h - w) / 2.0,
                image.width() as f32,
                image.height() as f32,
            )
        };
        for detected in &found.lines {
            let quad = widened(detected);
            let mut upside_down = None;
            if options.orientation && policy.sampling() {
                let crop = TextRecognizer::crop_line(image, &quad, options.recognition.max_width);
                let p = self.upside_down_probability(&crop, timings)?;
                policy.record(p);
                upside_down = Some(p > UPSIDE_DOWN_THRESHOLD);
            }
            lines.push(PlannedLine {
                quad,
                upside_down,
                shape_read: None,
            });
        }
        for glyph in &found.alone {
            lines.push(PlannedLine {
                quad: widened(&glyph.quad),
                upside_down: None,
                shape_read: glyph.colon.then_some(':'),
            });
        }
        let unsampled = if !options.orientation {
            OrientationCheck::Skip
        } else if policy.classify_before_reading() {
            OrientationCheck::BeforeReading
        } else {
            OrientationCheck::AfterPoorRead
        };
        Ok(PagePlan {
            page: PageSize {
                width: image.width(),
                height: image.height(),
            },
            lines,
            unsampled,
        })
    }

    /// Reads planned lines (any contiguous run of a plan's lines), checking
    /// the orientation of lines the plan did not sample as `unsampled` says.
    /// Empty lines and lines below `min_line_confidence` are dropped.
    pub fn read_lines(
        &mut self,
        image: &RgbImage,
        planned: &[PlannedLine],
        unsampled: OrientationCheck,
        options: &OcrOptions,
        timings: &mut Timings,
    ) -> Result<Vec<ReadLine>, OcrError> {
        let mut lines = Vec::with_capacity(planned.len());
        for planned_line in planned {
            if let Some(glyph) = planned_line.shape_read {
                lines.push(ReadLine {
                    quad: planned_line.quad,
                    angle: 0,
                    line: RecognizedLine::shape_read(
                        glyph,
                        SHAPE_READ_CONFIDENCE,
                        &planned_line.quad,
                    ),
                });
                continue;
            }
            let mut quad = planned_line.quad;
            let mut crop = TextRecognizer::crop_line(image, &quad, options.recognition.max_width);
            let upside_down = match planned_line.upside_down {
                Some(known) => known,
                None if unsampled == OrientationCheck::BeforeReading => {
                    self.upside_down_probability(&crop, timings)? > UPSIDE_DOWN_THRESHOLD
                }
                None => false,
            };
            if upside_down {
                (crop, quad) = turn_over(&crop, &quad);
            }
            let mut line = self.read_line(&crop, &quad, options, timings)?;
            let mut angle = if upside_down { 180 } else { 0 };
            if planned_line.upside_down.is_none()
                && unsampled == OrientationCheck::AfterPoorRead
                && orientation::worth_checking_after_reading(line.confidence)
                && self.upside_down_probability(&crop, timings)? > UPSIDE_DOWN_THRESHOLD
            {
                angle = 180;
                (crop, quad) = turn_over(&crop, &quad);
                line = self.read_line(&crop, &quad, options, timings)?;
            }
            if line.text.trim().is_empty() || line.confidence < options.min_line_confidence {
                continue;
            }
            lines.push(ReadLine { quad, angle, line });
        }
        Ok(lines)
    }

    /// The output document of a page from its read lines (in plan order):
    /// reading order, lines continuing each other on a row merged, text.
    pub fn assemble(
        &self,
        page: PageSize,
        lines: &[ReadLine],
        options: &OcrOptions,
        timings: Timings,
    ) -> OcrOutput {
        let quads: Vec<Quad> = lines.iter().map(|l| l.quad).collect();
        let order = layout_analysis::reading_order(&quads);
        // Merge on the exact quads, before they are rounded for JSON.
        let ordered_quads: Vec<Quad> = order.iter().map(|&i| lines[i].quad).collect();
        let lines: Vec<Line> = layout_analysis::merge_row_neighbours(&ordered_quads, ROW_MERGE_GAP)
            .into_iter()
            .map(|group| merge_lines(group.iter().map(|&k| to_output_line(&lines[order[k]]))))
            .collect();
        let text = lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        OcrOutput {
            page,
            lines,
            text,
            profile: options.profile.name().to_string(),
            model: self.models.clone(),
            timings_ms: options.timings.then_some(timings),
        }
    }

    /// The classifier's probability that `crop` is upside down, timed.
    fn upside_down_probability(
        &mut self,
        crop: &RgbImage,
        timings: &mut Timings,
    ) -> Result<f32, OcrError> {
        let t = Instant::now();
        let p = self.orientation.upside_down_probability(crop)?;
        timings.orientation += ms_since(t);
        Ok(p)
    }

    /// Recognizes one line crop, timed.
    fn read_line(
        &mut self,
        crop: &RgbImage,
        quad: &Quad,
        options: &OcrOptions,
        timings: &mut Timings,
    ) -> Result<RecognizedLine, OcrError> {
        let t = Instant::now();
        let line = self
            .recognizer
            .recognize(crop, quad, &options.recognition)?;
        timings.recognition += ms_since(t);
        Ok(line)
    }

    /// Names and digests of the loaded models.
    pub fn models(&self) -> &ModelInfo {
        &self.models
    }
}

/// A line crop and its quad turned by 180°.
fn turn_over(crop: &RgbImage, quad: &Quad) -> (RgbImage, Quad) {
    (rotate_180(crop), [quad[2], quad[3], quad[0], quad[1]])
}

/// Boxes on one row closer than this many line heights are one line.
const ROW_MERGE_GAP: f32 = 1.2;

/// Confidence given to a glyph read from its shape.
const SHAPE_READ_CONFIDENCE: f32 = 0.9;

/// Joins lines that continue each other on a row into one.
fn merge_lines(mut parts: impl Iterator<Item = Line>) -> Line {
    let mut out = parts.next().expect("groups are never empty");
    for part in parts {
        let (n_out, n_part) = (
            out.text.chars().count() as f32,
            part.text.chars().count() as f32,
        );
        out.confidence =
            round4((out.confidence * n_out + part.confidence * n_part) / (n_out + n_part));
        out.text = format!("{} {}", out.text, part.text);
        out.bbox = [out.bbox[0], part.bbox[1], part.bbox[2], out.bbox[3]];
        out.words.extend(part.words.iter().cloned());
    }
    out
}

/// Probability below which a character's second-best reading is reported.
const ALTERNATIVE_BELOW: f32 = 0.9;

fn to_output_line(ReadLine { quad, angle, line }: &ReadLine) -> Line {
    let words = line
        .words
        .iter()
        .map(|w| Word {
            text: w.text.clone(),
            confidence: round4(w.confidence),
            bbox: quad_json(&w.quad),
            alternatives: Vec::new(),
        })
        .collect();
    let mut out = Line {
        text: line.text.clone(),
        confidence: round4(line.confidence),
        bbox: quad_json(quad),
        angle: *angle,
        words,
    };
    attach_alternatives(&mut out, line);
    out
}

/// Records second-best character readings on the words they belong to, for
/// field extraction to try when a read fails a checksum or the arithmetic.
fn attach_alternatives(out: &mut Line, line: &RecognizedLine) {
    let mut word_index = 0;
    let mut char_index = 0;
    for c in &line.chars {
        if c.text == " " {
            continue;
        }
        while word_index < out.words.len()
            && char_index >= out.words[word_index].text.chars().count()
        {
            word_index += 1;
            char_index = 0;
        }
        let Some(word) = out.words.get_mut(word_index) else {
            break;
        };
        if c.confidence < ALTERNATIVE_BELOW {
            if let Some((alt, _)) = &c.alternative {
                word.alternatives.push((char_index, alt.clone()));
            }
        }
        char_index += c.text.chars().count();
    }
}

pub(crate) fn ms_since(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1e5).round() / 100.0
}
