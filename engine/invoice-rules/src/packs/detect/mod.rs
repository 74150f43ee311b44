//! Detectors: each weighs the evidence a document shows for one property
//! (language, country, number format, date order) and returns a
//! [`Decision`] whose confidence says how much that evidence is worth.
//! They are independent so a caller can trust a clear number format on a
//! document whose language is unclear, and the other way round.

use serde::{Deserialize, Serialize};

mod country;
mod date_order;
mod language;
mod number_format;

pub use country::{detect_country, CountryEvidence};
pub use date_order::detect_date_order;
pub use language::{decide_language, detect_language};
pub use number_format::detect_number_format;
pub(crate) use number_format::number_shapes;

/// A detector's answer: the best value and how sure it is (0 to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Decision<T> {
    /// The best value.
    pub value: T,
    /// Near 1 when the evidence clearly points to `value` alone, low when
    /// there was little evidence or it was split.
    pub confidence: f32,
}

impl<T> Decision<T> {
    /// `value` with `confidence` clamped to 0..=1.
    pub fn new(value: T, confidence: f32) -> Decision<T> {
        Decision {
            value,
            confidence: confidence.clamp(0.0, 1.0),
        }
    }
}

/// How much `amount` of evidence is worth, 0 (none) to 1 (plenty):
/// `half` is the amount that counts for one half.
fn saturation(amount: f32, half: f32) -> f32 {
    1.0 - (-amount * std::f32::consts::LN_2 / half).exp()
}
