//! The deterministic RNG and the mutators.

use crate::MAX_INPUT_LEN;

/// xorshift64* (Vigna): small, fast, deterministic from its seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value; zero is remapped).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// FNV-1a of `data`: seeds per target name, selectors per input.
    pub fn hash(data: &[u8]) -> u64 {
        data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability 1/`n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// A length biased to small values: mostly 1–8, sometimes up to `max`.
    pub fn len(&mut self, max: usize) -> usize {
        let max = max.max(1);
        match self.below(10) {
            0..=6 => 1 + self.below(8.min(max)),
            7 | 8 => 1 + self.below(64.min(max)),
            _ => 1 + self.below(max),
        }
    }
}

/// Bytes worth trying anywhere.
pub const INTERESTING_BYTES: [u8; 4] = [0x00, 0xFF, 0x7F, 0x80];
/// Wider values for length and size fields.
const INTERESTING_U32: [u32; 10] = [
    0,
    1,
    0x7F,
    0xFF,
    0x7FFF,
    0xFFFF,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFFF,
    0x1_0000 - 2,
];
/// Numbers worth putting where a text format has a number.
const INTERESTING_NUMBERS: [&str; 14] = [
    "0",
    "-1",
    "1",
    "-0",
    "0.0000001",
    "99999999999999999999",
    "18446744073709551616",
    "-9223372036854775809",
    "1e308",
    "1e-400",
    "NaN",
    "4294967296",
    "2147483648",
    "1.",
];

/// Returns a mutant of `base`: one to four stacked mutations, `other` for
/// splicing, token-level ones too when `text` is set.
pub fn mutate(rng: &mut Rng, base: &[u8], other: &[u8], text: bool) -> Vec<u8> {
    let mut data = base.to_vec();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let choice = if text && rng.one_in(2) {
            100 + rng.below(7)
        } else {
            rng.below(11)
        };
        match choice {
            0 => bit_flip(rng, &mut data),
            1 => interesting_byte(rng, &mut data),
            2 => interesting_word(rng, &mut data),
            3 => insert_run(rng, &mut data),
            4 => delete_run(rng, &mut data),
            5 => duplicate_chunk(rng, &mut data),
            6 => splice(rng, &mut data, other),
            7 => truncate(rng, &mut data),
            8 => overwrite_from(rng, &mut data, other),
            9 => random_byte(rng, &mut data),
            10 => swap_chunks(rng, &mut data),
            100 => repeat_tag(rng, &mut data),
            101 => nest_deeper(rng, &mut data),
            102 => swap_digits(rng, &mut data),
            103 => interesting_number(rng, &mut data),
            104 => drop_token(rng, &mut data),
            105 => insert_token_from(rng, &mut data, other),
            _ => repeat_punctuation(rng, &mut data),
        }
    }
    data.truncate(MAX_INPUT_LEN);
    data
}

fn bit_flip(rng: &mut Rng, d: &mut [u8]) {
    if !d.is_empty() {
        let i = rng.below(d.len());
        d[i] ^= 1 << rng.below(8);
    }
}

fn random_byte(rng: &mut Rng, d: &mut [u8]) {
    if !d.is_empty() {
        let i = rng.below(d.len());
        d[i] = rng.next_u64() as u8;
    }
}

fn interesting_byte(rng: &mut Rng, d: &mut [u8]) {
    if !d.is_empty() {
        let i = rng.below(d.len());
        d[i] = INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())];
    }
}

fn interesting_word(rng: &mut Rng, d: &mut [u8]) {
    let v = INTERESTING_U32[rng.below(INTERESTING_U32.len())];
    let width = if rng.one_in(2) { 2 } else { 4 };
    if d.len() < width {
        return;
    }
    let i = rng.below(d.len() - width + 1);
    let bytes = if rng.one_in(2) {
        v.to_be_bytes()
    } else {
        v.to_le_bytes()
    };
    let src = if width == 2 {
        if rng.one_in(2) {
            &bytes[2..]
        } else {
            &bytes[..2]
        }
    } else {
        &bytes[..]
    };
    d[i..i + width].copy_from_slice(src);
}

fn insert_run(rng: &mut Rng, d: &mut Vec<u8>) {
    let at = rng.below(d.len() + 1);
    let n = rng.len(256);
    let run: Vec<u8> = if rng.one_in(2) {
        let b = if rng.one_in(2) {
            INTERESTING_BYTES[rng.below(4)]
        } else {
            rng.next_u64() as u8
        };
        vec![b; n]
    } else {
        (0..n).map(|_| rng.next_u64() as u8).collect()
    };
    d.splice(at..at, run);
}

fn delete_run(rng: &mut Rng, d: &mut Vec<u8>) {
    if d.is_empty() {
        return;
    }
    let at = rng.below(d.len());
    let n = rng.len(d.len() - at);
    d.drain(at..at + n.min(d.len() - at));
}

fn duplicate_chunk(rng: &mut Rng, d: &mut Vec<u8>) {
    if d.is_empty() {
        return;
    }
    let from = rng.below(d.len());
    let n = rng.len(d.len() - from).min(d.len() - from);
    let chunk = d[from..from + n].to_vec();
    let times = if rng.one_in(4) { 1 + rng.below(16) } else { 1 };
    let at = rng.below(d.len() + 1);
    for _ in 0..times {
        if d.len() + chunk.len() > MAX_INPUT_LEN {
            break;
        }
        d.splice(at..at, chunk.iter().copied());
    }
}

fn splice(rng: &mut Rng, d: &mut Vec<u8>, other: &[u8]) {
    let cut = rng.below(d.len() + 1);
    let from = rng.below(other.len() + 1);
    d.truncate(cut);
    d.extend_from_slice(&other[from..]);
}

fn overwrite_from(rng: &mut Rng, d: &mut [u8], other: &[u8]) {
    if d.is_empty() || other.is_empty() {
        return;
    }
    let from = rng.below(other.len());
    let at = rng.below(d.len());
    let n = rng
        .len(other.len() - from)
        .min(other.len() - from)
        .min(d.len() - at);
    d[at..at + n].copy_from_slice(&other[from..from + n]);
}

fn truncate(rng: &mut Rng, d: &mut Vec<u8>) {
    if !d.is_empty() {
        let keep = rng.below(d.len());
        d.truncate(keep);
    }
}

fn swap_chunks(rng: &mut Rng, d: &mut [u8]) {
    if d.len() < 4 {
        return;
    }
    let n = rng.len(d.len() / 2).min(d.len() / 2);
    let a = rng.below(d.len() - 2 * n + 1);
    let b = a + n + rng.below(d.len() - a - 2 * n + 1);
    for k in 0..n {
        d.swap(a + k, b + k);
    }
}

/// Byte ranges of `<...>` tags.
fn tags(d: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < d.len() {
        if d[i] == b'<' {
            if let Some(end) = d[i..].iter().take(512).position(|&c| c == b'>') {
                out.push((i, i + end + 1));
                i += end + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Repeats one tag (or, with no tags, a JSON/PDF bracket group) in place.
fn repeat_tag(rng: &mut Rng, d: &mut Vec<u8>) {
    let t = tags(d);
    if t.is_empty() {
        return duplicate_chunk(rng, d);
    }
    let (a, b) = t[rng.below(t.len())];
    // An element with its content when the closing tag follows.
    let tag = d[a..b].to_vec();
    let name_end = tag[1..]
        .iter()
        .position(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
        .map_or(tag.len(), |p| p + 1);
    let mut close = b"</".to_vec();
    close.extend_from_slice(&tag[1..name_end]);
    close.push(b'>');
    let end = find(&d[b..], &close).map_or(b, |p| b + p + close.len());
    let chunk = d[a..end].to_vec();
    let cap = if rng.one_in(8) { 200 } else { 4 };
    let times = 1 + rng.below(cap);
    for _ in 0..times {
        if d.len() + chunk.len() > crate::MAX_INPUT_LEN {
            break;
        }
        d.splice(end..end, chunk.iter().copied());
    }
}

/// Wraps a span in many more levels of one tag (`<a>` … `</a>`), or of
/// `[`/`{` in JSON.
fn nest_deeper(rng: &mut Rng, d: &mut Vec<u8>) {
    let cap = if rng.one_in(4) { 5000 } else { 20 };
    let levels = 1 + rng.below(cap);
    let t = tags(d);
    let (open, close) = if let Some(&(a, b)) = t.get(rng.below(t.len().max(1))) {
        let tag = &d[a..b];
        let name_end = tag[1..]
            .iter()
            .position(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
            .map_or(tag.len(), |p| p + 1);
        let name = &tag[1..name_end];
        if name
            .first()
            .is_some_and(|c| *c == b'/' || *c == b'?' || *c == b'!')
        {
            return;
        }
        let mut open = b"<".to_vec();
        open.extend_from_slice(name);
        open.push(b'>');
        let mut close = b"</".to_vec();
        close.extend_from_slice(name);
        close.push(b'>');
        (open, close)
    } else if rng.one_in(2) {
        (b"[".to_vec(), b"]".to_vec())
    } else {
        (b"{\"a\":".to_vec(), b"}".to_vec())
    };
    let a = rng.below(d.len() + 1);
    let b = a + rng.below(d.len() - a + 1);
    let budget = crate::MAX_INPUT_LEN.saturating_sub(d.len()) / (open.len() + close.len());
    let levels = levels.min(budget);
    let tail = d.split_off(b);
    let mid = d.split_off(a);
    for _ in 0..levels {
        d.extend_from_slice(&open);
    }
    d.extend_from_slice(&mid);
    for _ in 0..levels {
        d.extend_from_slice(&close);
    }
    d.extend_from_slice(&tail);
}

/// Changes digits: one to another, two swapped, or a run made long.
fn swap_digits(rng: &mut Rng, d: &mut Vec<u8>) {
    let digits: Vec<usize> = (0..d.len()).filter(|&i| d[i].is_ascii_digit()).collect();
    if digits.is_empty() {
        return;
    }
    let i = digits[rng.below(digits.len())];
    match rng.below(3) {
        0 => d[i] = b'0' + rng.below(10) as u8,
        1 => {
            let j = digits[rng.below(digits.len())];
            d.swap(i, j);
        }
        _ => {
            let n = rng.len(400);
            let run: Vec<u8> = (0..n).map(|_| b'0' + rng.below(10) as u8).collect();
            d.splice(i..i, run);
        }
    }
}

/// Replaces one number with an interesting one.
fn interesting_number(rng: &mut Rng, d: &mut Vec<u8>) {
    let digits: Vec<usize> = (0..d.len()).filter(|&i| d[i].is_ascii_digit()).collect();
    if digits.is_empty() {
        return;
    }
    let mut a = digits[rng.below(digits.len())];
    while a > 0 && (d[a - 1].is_ascii_digit() || d[a - 1] == b'.' || d[a - 1] == b'-') {
        a -= 1;
    }
    let mut b = a;
    while b < d.len() && (d[b].is_ascii_digit() || d[b] == b'.' || d[b] == b',') {
        b += 1;
    }
    let n = INTERESTING_NUMBERS[rng.below(INTERESTING_NUMBERS.len())];
    d.splice(a..b, n.bytes());
}

/// Removes one tag or one quoted string.
fn drop_token(rng: &mut Rng, d: &mut Vec<u8>) {
    let t = tags(d);
    if !t.is_empty() && rng.one_in(2) {
        let (a, b) = t[rng.below(t.len())];
        d.drain(a..b);
        return;
    }
    let quotes: Vec<usize> = (0..d.len()).filter(|&i| d[i] == b'"').collect();
    if quotes.len() >= 2 {
        let k = rng.below(quotes.len() - 1);
        d.drain(quotes[k]..=quotes[k + 1]);
    }
}

/// Inserts a tag or quoted string of `other` somewhere in `d`.
fn insert_token_from(rng: &mut Rng, d: &mut Vec<u8>, other: &[u8]) {
    let t = tags(other);
    let token: Vec<u8> = if !t.is_empty() && rng.one_in(2) {
        let (a, b) = t[rng.below(t.len())];
        other[a..b].to_vec()
    } else {
        let quotes: Vec<usize> = (0..other.len()).filter(|&i| other[i] == b'"').collect();
        if quotes.len() < 2 {
            return;
        }
        let k = rng.below(quotes.len() - 1);
        other[quotes[k]..=quotes[k + 1]].to_vec()
    };
    let at = rng.below(d.len() + 1);
    d.splice(at..at, token);
}

/// Repeats a structural character (`<`, `&`, `"`, `{`, `%`, `/`, …).
fn repeat_punctuation(rng: &mut Rng, d: &mut Vec<u8>) {
    const P: &[u8] = b"<>&;\"'{}[]:,=%/\\\r\n-+#";
    let c = P[rng.below(P.len())];
    let n = rng.len(1000);
    let at = rng.below(d.len() + 1);
    d.splice(at..at, std::iter::repeat_n(c, n));
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn mutants_stay_bounded_and_mutators_do_not_panic() {
        let mut rng = Rng::new(1);
        let seeds: [&[u8]; 4] = [
            b"",
            b"x",
            b"<a><b c=\"1\">12.50</b></a>",
            b"{\"k\": [1, 2, {\"v\": \"s\"}]}",
        ];
        for i in 0..20_000 {
            let base = seeds[i % seeds.len()];
            let other = seeds[(i / 4) % seeds.len()];
            let m = mutate(&mut rng, base, other, i % 2 == 0);
            assert!(m.len() <= MAX_INPUT_LEN);
        }
    }
}
