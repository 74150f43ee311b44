//! Vendor and customer: name, address and tax id, read as blocks of lines.
//!
//! A block starts under its heading (`EMISOR`, `Cliente:`), or, for the
//! vendor of a document with no heading, at the first line of the page that
//! is not a title or a label. It runs down its column while the lines stay
//! close and stops at a label line, a tax id, a phone or an e-mail. The name
//! is its first line (or, among the first lines, the one carrying a company
//! suffix such as `S.L.` or `SDN BHD`), the address the lines that follow.

use crate::fields::{round3, Ctx, TaxIdAt};
use crate::key_values::{starts_with_label, value_spans};
use crate::labels::{norm_word, LabelKind};
use crate::layout::Span;
use crate::output::{Field, Source};
use grace_invoice_rules::{
    canonical_legal_form, repair_company_name, repair_company_words, repair_malaysian_address,
    repair_malaysian_company_name, repair_spanish_address, repair_spanish_text, spanish_name_case,
};

/// Name, address and tax id of one party.
#[derive(Debug, Default)]
pub struct Party {
    /// Name.
    pub name: Option<Field>,
    /// Address.
    pub address: Option<Field>,
    /// Tax id.
    pub tax_id: Option<Field>,
}

/// Words that say a line names a company.
const COMPANY_WORDS: &[&str] = &[
    "sl",
    "sa",
    "slu",
    "sll",
    "scoop",
    "sdn",
    "bhd",
    "enterprise",
    "enterprises",
    "trading",
    "plt",
    "sb",
    "restaurant",
    "restoran",
    "store",
    "mart",
    "hardware",
    "gmbh",
    "ltd",
    "inc",
    "llc",
    "co",
    "company",
    "supermarket",
    "kedai",
    "marketing",
    "services",
    "industries",
];

/// Words that start a title line, not a party.
const TITLE_WORDS: &[&str] = &[
    "factura",
    "ticket",
    "abono",
    "invoice",
    "receipt",
    "tax",
    "simplified",
    "recibo",
    "presupuesto",
    "albaran",
    "logo",
    "cash",
    "bill",
    "official",
    // `Guest Check`, a restaurant's bill.
    "guest",
    // `TAX INVOICE` with its space lost.
    "taxinvoice",
];

/// Vendor and customer of the page. `ids` are the tax ids found.
pub fn parties(ctx: &Ctx, ids: &[TaxIdAt]) -> (Party, Party) {
    let customer_lines = customer_block(ctx);
    let mut vendor_lines = vendor_block(ctx, &customer_lines);
    let customer_lines = if customer_lines.heading.is_none() {
        window_block(ctx, &mut vendor_lines)
    } else {
        customer_lines
    };
    let in_block =
        |block: &Block, line: usize| block.lines.contains(&line) || block.passed.contains(&line);
    // A tax id belongs to the block whose lines it sits on or right under.
    let id_of = |block: &Block| -> Option<&TaxIdAt> {
        ids.iter()
            .find(|t| in_block(block, t.span.line))
            .or_else(|| {
                block
                    .stop
                    .and_then(|e| ids.iter().find(|t| t.span.line == e))
            })
    };
    let mut customer = Party::default();
    let mut vendor = Party::default();
    let cust_id = id_of(&customer_lines);
    let vend_id = id_of(&vendor_lines)
        .filter(|t| cust_id.is_none_or(|c| c.span != t.span))
        .or_else(|| {
            // No id in the vendor block: the first id on the page that is
            // not the customer's (tickets print the NIF under the address).
            ids.iter()
                .find(|t| cust_id.is_none_or(|c| c.span != t.span))
        });
    customer.tax_id = cust_id.map(|t| id_field(ctx, t));
    vendor.tax_id = vend_id.map(|t| id_field(ctx, t));
    fill(ctx, &customer_lines, &mut customer, false);
    fill(ctx, &vendor_lines, &mut vendor, true);
    (vendor, customer)
}

fn id_field(ctx: &Ctx, t: &TaxIdAt) -> Field {
    let page = ctx.page;
    let label = ctx
        .labels
        .iter()
        .find(|h| {
            h.kind == LabelKind::TaxId && h.span.line == t.span.line && h.span.end <= t.span.start
        })
        .copied();
    Field {
        value: t.value.clone(),
        raw: t.raw.clone(),
        confidence: round3(page.span_confidence(t.span) * if t.checked { 1.0 } else { 0.7 }),
        bbox: page.span_quad(t.span),
        label: label.map(|h| crate::fields::label_text(page, h.span)),
        label_box: label.and_then(|h| page.span_quad(h.span)),
        page: None,
        source: if label.is_some() {
            Source::Label
        } else {
            Source::Pattern
        },
        reconstructed: t.reconstructed,
    }
}

/// Lines of a block, the line that ended it, and the heading it hangs from.
#[derive(Debug, Default)]
struct Block {
    lines: Vec<usize>,
    /// Lines stepped over between the name and the address (a date, a
    /// company number, a tax id): not the block's text, but its ids count.
    passed: Vec<usize>,
    stop: Option<usize>,
    heading: Option<Span>,
    /// The name sits on the heading's line (`Cliente: Juan Pérez`).
    inline_name: Option<Span>,
}

fn customer_block(ctx: &Ctx) -> Block {
    let page = ctx.page;
    let Some(h) = ctx
        .labels
        .iter()
        .find(|h| h.kind == LabelKind::CustomerHeader)
    else {
        return Block::default();
    };
    let rest = value_spans(page, h)
        .into_iter()
        .next()
        .filter(|s| s.line == h.span.line && s.start == h.span.end);
    let start_rect = page.span_rect(h.span);
    let mut block = follow(ctx, start_rect, h.span.line);
    block.heading = Some(h.span);
    block.inline_name = rest;
    block
}

fn vendor_block(ctx: &Ctx, customer: &Block) -> Block {
    let page = ctx.page;
    if let Some(h) = ctx
        .labels
        .iter()
        .find(|h| h.kind == LabelKind::VendorHeader)
    {
        let mut block = follow(ctx, page.span_rect(h.span), h.span.line);
        block.heading = Some(h.span);
        return block;
    }
    // Without a heading, a party block is a name over an address: the
    // first line near the top whose block looks like a party at all (a
    // legal form, a postcode or an address line under it), else the first
    // line. A title, slogan or tagline above the letterhead has none.
    let blocks = page
        .rows
        .iter()
        .take(12)
        .flatten()
        .copied()
        .filter(|&l| {
            !customer.lines.contains(&l)
                && customer.heading.is_none_or(|s| s.line != l)
                && can_start_block(ctx, l)
        })
        .map(|l| {
            let mut block = follow(ctx, page.lines[l].rect, l);
            block.lines.insert(0, l);
            block
        });
    let mut first = None;
    for block in blocks {
        if party_score(ctx, &block) > 0 {
            return block;
        }
        first.get_or_insert(block);
    }
    first.unwrap_or_default()
}

/// How much a block looks like a party: a legal form on its first line, a
/// postcode in its lines, an address line under the name.
fn party_score(ctx: &Ctx, block: &Block) -> u32 {
    let page = ctx.page;
    let text = |l: usize| page.lines[l].text.as_str();
    let named = block
        .lines
        .first()
        .is_some_and(|&l| is_company_line(text(l)));
    let postcode = block.lines.iter().skip(1).any(|&l| has_postcode(text(l)));
    let address = block.lines.len() >= 2;
    2 * u32::from(named) + 2 * u32::from(postcode) + u32::from(address)
}

/// The recipient of a letter, printed without a heading where an envelope's
/// window shows it: the block under a one-line return address (the
/// vendor's name and address run together with `·`, `|` or `•`), else, on
/// a page-shaped document, the first block left of the page's right
/// side in its top part, outside the vendor's block, of a name over at least two lines
/// one of which holds a postcode (under a heading the lexicon lacks, if
/// one word or a few with a colon stand over the name). Trims the return address off the
/// vendor's block when the vendor's block ran into it.
fn window_block(ctx: &Ctx, vendor: &mut Block) -> Block {
    let page = ctx.page;
    if !page.has_boxes || vendor.lines.is_empty() {
        return Block::default();
    }
    let vendor_name = norm_words(&page.lines[vendor.lines[0]].text);
    let return_line = page.rows.iter().flatten().copied().find(|&l| {
        let text = &page.lines[l].text;
        let parts: Vec<&str> = text.split(['·', '|', '•']).collect();
        l != vendor.lines[0] && parts.len() >= 3 && norm_words(parts[0]) == vendor_name
    });
    if let Some(r) = return_line {
        if let Some(at) = vendor.lines.iter().position(|&l| l == r) {
            vendor.lines.truncate(at);
        }
        let block = follow(ctx, page.lines[r].rect, r);
        if block.lines.len() >= 2 {
            return block;
        }
    }
    // Only a page (not a till strip) has a window, in its upper part.
    if !page_shaped(page) {
        return Block::default();
    }
    let first = first_page_height(page);
    let width = page_width(page);
    let taken = |l: usize| {
        vendor.lines.contains(&l) || vendor.passed.contains(&l) || vendor.stop == Some(l)
    };
    page.rows
        .iter()
        .flatten()
        .copied()
        .filter(|&l| {
            let r = page.lines[l].rect;
            r.y0 < first * 0.4 && r.x0 < width * 0.6 && !taken(l)
        })
        .filter(|&l| can_start_block(ctx, l))
        .find_map(|l| {
            let mut block = follow(ctx, page.lines[l].rect, l);
            let address_like = block.lines.len() >= 2
                && block.lines.iter().all(|&b| !taken(b))
                && block
                    .lines
                    .iter()
                    .any(|&b| has_postcode(&page.lines[b].text));
            address_like.then(|| {
                // A heading the lexicon does not know (`Destinataire`,
                // `Rechnungsanschrift:`): one word, a few ending in a colon,
                // or words over a company's name. Otherwise it is the name.
                let text = page.lines[l].text.trim();
                let words = text.split_whitespace().count();
                let over_company = block
                    .lines
                    .first()
                    .is_some_and(|&n| is_company_line(&page.lines[n].text));
                let heading = (words == 1 || (words <= 3 && text.ends_with(':')) || over_company)
                    && !is_company_line(text);
                if heading {
                    block.heading = Some(page.line_span(l));
                } else {
                    block.lines.insert(0, l);
                }
                block
            })
        })
        .unwrap_or_default()
}

/// Height of the first input page (the whole frame for one page).
fn first_page_height(page: &crate::layout::Page) -> f32 {
    page.bands.get(1).map_or(page.bottom, |b| b.top)
}

/// Right edge of the rightmost line: the page's width as printed.
fn page_width(page: &crate::layout::Page) -> f32 {
    page.lines.iter().map(|l| l.rect.x1).fold(0.0, f32::max)
}

/// A page shaped like a sheet of paper (A4, Letter) rather than a till
/// strip: its first page at least about half as wide as it is tall.
fn page_shaped(page: &crate::layout::Page) -> bool {
    page.has_boxes && page_width(page) >= first_page_height(page) * 0.55
}

/// A line's words, normalized, joined with single spaces.
fn norm_words(text: &str) -> String {
    text.split_whitespace()
        .map(norm_word)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A line that may open a party block: not a label, a title, a web address,
/// a date or lowercase prose, and with a few letters.
fn can_start_block(ctx: &Ctx, l: usize) -> bool {
    let text = &ctx.page.lines[l].text;
    !starts_with_label(ctx.page, l)
        && !is_title(text)
        && !is_web_address(&text.to_lowercase())
        && !is_lowercase(text)
        && !is_date_line(ctx, l)
        && text.chars().filter(|c| c.is_alphabetic()).count() >= 3
}

/// Whether a line carries a postcode: four or five digits (`10115 Berlin`,
/// `1012 AB`, `1000-001 Lisboa`), or the letter-digit shapes of the UK,
/// Ireland and Canada (`SW1A 1AA`, `D02 X285`, `K1A 0B1`).
fn has_postcode(text: &str) -> bool {
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(','))
        .collect();
    let digits = |w: &str| w.bytes().all(|b| b.is_ascii_digit());
    let mixed = |w: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&w.len())
            && w.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && w.bytes().any(|b| b.is_ascii_digit())
            && w.bytes().any(|b| b.is_ascii_uppercase())
    };
    words.iter().enumerate().any(|(i, w)| {
        let head = w.split('-').next().unwrap_or(w);
        ((4..=5).contains(&head.len()) && digits(head))
            || (mixed(w, 2..=4) && words.get(i + 1).is_some_and(|n| mixed(n, 3..=4)))
    })
}

fn is_title(text: &str) -> bool {
    let first = text
        .split_whitespace()
        .map(norm_word)
        .find(|w| !w.is_empty());
    first.is_some_and(|w| TITLE_WORDS.contains(&w.as_str()))
}

/// Lines under `rect` in its column while they stay within 1.8 line heights
/// of each other, up to a line that ends the block.
fn follow(ctx: &Ctx, rect: crate::layout::Rect, from: usize) -> Block {
    let page = ctx.page;
    let mut block = Block::default();
    let mut cur = rect;
    let mut prev_rect = rect;
    let mut last = from;
    for step in 0..8 {
        // A heading may sit in a shaded strip: allow a wider first gap.
        let reach = if step == 0 { 3.0 } else { 1.8 };
        let Some(next) = page.below(cur, reach) else {
            break;
        };
        if next == last {
            break;
        }
        // Receipts print the date, a company number or a tax id between
        // the name and the address: step over them while the block holds
        // at most the name.
        if block.lines.len() <= 1 && precedes_address(ctx, next) {
            block.passed.push(next);
            cur = page.lines[next].rect;
            prev_rect = cur;
            last = next;
            continue;
        }
        if ends_block(ctx, next) {
            block.stop = Some(next);
            break;
        }
        block.lines.push(next);
        cur = page.lines[next].rect;
        // The rest of its row under the line above (`53300 KL   Site 1066`).
        let above = prev_rect;
        for mate in row_mates_right(page, next) {
            if page.lines[mate].rect.x_overlap(&above) <= 0.0 || ends_block(ctx, mate) {
                break;
            }
            block.lines.push(mate);
            cur = cur.union(&page.lines[mate].rect);
        }
        prev_rect = cur;
        last = next;
    }
    block
}

/// The lines after `line` on its row, left to right.
fn row_mates_right(page: &crate::layout::Page, line: usize) -> Vec<usize> {
    page.rows
        .iter()
        .find(|row| row.contains(&line))
        .map(|row| {
            row.iter()
                .skip_while(|&&l| l != line)
                .skip(1)
                .copied()
                .collect()
        })
        .unwrap_or_default()
}

/// A line that ends a party block: a label, a tax id, a phone, an e-mail.
fn ends_block(ctx: &Ctx, line: usize) -> bool {
    let page = ctx.page;
    let text = &page.lines[line].text;
    // `NO: 28, JALAN ...` and `Nº 3, Calle ...` start addresses: a bare
    // number word does not end a block.
    let strong_label = ctx
        .labels
        .iter()
        .find(|h| h.span.line == line && h.span.start == 0)
        .is_some_and(|h| !(h.kind == LabelKind::InvoiceNumber && h.words == 1));
    if strong_label && starts_with_label(page, line) {
        return true;
    }
    let lower = text.to_lowercase();
    let first = text
        .split_whitespace()
        .map(norm_word)
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    let digits = text.chars().filter(|c| c.is_ascii_digit()).count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    lower.contains('@')
        || is_web_address(&lower)
        || is_title(text)
        || first.starts_with("tel")
        || matches!(
            first.as_str(),
            "hp" | "fax" | "phone" | "telefono" | "tfno" | "movil" | "table" | "mesa"
        )
        // `T EL:` with a space OCR put in the label.
        || ["tel:", "tel."].iter().any(|l| lower.replace(' ', "").starts_with(l))
        // A phone number alone on its line, or after a label of its own
        // (`myNEWS careline: 1800 88 1231`).
        || (digits >= 7 && letters <= 2 && !is_registration(text))
        || is_labelled_phone(text)
        || !grace_invoice_rules::find_dates(text, ctx.order).is_empty()
        || !crate::fields::tax_ids(&single_line(page, line)).is_empty()
        || starts_with_label_of(ctx, line, &[LabelKind::TaxId, LabelKind::Phone])
}

/// An address line's words, a final period read as a comma where OCR
/// offered the comma as its second reading (`SENTOSA.` → `SENTOSA,`,
/// `1851-B.` → `1851-B,`): the two are one smudge apart in small print and
/// an address separates its parts with commas. Abbreviations (`NO.`,
/// `JLN.`) and the address's last word keep their period.
fn address_line_text(line: &crate::layout::Line, last_line: bool) -> String {
    let n = line.words.len();
    line.words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let chars = w.text.chars().count();
            let alnum = w.text.chars().filter(|c| c.is_alphanumeric()).count();
            let comma_offered = w
                .alternatives
                .iter()
                .any(|(i, alt)| *i + 1 == chars && alt == ",");
            match w.text.strip_suffix('.') {
                Some(stem) if comma_offered && alnum >= 4 && !(last_line && i + 1 == n) => {
                    format!("{stem},")
                }
                _ => w.text.clone(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `label: number` where the number has seven digits or more and nothing
/// but digits, spaces, dashes, brackets and `+` (a careline, a hotline).
fn is_labelled_phone(text: &str) -> bool {
    let Some((label, number)) = text.rsplit_once(':') else {
        return false;
    };
    let digits = number.chars().filter(|c| c.is_ascii_digit()).count();
    digits >= 7
        && !label.chars().any(|c| c.is_ascii_digit())
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+'))
}

/// A line a receipt prints between its name and its address: the date, a
/// company registration, a line that holds only a tax id.
fn precedes_address(ctx: &Ctx, line: usize) -> bool {
    let text = &ctx.page.lines[line].text;
    is_date_line(ctx, line)
        || is_registration(text)
        || starts_with_label_of(ctx, line, &[LabelKind::TaxId])
}

/// A line holding a date and at most a time beside it (`05 Mar 2018 18:24`,
/// `09/03/2018 09:28 PM`).
fn is_date_line(ctx: &Ctx, line: usize) -> bool {
    let text = &ctx.page.lines[line].text;
    let dates = grace_invoice_rules::find_dates(text, ctx.order);
    let [d] = dates.as_slice() else {
        return false;
    };
    let rest: String = format!("{} {}", &text[..d.start], &text[d.end..])
        .chars()
        .filter(|c| !(c.is_ascii_digit() || c.is_whitespace() || matches!(c, ':' | '.')))
        .collect::<String>()
        .to_lowercase();
    matches!(rest.as_str(), "" | "am" | "pm")
}

/// A line carrying a web address (`www.shop.es`, `myNEWS.com`): a slogan
/// or contact line, never a name or an address.
fn is_web_address(lower: &str) -> bool {
    lower.contains("www.")
        || lower.contains("http")
        || lower
            .split(|c: char| c.is_whitespace() || c == ',')
            .any(|w| {
                [".com", ".es", ".my", ".net", ".org"]
                    .iter()
                    .any(|d| w.ends_with(d) || w.contains(&format!("{d}.")))
            })
}

/// True when the line starts with a label of one of `kinds` (`NIF:`, `Tel.`).
fn starts_with_label_of(ctx: &Ctx, line: usize, kinds: &[LabelKind]) -> bool {
    ctx.labels
        .iter()
        .find(|h| h.span.line == line)
        .is_some_and(|h| h.span.start == 0 && kinds.contains(&h.kind))
}

/// A page holding one line, to run line-level finders on it.
fn single_line(page: &crate::layout::Page, line: usize) -> crate::layout::Page {
    crate::layout::Page::from_text(&page.lines[line].text)
}

/// Registration lines printed between a company's name and its address
/// (`(COMPANY NO: 12345-A)`, `CO. REG: ...`) are not the address.
fn is_registration(text: &str) -> bool {
    let words: Vec<String> = text.split_whitespace().map(norm_word).collect();
    let t = text.trim();
    let has_digit = t.chars().any(|c| c.is_ascii_digit());
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    // `789417-W`, `(801580-T)`: a company number alone on its line; not
    // a street number after its word (`NO 43-45-47G`, `LOT 2685`).
    let number_only = digits >= 5
        && letters <= 3
        && words.len() <= 3
        && !t.contains(',')
        && !is_postcode_and_place(t)
        && !words
            .first()
            .is_some_and(|w| matches!(w.as_str(), "no" | "lot" | "unit" | "blok" | "block"));
    number_only
        || (t.starts_with('(') && t.ends_with(')') && has_digit)
        // `(GST ID :0020...` with its closing bracket or label misread.
        || (t.starts_with('(') && digits >= 8)
        || words.iter().take(3).any(|w| {
            matches!(
                w.as_str(),
                "coreg"
                    | "reg"
                    | "roc"
                    | "regno"
                    | "companyno"
                    | "cono"
                    | "gst"
                    | "gstid"
                    | "gstreg"
                    | "br"
                    | "brno"
            )
        })
        || (words.first().is_some_and(|w| w == "co" || w == "company")
            && words
                .get(1)
                .is_some_and(|w| w.starts_with("reg") || w == "no"))
}

/// A five-digit postcode and a place (`53300 KL`, `08001 BCN`).
fn is_postcode_and_place(t: &str) -> bool {
    let mut words = t.split_whitespace();
    let (Some(code), Some(place)) = (words.next(), words.next()) else {
        return false;
    };
    code.len() == 5
        && code.bytes().all(|b| b.is_ascii_digit())
        && place.chars().count() >= 2
        && place.chars().all(char::is_alphabetic)
}

fn is_lowercase(text: &str) -> bool {
    text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_uppercase)
}

/// Drops a company number printed after the name: `AEON CO. (M) BHD (126926-H)`.
fn strip_registration(name: &str) -> String {
    let t = name.trim_end();
    if let (true, Some(open)) = (t.ends_with(')'), t.rfind('(')) {
        let inner = &t[open..];
        let digits = inner.chars().filter(|c| c.is_ascii_digit()).count();
        if digits >= 5 && open > 0 {
            return t[..open].trim_end().to_string();
        }
    }
    t.to_string()
}

/// Drops a title OCR joined to the name on its row: `Comercial Soler S.L.
/// ABONO - FACTURA RECTIFICATIVA` → `Comercial Soler S.L.` (the title in
/// capitals, after the name).
fn strip_trailing_title(name: &str) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let caps = |w: &&str| !w.chars().any(char::is_lowercase);
    let cut = (1..words.len()).find(|&i| {
        words[i].chars().any(char::is_alphabetic)
            && words[i..].iter().all(caps)
            && is_title(&words[i..].join(" "))
    });
    match cut {
        Some(i) => words[..i].join(" ").trim_end().to_string(),
        None => name.to_string(),
    }
}

/// A line naming a company: a company word, or a legal form of any pack
/// at its end (`GmbH`, `B.V.`, `e.U.`).
fn is_company_line(text: &str) -> bool {
    text.split_whitespace()
        .map(norm_word)
        .any(|w| COMPANY_WORDS.contains(&w.as_str()))
        || grace_invoice_rules::packs::all_packs()
            .iter()
            .any(|p| p.legal_form_of(text).is_some())
}

fn fill(ctx: &Ctx, block: &Block, party: &mut Party, vendor: bool) {
    let page = ctx.page;
    let mut lines: Vec<usize> = block.lines.clone();
    let mut block_name: Option<Vec<Span>> = None;
    let name_span = match block.inline_name {
        Some(s) => Some(s),
        None => {
            if lines.is_empty() {
                return;
            }
            // Among the first lines, prefer the one that names a company;
            // else the first that is not all lowercase (a handwritten note
            // or a stamp above the print).
            let pick = if vendor {
                let head = lines.iter().take(4);
                head.clone()
                    .position(|&l| is_company_line(&page.lines[l].text))
                    .or_else(|| {
                        head.clone()
                            .position(|&l| !is_lowercase(&page.lines[l].text))
                    })
                    .unwrap_or(0)
            } else {
                0
            };
            let l = lines[pick];
            lines.drain(..=pick);
            // A name broken after `&` continues on the next line.
            let continues = page.lines[l].text.trim_end().ends_with('&')
                || lines
                    .first()
                    .is_some_and(|&n| page.lines[n].text.trim_start().starts_with('&'));
            if continues && !lines.is_empty() {
                let next = lines.remove(0);
                block_name = Some(vec![page.line_span(l), page.line_span(next)]);
            }
            Some(page.line_span(l))
        }
    };
    if let Some(s) = name_span {
        let spans = block_name.unwrap_or_else(|| vec![s]);
        let raw: Vec<String> = spans.iter().map(|&s| page.span_text(s)).collect();
        let label = block.heading;
        let raw = repair_company_name(&strip_trailing_title(&strip_registration(
            raw.join("\n").trim_start_matches([':', '-', ' ']).trim(),
        )));
        // A Malaysian name's legal form and bracketed place are what it prints.
        let raw = if ctx.repairs("malaysia") {
            repair_malaysian_company_name(&raw).unwrap_or(raw)
        } else {
            raw
        };
        let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let value = if ctx.repairs("es") {
            spanish_name_case(&canonical_legal_form(&repair_spanish_text(
                &repair_company_words(&value),
            )))
        } else {
            value
        };
        if !value.is_empty() {
            party.name = Some(Field {
                value,
                raw,
                confidence: round3(
                    page.span_confidence(s) * if label.is_some() { 0.95 } else { 0.8 },
                ),
                bbox: if spans.len() > 1 {
                    page.spans_quad(&spans)
                } else {
                    page.span_quad(s)
                },
                label: label.map(|h| crate::fields::label_text(page, h)),
                label_box: label.and_then(|h| page.span_quad(h)),
                page: None,
                source: if label.is_some() {
                    Source::Label
                } else {
                    Source::Layout
                },
                reconstructed: false,
            });
        }
    }
    // Address: the following lines, skipping registration lines before it
    // starts, and a tagline or former name under the name (`BISTRO & CAFE`,
    // `formerly known as`) when an address line with a number follows.
    let numbered = lines
        .iter()
        .position(|&l| page.lines[l].text.chars().any(|c| c.is_ascii_digit()));
    let mut addr: Vec<usize> = Vec::new();
    for (i, &l) in lines.iter().enumerate() {
        let text = &page.lines[l].text;
        if addr.is_empty() && is_registration(text) {
            continue;
        }
        if addr.is_empty() && numbered.is_some_and(|n| i < n) && !names_a_street(text) {
            continue;
        }
        if is_registration(text) || addr.len() >= 5 {
            break;
        }
        addr.push(l);
    }
    if addr.is_empty() {
        return;
    }
    // A Spanish address is repaired in its value below (abbreviations such
    // as `Avda.` keep their period there); elsewhere the commas OCR offered
    // and a Malaysian address's misread words are put back in what it prints.
    let texts: Vec<String> = if ctx.repairs("es") {
        addr.iter().map(|&l| page.lines[l].text.clone()).collect()
    } else {
        let read: Vec<String> = addr
            .iter()
            .enumerate()
            .map(|(k, &l)| address_line_text(&page.lines[l], k + 1 == addr.len()))
            .collect();
        if ctx.repairs("malaysia") {
            repair_malaysian_address(&read).unwrap_or(read)
        } else {
            read
        }
    };
    let spans: Vec<Span> = addr.iter().map(|&l| page.line_span(l)).collect();
    let conf = spans.iter().map(|&s| page.span_confidence(s)).sum::<f32>() / spans.len() as f32;
    let joined = join_address(&texts);
    party.address = Some(Field {
        value: if ctx.repairs("es") {
            repair_spanish_address(&joined)
        } else {
            joined
        },
        raw: texts.join("\n"),
        confidence: round3(conf * 0.8),
        bbox: page.spans_quad(&spans),
        label: None,
        label_box: None,
        page: None,
        source: Source::Layout,
        reconstructed: false,
    });
}

/// Words that name a street, a building or a district in an address line
/// without a number (`JALAN PERMAS UTARA`, `Polígono Industrial Sur`).
const STREET_WORDS: &[&str] = &[
    // Malay
    "jalan",
    "jln",
    "lorong",
    "lot",
    "taman",
    "tmn",
    "kawasan",
    "bangunan",
    "wisma",
    "menara",
    "persiaran",
    "lebuhraya",
    "kampung",
    "kg",
    "bandar",
    "blok",
    "pusat",
    "level",
    // Spanish
    "calle",
    "c",
    "avenida",
    "avda",
    "av",
    "plaza",
    "pza",
    "paseo",
    "ronda",
    "camino",
    "carretera",
    "ctra",
    "poligono",
    "pol",
    "urbanizacion",
    "urb",
    "travesia",
    "glorieta",
    "rambla",
    "via",
    "edificio",
    "local",
    "centro",
    "parque",
    "barrio",
    // English
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "suite",
    "building",
    "unit",
    "floor",
    "flr",
    "block",
    "mall",
    "centre",
    "center",
];

/// Whether a line names a street or building (see [`STREET_WORDS`]).
fn names_a_street(text: &str) -> bool {
    text.split_whitespace()
        .map(norm_word)
        .any(|w| STREET_WORDS.contains(&w.as_str()))
}

/// Address lines joined with `", "`, except where a line already ends with
/// punctuation or a floor, or the next opens a parenthesis (the printed
/// commas stay).
pub fn join_address(lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        let l = l.trim();
        if !out.is_empty() {
            // A floor (`4º`) continues with its door (`1ª`, `B`) on the next line.
            if out.ends_with([',', ';', '-', 'º', '°']) || l.starts_with('(') {
                out.push(' ');
            } else {
                out.push_str(", ");
            }
        }
        out.push_str(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::tax_ids;
    use crate::layout::Page;
    use grace_invoice_rules::{DateOrder, Locale};

    fn run(text: &str) -> (Party, Party) {
        let page = Page::from_text(text);
        let ctx = Ctx::new(&page, Locale::EsEs, DateOrder::DayFirst).with_repairs(&["es"]);
        let ids = tax_ids(&page);
        parties(&ctx, &ids)
    }

    #[test]
    fn vendor_on_top_customer_under_heading() {
        let (v, c) = run(
            "FACTURA\nFerretería Núñez S.L.\nCalle Mayor 12\n28001 Madrid\nNIF: B12345674\n\nCliente:\nJuan Pérez García\nAvda. de la Paz 3\nNIF: 12345678Z",
        );
        assert_eq!(v.name.unwrap().value, "Ferretería Núñez S.L.");
        assert_eq!(v.address.unwrap().value, "Calle Mayor 12, 28001 Madrid");
        assert_eq!(v.tax_id.unwrap().value, "B12345674");
        assert_eq!(c.name.unwrap().value, "Juan Pérez García");
        assert_eq!(c.tax_id.unwrap().value, "12345678Z");
    }

    #[test]
    fn company_suffix_line_and_registration_skipped() {
        let (v, _) = run(
            "MR D.I.Y. (JOHOR) SDN BHD\n(CO.REG : 860671-D)\nLOT 1851-A & 1851-B, JALAN KPB 6,\nKAWASAN PERINDUSTRIAN BALAKONG,\nGST ID NO : 000306020352",
        );
        assert_eq!(v.name.unwrap().value, "MR D.I.Y. (JOHOR) SDN BHD");
        let a = v.address.unwrap();
        assert_eq!(
            a.value,
            "LOT 1851-A & 1851-B, JALAN KPB 6, KAWASAN PERINDUSTRIAN BALAKONG,"
        );
        assert_eq!(
            a.raw,
            "LOT 1851-A & 1851-B, JALAN KPB 6,\nKAWASAN PERINDUSTRIAN BALAKONG,"
        );
    }

    #[test]
    fn date_and_tax_id_between_name_and_address_are_stepped_over() {
        let (v, _) = run(
            "UNIHAKKA INTERNATIONAL SDN BHD\n05 Mar 2018 18:24\n(867388-U)\n12, Jalan Tampoi 7/4\nTampoi,81200 Johor Bahru,Johor\nTAX INVOICE",
        );
        assert_eq!(v.name.unwrap().value, "UNIHAKKA INTERNATIONAL SDN BHD");
        assert_eq!(
            v.address.unwrap().raw,
            "12, Jalan Tampoi 7/4\nTampoi,81200 Johor Bahru,Johor"
        );
        let (v, _) = run("Librería Sol S.L.\nNIF: B12345674\nCalle Mayor 12\n28001 Madrid");
        assert_eq!(v.address.unwrap().value, "Calle Mayor 12, 28001 Madrid");
        assert_eq!(v.tax_id.unwrap().value, "B12345674");
    }

    fn run_en(text: &str) -> Party {
        let page = Page::from_text(text);
        let ctx = Ctx::new(&page, Locale::EnUs, DateOrder::DayFirst).with_repairs(&["malaysia"]);
        let ids = tax_ids(&page);
        parties(&ctx, &ids).0
    }

    #[test]
    fn an_address_ends_at_a_careline_a_split_tel_label_or_a_table() {
        for stop in [
            "myNEWS careline: 1800 88 1231",
            "T EL: 03 - 8079 0255",
            "TABLE A10",
        ] {
            let v = run_en(&format!(
                "KEDAI MAJU SDN BHD\n75, JALAN SS 22/19, DAMANSARA JAYA,\n47400 PETALING JAYA\n{stop}\nTHANK YOU"
            ));
            assert_eq!(
                v.address.unwrap().raw,
                "75, JALAN SS 22/19, DAMANSARA JAYA,\n47400 PETALING JAYA",
                "{stop}"
            );
        }
    }

    #[test]
    fn a_street_number_is_not_a_company_number() {
        let v = run_en(
            "FUYI MINIMARKET\nBR No.: 0195932-X\nNO 43-45-47G\nTAMAN SEJATI,\n45600 BATANG BERJUNTAI\nGST No.: 001601310720",
        );
        assert_eq!(
            v.address.unwrap().raw,
            "NO 43-45-47G\nTAMAN SEJATI,\n45600 BATANG BERJUNTAI"
        );
        assert!(is_registration("(801580-T)"));
        assert!(is_registration("789417-W"));
        assert!(!is_registration("NO 43-45-47G"));
    }

    #[test]
    fn a_malaysian_address_gets_its_misread_words_back() {
        let v = run_en(
            "BOOK TA.K SDN BHD\nNO. 53, JALAN ESAR,\n45600 BAIANG BERJUNTAI\nSELANGORDARUL EHSAN\nGST ID: 000306020352",
        );
        assert_eq!(
            v.address.unwrap().raw,
            "NO. 53, JALAN BESAR,\n45600 BATANG BERJUNTAI\nSELANGOR DARUL EHSAN"
        );
    }

    #[test]
    fn a_title_on_the_name_row_is_not_the_name() {
        assert_eq!(
            strip_trailing_title("Comercial Álvarez e Hijos S.L. ABONO - FACTURA RECTIFICATIVA"),
            "Comercial Álvarez e Hijos S.L."
        );
        assert_eq!(
            strip_trailing_title("TICKET RESTAURANT SA"),
            "TICKET RESTAURANT SA"
        );
        assert_eq!(
            strip_trailing_title("Bar Factura Rápida"),
            "Bar Factura Rápida"
        );
    }

    #[test]
    fn address_join_keeps_printed_commas() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            join_address(&l(&["Calle A 1", "28001 Madrid"])),
            "Calle A 1, 28001 Madrid"
        );
        assert_eq!(join_address(&l(&["NO 5,", "JALAN X"])), "NO 5, JALAN X");
        assert_eq!(
            join_address(&l(&["Calle Real, 206, 4º", "1ª, 08225 Terrassa"])),
            "Calle Real, 206, 4º 1ª, 08225 Terrassa"
        );
    }
}
