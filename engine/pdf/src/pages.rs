//! Page selections such as `"1-3,7,10-"`.

use crate::PdfError;

/// A parsed page selection: inclusive 1-based ranges, `None` meaning "to the end".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageSelection {
    ranges: Vec<(usize, Option<usize>)>,
}

impl PageSelection {
    /// Every page.
    pub fn all() -> Self {
        PageSelection {
            ranges: vec![(1, None)],
        }
    }

    /// Parses a comma-separated list of pages (`3`) and ranges (`2-5`, `4-`).
    pub fn parse(spec: &str) -> Result<Self, PdfError> {
        let bad = |why: &str| PdfError::BadPages(format!("{spec:?}: {why}"));
        let number = |s: &str| -> Result<usize, PdfError> {
            match s.trim().parse::<usize>() {
                Ok(0) => Err(bad("pages are numbered from 1")),
                Ok(n) => Ok(n),
                Err(_) => Err(bad(&format!("{:?} is not a page number", s.trim()))),
            }
        };
        let mut ranges = Vec::new();
        for part in spec.split(',') {
            let range = match part.split_once('-') {
                None => {
                    let n = number(part)?;
                    (n, Some(n))
                }
                Some((first, last)) if last.trim().is_empty() => (number(first)?, None),
                Some((first, last)) => {
                    let (first, last) = (number(first)?, number(last)?);
                    if last < first {
                        return Err(bad(&format!("range {first}-{last} runs backwards")));
                    }
                    (first, Some(last))
                }
            };
            ranges.push(range);
        }
        Ok(PageSelection { ranges })
    }

    /// The selected 1-based page numbers of a document of `count` pages, in
    /// document order without repeats; a page past the end is an error.
    pub fn resolve(&self, count: usize) -> Result<Vec<usize>, PdfError> {
        let mut pages = Vec::new();
        for &(first, last) in &self.ranges {
            let last = last.unwrap_or(count.max(first));
            if last > count {
                return Err(PdfError::PageOutOfRange { page: last, count });
            }
            pages.extend(first..=last);
        }
        pages.sort_unstable();
        pages.dedup();
        Ok(pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_resolves() {
        let s = PageSelection::parse("5-, 2-3,3,1").unwrap();
        assert_eq!(s.resolve(6).unwrap(), vec![1, 2, 3, 5, 6]);
        assert_eq!(PageSelection::all().resolve(3).unwrap(), vec![1, 2, 3]);
        assert!(matches!(
            PageSelection::parse("2-9").unwrap().resolve(3),
            Err(PdfError::PageOutOfRange { page: 9, count: 3 })
        ));
        assert!(matches!(
            PageSelection::parse("4-").unwrap().resolve(3),
            Err(PdfError::PageOutOfRange { page: 4, count: 3 })
        ));
    }

    #[test]
    fn rejects_nonsense() {
        for spec in ["", "0", "a", "3-1", "1-2-3", "-2"] {
            let e = PageSelection::parse(spec).unwrap_err();
            assert!(matches!(e, PdfError::BadPages(_)), "{spec}: {e}");
        }
    }
}
