//! Spanish tax ids (NIF/DNI, NIE, CIF) and Spanish IBANs with correct control characters.

use crate::rng::Rng;

/// Control letters of DNI/NIE numbers, indexed by `number % 23`.
pub const NIF_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
/// CIF control letters, indexed by the control digit.
pub const CIF_LETTERS: &[u8; 10] = b"JABCDEFGHI";
/// Real Spanish bank codes (entidad) used for generated IBANs.
pub const BANK_CODES: &[&str] = &[
    "2100", "0049", "0182", "0081", "0128", "2085", "3058", "0075", "0487", "1465", "2080", "0073",
];

/// Control letter of a DNI number (0..=99_999_999).
pub fn nif_letter(number: u32) -> char {
    NIF_LETTERS[(number % 23) as usize] as char
}

/// A random DNI-style NIF: eight digits and the control letter.
pub fn random_dni(rng: &mut Rng) -> String {
    let n = rng.range(1_000_000, 99_999_999) as u32;
    format!("{n:08}{}", nif_letter(n))
}

/// A random NIE: X/Y/Z, seven digits and the control letter.
pub fn random_nie(rng: &mut Rng) -> String {
    let prefix = rng.below(3) as u32;
    let n = rng.range(0, 9_999_999) as u32;
    let full = prefix * 10_000_000 + n;
    format!(
        "{}{n:07}{}",
        ['X', 'Y', 'Z'][prefix as usize],
        nif_letter(full)
    )
}

/// CIF control digit (0..=9) of the seven digits after the organization letter.
pub fn cif_control_digit(digits7: &str) -> u32 {
    let d: Vec<u32> = digits7.chars().filter_map(|c| c.to_digit(10)).collect();
    assert_eq!(d.len(), 7, "a CIF body has seven digits");
    let even: u32 = d[1] + d[3] + d[5];
    let odd: u32 = [d[0], d[2], d[4], d[6]]
        .iter()
        .map(|&x| {
            let p = 2 * x;
            p / 10 + p % 10
        })
        .sum();
    (10 - (even + odd) % 10) % 10
}

/// Whether organization letter `org` takes a letter (not a digit) as CIF control.
pub fn cif_uses_letter(org: char) -> bool {
    matches!(org, 'P' | 'Q' | 'R' | 'S' | 'W' | 'N' | 'K' | 'L' | 'M')
}

/// Builds a CIF from its organization letter, province code and five-digit sequence.
pub fn cif(org: char, province: u32, sequence: u32) -> String {
    let body = format!("{:02}{:05}", province % 100, sequence % 100_000);
    let digit = cif_control_digit(&body);
    let control = if cif_uses_letter(org) {
        CIF_LETTERS[digit as usize] as char
    } else {
        char::from_digit(digit, 10).unwrap()
    };
    format!("{org}{body}{control}")
}

/// A random company CIF (mostly S.L. `B` and S.A. `A`) registered in `province`.
pub fn random_cif(rng: &mut Rng, province: u32) -> String {
    let org = *rng.pick(&['B', 'B', 'B', 'B', 'A', 'A', 'J', 'G', 'E', 'F']);
    cif(org, province, rng.range(0, 99_999) as u32)
}

/// The two CCC control digits of a Spanish account (bank 4, branch 4, account 10 digits).
pub fn ccc_control_digits(bank: &str, branch: &str, account: &str) -> String {
    const W: [u32; 10] = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
    let digit = |s: &str| -> u32 {
        let sum: u32 = s
            .chars()
            .zip(W.iter())
            .map(|(c, w)| c.to_digit(10).expect("digits") * w)
            .sum();
        match 11 - sum % 11 {
            11 => 0,
            10 => 1,
            d => d,
        }
    };
    format!("{}{}", digit(&format!("00{bank}{branch}")), digit(account))
}

/// IBAN check digits (2..=98) for a country code and BBAN.
pub fn iban_check_digits(country: &str, bban: &str) -> u32 {
    let rearranged = format!("{bban}{country}00");
    98 - mod97(&rearranged)
}

/// Remainder modulo 97 of an alphanumeric string read as an IBAN number (A=10 … Z=35).
pub fn mod97(s: &str) -> u32 {
    let mut rem: u64 = 0;
    for c in s.chars() {
        let v = c.to_digit(36).expect("alphanumeric") as u64;
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem as u32
}

/// A random valid Spanish IBAN without spaces (`ES` + 22 digits).
pub fn random_iban_es(rng: &mut Rng) -> String {
    let bank = *rng.pick(BANK_CODES);
    let branch = format!("{:04}", rng.range(1, 9999));
    let account = format!("{:010}", rng.range(0, 9_999_999_999));
    let dc = ccc_control_digits(bank, &branch, &account);
    let bban = format!("{bank}{branch}{dc}{account}");
    format!("ES{:02}{bban}", iban_check_digits("ES", &bban))
}

/// An IBAN in groups of four characters (`ES91 2100 0418 4502 0005 1332`).
pub fn format_iban(iban: &str) -> String {
    let chars: Vec<char> = iban.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    // Independent checkers, written from the official rules (not reusing the generators).
    pub(crate) fn valid_dni(s: &str) -> bool {
        s.len() == 9
            && s[..8].chars().all(|c| c.is_ascii_digit())
            && NIF_LETTERS[(s[..8].parse::<u32>().unwrap() % 23) as usize] as char
                == s.chars().last().unwrap()
    }

    pub(crate) fn valid_nie(s: &str) -> bool {
        let first = s.chars().next().unwrap();
        let p = match first {
            'X' => '0',
            'Y' => '1',
            'Z' => '2',
            _ => return false,
        };
        valid_dni(&format!("{p}{}", &s[1..]))
    }

    pub(crate) fn valid_cif(s: &str) -> bool {
        let b = s.as_bytes();
        if b.len() != 9 || !b"ABCDEFGHJNPQRSUVW".contains(&b[0]) {
            return false;
        }
        let mut sum = 0;
        for (i, c) in s[1..8].chars().enumerate() {
            let Some(d) = c.to_digit(10) else {
                return false;
            };
            sum += if i % 2 == 0 {
                (2 * d) / 10 + (2 * d) % 10
            } else {
                d
            };
        }
        let digit = (10 - sum % 10) % 10;
        let last = b[8] as char;
        last == char::from_digit(digit, 10).unwrap()
            || last == b"JABCDEFGHI"[digit as usize] as char
    }

    pub(crate) fn valid_iban(s: &str) -> bool {
        let rearranged = format!("{}{}", &s[4..], &s[..4]);
        let digits: String = rearranged
            .chars()
            .map(|c| c.to_digit(36).unwrap().to_string())
            .collect();
        let mut rem = 0u32;
        for c in digits.chars() {
            rem = (rem * 10 + c.to_digit(10).unwrap()) % 97;
        }
        rem == 1
    }

    pub(crate) fn valid_es_ccc(iban: &str) -> bool {
        let (bank, branch, dc, account) = (&iban[4..8], &iban[8..12], &iban[12..14], &iban[14..24]);
        let w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
        let ctl = |s: String| {
            let sum: u32 = s
                .chars()
                .zip(w)
                .map(|(c, w)| c.to_digit(10).unwrap() * w)
                .sum();
            let d = 11 - sum % 11;
            if d == 11 {
                0
            } else if d == 10 {
                1
            } else {
                d
            }
        };
        let d1 = ctl(format!("00{bank}{branch}"));
        let d2 = ctl(account.to_string());
        dc == format!("{d1}{d2}")
    }

    #[test]
    fn known_vectors() {
        assert_eq!(nif_letter(12_345_678), 'Z');
        assert!(valid_dni("12345678Z"));
        assert!(valid_nie("X1234567L"));
        assert_eq!(cif('B', 12, 34567), "B12345674");
        assert!(valid_cif("B12345674"));
        assert!(valid_cif("Q2826000H"));
        assert_eq!(cif('Q', 28, 26000), "Q2826000H");
        assert!(valid_iban("ES9121000418450200051332"));
        assert!(valid_es_ccc("ES9121000418450200051332"));
        assert_eq!(ccc_control_digits("2100", "0418", "0200051332"), "45");
        assert_eq!(iban_check_digits("ES", "21000418450200051332"), 91);
        assert_eq!(
            format_iban("ES9121000418450200051332"),
            "ES91 2100 0418 4502 0005 1332"
        );
    }

    #[test]
    fn generated_ids_validate() {
        let mut r = Rng::new(99);
        for _ in 0..2000 {
            let d = random_dni(&mut r);
            assert!(valid_dni(&d), "{d}");
            let n = random_nie(&mut r);
            assert!(valid_nie(&n), "{n}");
            let prov = r.range(1, 52) as u32;
            let c = random_cif(&mut r, prov);
            assert!(valid_cif(&c), "{c}");
            let i = random_iban_es(&mut r);
            assert_eq!(i.len(), 24);
            assert!(valid_iban(&i), "{i}");
            assert!(valid_es_ccc(&i), "{i}");
        }
    }
}
