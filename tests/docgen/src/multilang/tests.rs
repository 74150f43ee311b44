use super::*;
use crate::country::Country;
use crate::intl_ids::check::{valid_iban, valid_vat_id};
use crate::invoice::{div_round, tax_of};

fn fonts() -> &'static FontSet {
    system_fonts().expect("system fonts installed (apt-get install fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf)")
}

fn spec(language: Language, kind: DocumentKind, style: Style, seed: u64) -> DocSpec {
    DocSpec {
        language,
        kind,
        style,
        seed,
        degradation: Degradation::none(),
    }
}

/// Cents of a normalized truth amount (`-1234.56`).
fn cents(s: &str) -> i64 {
    let neg = s.starts_with('-');
    let v: i64 = s.trim_start_matches('-').replace('.', "").parse().unwrap();
    if neg {
        -v
    } else {
        v
    }
}

/// Cents of a printed amount in a money style (mark and separators dropped).
fn printed_cents(text: &str, decimal: char) -> i64 {
    let digits: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == decimal)
        .collect();
    let (i, f) = digits.rsplit_once(decimal).expect("decimal mark");
    i.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
}

fn all_text(doc: &MultiDoc) -> String {
    doc.pages
        .iter()
        .flat_map(|p| p.lines.iter().map(|l| l.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn same_spec_same_bytes() {
    for (lang, kind, style, seed, deg) in [
        (
            Language::De,
            DocumentKind::Invoice,
            Style::Tuning,
            3u64,
            Degradation::none(),
        ),
        (
            Language::Fr,
            DocumentKind::Receipt,
            Style::HeldOut,
            4,
            Degradation::random(4),
        ),
        (
            Language::Pt,
            DocumentKind::Invoice,
            Style::HeldOut,
            5,
            Degradation::none().rotate(2.0).jpeg(50),
        ),
    ] {
        let s = DocSpec {
            degradation: deg,
            ..spec(lang, kind, style, seed)
        };
        let a = generate_with(fonts(), s).unwrap();
        let b = generate_with(fonts(), s).unwrap();
        assert_eq!(a.pages.len(), b.pages.len());
        for (pa, pb) in a.pages.iter().zip(&b.pages) {
            assert_eq!(pa.file_bytes().unwrap(), pb.file_bytes().unwrap());
        }
        assert_eq!(a.truth_json(), b.truth_json());
        assert_eq!(a.text(), b.text());
        assert_eq!(a.pdf_with(fonts()).unwrap(), b.pdf_with(fonts()).unwrap());
    }
    let a = generate_with(
        fonts(),
        spec(Language::It, DocumentKind::Invoice, Style::Tuning, 1),
    )
    .unwrap();
    let b = generate_with(
        fonts(),
        spec(Language::It, DocumentKind::Invoice, Style::Tuning, 2),
    )
    .unwrap();
    assert_ne!(a.fields, b.fields);
}

#[test]
fn content_is_shared_by_both_styles() {
    let s = spec(Language::Nl, DocumentKind::Invoice, Style::Tuning, 9);
    let a = generate_with(fonts(), s).unwrap();
    let b = generate_with(
        fonts(),
        DocSpec {
            style: Style::HeldOut,
            ..s
        },
    )
    .unwrap();
    assert_eq!(a.fields, b.fields);
    assert_ne!(a.text(), b.text());
}

#[test]
fn amounts_are_consistent_and_ids_valid() {
    let mut untaxed = 0;
    for lang in Language::ALL {
        for seed in 0..150u64 {
            let kind = DocumentKind::ALL[(seed % 2) as usize];
            let doc = Content::random(kind, lang, seed % 7 == 0, &mut Rng::new(seed));
            assert!(Country::for_language(lang).contains(&doc.country));
            for it in &doc.items {
                assert_eq!(
                    it.amount_cents,
                    div_round(it.qty_milli * it.unit_cents, 1000)
                );
            }
            for g in &doc.groups {
                assert_eq!(g.tax, tax_of(g.base, g.rate_milli), "{lang:?} {seed}");
                let in_group: i64 = doc
                    .items
                    .iter()
                    .filter(|i| i.rate_milli == g.rate_milli)
                    .map(|i| i.amount_cents)
                    .sum();
                let want = if doc.prices_include_tax {
                    g.base + g.tax
                } else {
                    g.base
                };
                assert_eq!(in_group, want, "{lang:?} {seed}");
            }
            if doc.groups.is_empty() {
                untaxed += 1;
                assert_eq!(doc.country, Country::Us);
            }
            let want_items = if doc.prices_include_tax {
                doc.total()
            } else {
                doc.net()
            };
            assert_eq!(doc.items_sum(), want_items);
            let t = doc.truth();
            let bases: i64 = t.tax_lines.iter().map(|l| cents(&l.base)).sum();
            let taxes: i64 = t.tax_lines.iter().map(|l| cents(&l.amount)).sum();
            assert_eq!(cents(&t.tax_total), taxes);
            assert_eq!(cents(&t.total), cents(&t.subtotal) + cents(&t.tax_total));
            if !t.tax_lines.is_empty() {
                assert_eq!(cents(&t.subtotal), bases);
            }
            assert_eq!(t.language.as_deref(), Some(lang.code()));
            assert!(
                valid_vat_id(doc.country, &t.vendor_tax_id),
                "{}",
                t.vendor_tax_id
            );
            if let Some(c) = &t.customer_tax_id {
                assert!(valid_vat_id(doc.country, c), "{c}");
            }
            if let Some(iban) = &t.iban {
                assert!(valid_iban(doc.country, iban), "{iban}");
            }
            if kind == DocumentKind::Invoice && doc.country != Country::Us {
                assert!(t.iban.is_some());
            }
            if let Some(Settlement::Cash { given }) = doc.settlement {
                assert!(given >= doc.total());
            }
        }
    }
    assert!(untaxed > 0, "some US documents carry no sales tax");
}

#[test]
fn every_language_style_and_kind_renders_its_labels_and_fields() {
    for lang in Language::ALL {
        for style in Style::ALL {
            for kind in DocumentKind::ALL {
                let seed = 11;
                let doc = generate_with(fonts(), spec(lang, kind, style, seed)).unwrap();
                let text = all_text(&doc);
                let labels = style.labels(lang);
                let appears = |list: &[&str]| {
                    list.iter().any(|l| {
                        text.contains(
                            &l.replace("{tax}", &doc.content.tax_name)
                                .replace(" {rate}", ""),
                        )
                    })
                };
                let title = match kind {
                    DocumentKind::Invoice => labels.invoice_title,
                    DocumentKind::Receipt => labels.receipt_title,
                };
                let tag = format!("{lang:?} {style:?} {kind:?}");
                if kind == DocumentKind::Invoice || style == Style::Tuning {
                    let upper: Vec<String> = title.iter().map(|t| t.to_uppercase()).collect();
                    assert!(
                        appears(title) || upper.iter().any(|t| text.contains(t.as_str())),
                        "{tag}: no title"
                    );
                }
                // The letter family may print the number on the title's line instead.
                let titled = title
                    .iter()
                    .any(|t| text.contains(&format!("{t} {}", doc.content.number)));
                assert!(
                    appears(labels.invoice_number) || titled,
                    "{tag}: number label"
                );
                let totals: Vec<String> = labels.total.iter().map(|t| t.to_uppercase()).collect();
                assert!(
                    appears(labels.total) || totals.iter().any(|t| text.contains(t.as_str())),
                    "{tag}: total label"
                );
                if kind == DocumentKind::Invoice {
                    for list in [
                        labels.issue_date,
                        labels.due_date,
                        labels.net,
                        labels.description,
                    ] {
                        assert!(appears(list), "{tag}: {list:?}");
                    }
                }
                let t = &doc.fields;
                let decimal = doc.content.money.decimal;
                let mut seen: Vec<&str> = Vec::new();
                for page in &doc.pages {
                    for fb in &page.field_boxes {
                        seen.push(fb.field.as_str());
                        let q = fb.quad;
                        assert!(q.iter().all(|p| p[0] >= 0.0
                            && p[1] >= 0.0
                            && p[0] <= page.image.width() as f32
                            && p[1] <= page.image.height() as f32));
                        let want = match fb.field.as_str() {
                            "total" => Some(&t.total),
                            "subtotal" => Some(&t.subtotal),
                            "tax_total" => Some(&t.tax_total),
                            _ => None,
                        };
                        if let Some(w) = want {
                            assert_eq!(
                                printed_cents(&fb.text, decimal),
                                cents(w),
                                "{tag} {}",
                                fb.field
                            );
                        }
                        match fb.field.as_str() {
                            "invoice_number" => assert_eq!(fb.text, t.invoice_number),
                            "vendor_name" => assert_eq!(fb.text, t.vendor_name),
                            "iban" => {
                                assert_eq!(fb.text.replace(' ', ""), *t.iban.as_ref().unwrap())
                            }
                            "vendor_tax_id" => {
                                let squeezed: String = fb
                                    .text
                                    .replace(" MWST", "")
                                    .chars()
                                    .filter(|c| c.is_ascii_alphanumeric())
                                    .collect();
                                assert_eq!(squeezed, t.vendor_tax_id);
                            }
                            _ => {}
                        }
                    }
                }
                for f in [
                    "vendor_name",
                    "vendor_tax_id",
                    "invoice_number",
                    "issue_date",
                    "total",
                ] {
                    assert!(seen.contains(&f), "{tag}: {f} not drawn");
                }
            }
        }
    }
}

#[test]
fn long_invoices_continue_on_another_page() {
    let mut multi = 0;
    for style in Style::ALL {
        for seed in 0..12u64 {
            let s = spec(Language::De, DocumentKind::Invoice, style, seed);
            let mut probe = Rng::new(seed).fork(content_key(&s));
            if !probe.chance(0.2) {
                continue;
            }
            let doc = generate_with(fonts(), s).unwrap();
            assert!(doc.pages.len() > 1, "{style:?} seed {seed}");
            multi += 1;
            let last = doc.pages.last().unwrap();
            assert!(last.field_boxes.iter().any(|f| f.field == "total"));
            let first = &doc.pages[0];
            assert!(first
                .field_boxes
                .iter()
                .any(|f| f.field == "invoice_number"));
            let rows: usize = doc.pages.iter().map(|p| p.lines.len()).sum();
            assert!(rows > doc.content.items.len() * 4);
        }
    }
    assert!(multi >= 2);
}

#[test]
fn pdf_carries_every_page_and_its_text() {
    let doc = generate_with(
        fonts(),
        spec(Language::Fr, DocumentKind::Invoice, Style::Tuning, 7),
    )
    .unwrap();
    let pdf = doc.pdf_with(fonts()).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.4"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains(&format!("/Count {}", doc.pages.len())));
    assert!(text.contains("/FontFile2"));
}

#[test]
fn styles_differ_in_wording_and_fonts() {
    for lang in Language::ALL {
        let lex = lang.lexicon();
        let key = |l: &'static Labels| {
            [
                l.invoice_title,
                l.receipt_title,
                l.invoice_number,
                l.issue_date,
                l.due_date,
                l.seller,
                l.buyer,
                l.description,
                l.quantity,
                l.unit_price,
                l.tax_rate,
                l.amount,
                l.net,
                l.tax_line,
                l.tax_total,
                l.total,
                l.bank,
                l.iban,
                l.bic,
            ]
            .iter()
            .flat_map(|s| s.iter().map(|w| w.to_lowercase()))
            .collect::<Vec<_>>()
        };
        let tuning = key(&lex.tuning);
        for w in key(&lex.held_out) {
            assert!(!tuning.contains(&w), "{lang:?}: {w:?} in both styles");
        }
        for country in Country::for_language(lang) {
            let (a, b) = country.vat_id_labels(lang);
            assert!(a.iter().all(|x| !b.contains(x)));
        }
        assert!(!lex.tuning.all().is_empty());
    }
    for f in Style::Tuning
        .invoice_fonts()
        .iter()
        .chain(Style::Tuning.receipt_fonts())
    {
        assert!(
            !Style::HeldOut.invoice_fonts().contains(f)
                && !Style::HeldOut.receipt_fonts().contains(f)
        );
    }
}

#[test]
fn money_and_dates_follow_the_country() {
    use crate::country::MoneyStyle;
    use crate::invoice::Date;
    use crate::lang::DateStyle;
    let eur = MoneyStyle {
        currency: "EUR",
        group: crate::country::NARROW_NBSP,
        decimal: ',',
        mark: "€",
        mark_before: false,
        spaced: true,
    };
    assert_eq!(eur.with_mark(123456), "1\u{202F}234,56 €");
    let chf = MoneyStyle {
        currency: "CHF",
        group: "'",
        decimal: '.',
        mark: "CHF",
        mark_before: true,
        spaced: true,
    };
    assert_eq!(chf.with_mark(123456), "CHF 1'234.56");
    let d = Date {
        year: 2024,
        month: 3,
        day: 5,
    };
    assert_eq!(
        DateStyle::Long.format(d, Language::De, Country::De),
        "5. März 2024"
    );
    assert_eq!(
        DateStyle::Long.format(d, Language::Fr, Country::Fr),
        "5 mars 2024"
    );
    assert_eq!(
        DateStyle::Long.format(d, Language::En, Country::Us),
        "March 5, 2024"
    );
    assert_eq!(
        DateStyle::Long.format(d, Language::En, Country::Gb),
        "5 March 2024"
    );
    assert_eq!(
        DateStyle::Long.format(d, Language::Es, Country::Es),
        "5 de marzo de 2024"
    );
    assert_eq!(
        DateStyle::Long.format(d, Language::Nl, Country::Nl),
        "5 maart 2024"
    );
    assert_eq!(
        DateStyle::DayMonthYear('.').format(d, Language::De, Country::De),
        "05.03.2024"
    );
    assert_eq!(
        DateStyle::MonthDayYear('/').format(d, Language::En, Country::Us),
        "03/05/2024"
    );
    assert_eq!(
        DateStyle::Iso.format(d, Language::Nl, Country::Nl),
        "2024-03-05"
    );
    let jan = Date {
        year: 2024,
        month: 1,
        day: 1,
    };
    assert_eq!(
        DateStyle::Long.format(jan, Language::De, Country::At),
        "1. Jänner 2024"
    );
    assert_eq!(
        DateStyle::Long.format(jan, Language::Fr, Country::Be),
        "1er janvier 2024"
    );
}

#[test]
fn set_alternates_kinds() {
    let docs = set(Language::En, Style::HeldOut, 3, 0).unwrap();
    let kinds: Vec<DocumentKind> = docs.iter().map(|d| d.spec.kind).collect();
    assert_eq!(
        kinds,
        [
            DocumentKind::Invoice,
            DocumentKind::Invoice,
            DocumentKind::Receipt
        ]
    );
    assert!(docs.iter().all(|d| d.spec.style == Style::HeldOut));
}
