//! Small tree helpers that match children by local name only: CII
//! versions differ in namespace (`:100`, `:12`, `:15`) but not in names,
//! and prefixes are the sender's choice.

use crate::model::{Amount, Decimal};
use crate::values::{normalize_amount, normalize_decimal};
use roxmltree::Node;

/// Element children named `name`.
pub(crate) fn kids<'a, 'i: 'a>(
    n: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// First element child named `name`.
pub(crate) fn kid<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// First element child with any of `names` (checked in that order).
pub(crate) fn kid_any<'a, 'i>(n: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    names.iter().find_map(|name| kid(n, name))
}

/// Follows `path` from `n`, taking the first matching child at each step.
pub(crate) fn at<'a, 'i>(n: Node<'a, 'i>, path: &[&str]) -> Option<Node<'a, 'i>> {
    path.iter().try_fold(n, |node, name| kid(node, name))
}

/// The element's own text (all direct text and CDATA pieces), trimmed;
/// `None` when empty.
pub(crate) fn text(n: Node<'_, '_>) -> Option<String> {
    let mut s = String::new();
    for c in n.children().filter(|c| c.is_text()) {
        s.push_str(c.text().unwrap_or(""));
    }
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Text at `path` below `n`.
pub(crate) fn text_at(n: Node<'_, '_>, path: &[&str]) -> Option<String> {
    at(n, path).and_then(text)
}

/// The element as an amount.
pub(crate) fn amount(n: Node<'_, '_>) -> Option<Amount> {
    let raw = text(n)?;
    Some(Amount {
        value: normalize_amount(&raw),
        currency: n.attribute("currencyID").map(|c| c.trim().to_string()),
        raw,
    })
}

/// Amount at `path` below `n`.
pub(crate) fn amount_at(n: Node<'_, '_>, path: &[&str]) -> Option<Amount> {
    at(n, path).and_then(amount)
}

/// The element as a plain decimal (rate, quantity).
pub(crate) fn decimal(n: Node<'_, '_>) -> Option<Decimal> {
    let raw = text(n)?;
    Some(Decimal {
        value: normalize_decimal(&raw, 0),
        raw,
    })
}

/// Of several amounts that state one total in different currencies, the one
/// in `currency`; else one without a currency; else the first.
pub(crate) fn in_currency<'a, 'i: 'a>(
    nodes: impl Iterator<Item = Node<'a, 'i>>,
    currency: Option<&str>,
) -> Option<Amount> {
    let all: Vec<Amount> = nodes.filter_map(amount).collect();
    let pick = all
        .iter()
        .position(|a| currency.is_some() && a.currency.as_deref() == currency)
        .or_else(|| all.iter().position(|a| a.currency.is_none()))
        .unwrap_or(0);
    all.into_iter().nth(pick)
}

/// Pushes `s` unless absent or already present.
pub(crate) fn push_unique(list: &mut Vec<String>, s: Option<String>) {
    if let Some(s) = s {
        if !s.is_empty() && !list.contains(&s) {
            list.push(s);
        }
    }
}
