//! Validators and parsers for invoice fields: tax ids, IBAN, amounts, dates
