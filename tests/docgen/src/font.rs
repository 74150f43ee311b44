//! TrueType fonts from Debian packages, loaded by path.

use std::path::{Path, PathBuf};

use ab_glyph::FontVec;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Debian packages that provide the default font set of [`FontSet::system`].
pub const DEBIAN_FONT_PACKAGES: &[&str] = &[
    "fonts-dejavu-core",
    "fonts-liberation2",
    "fonts-freefont-ttf",
];

/// Directory where Debian installs TrueType fonts.
pub const SYSTEM_FONT_DIR: &str = "/usr/share/fonts/truetype";

/// A font family the generator knows how to find.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FontFamily {
    /// DejaVu Sans (fonts-dejavu-core).
    DejaVuSans,
    /// DejaVu Serif (fonts-dejavu-core).
    DejaVuSerif,
    /// DejaVu Sans Mono (fonts-dejavu-core).
    DejaVuSansMono,
    /// Liberation Sans, metric-compatible with Arial (fonts-liberation2).
    LiberationSans,
    /// Liberation Serif, metric-compatible with Times New Roman (fonts-liberation2).
    LiberationSerif,
    /// Liberation Mono, metric-compatible with Courier New (fonts-liberation2).
    LiberationMono,
    /// GNU FreeSans (fonts-freefont-ttf).
    FreeSans,
    /// GNU FreeSerif (fonts-freefont-ttf).
    FreeSerif,
    /// GNU FreeMono (fonts-freefont-ttf).
    FreeMono,
}

impl FontFamily {
    /// Every family, in a fixed order.
    pub const ALL: [FontFamily; 9] = [
        FontFamily::DejaVuSans,
        FontFamily::DejaVuSerif,
        FontFamily::DejaVuSansMono,
        FontFamily::LiberationSans,
        FontFamily::LiberationSerif,
        FontFamily::LiberationMono,
        FontFamily::FreeSans,
        FontFamily::FreeSerif,
        FontFamily::FreeMono,
    ];

    /// Proportional families (for invoices).
    pub const PROPORTIONAL: [FontFamily; 6] = [
        FontFamily::DejaVuSans,
        FontFamily::DejaVuSerif,
        FontFamily::LiberationSans,
        FontFamily::LiberationSerif,
        FontFamily::FreeSans,
        FontFamily::FreeSerif,
    ];

    /// Monospace families (for tickets).
    pub const MONOSPACE: [FontFamily; 3] = [
        FontFamily::DejaVuSansMono,
        FontFamily::LiberationMono,
        FontFamily::FreeMono,
    ];

    /// Human-readable family name.
    pub fn name(self) -> &'static str {
        match self {
            FontFamily::DejaVuSans => "DejaVu Sans",
            FontFamily::DejaVuSerif => "DejaVu Serif",
            FontFamily::DejaVuSansMono => "DejaVu Sans Mono",
            FontFamily::LiberationSans => "Liberation Sans",
            FontFamily::LiberationSerif => "Liberation Serif",
            FontFamily::LiberationMono => "Liberation Mono",
            FontFamily::FreeSans => "FreeSans",
            FontFamily::FreeSerif => "FreeSerif",
            FontFamily::FreeMono => "FreeMono",
        }
    }

    /// Whether every glyph has the same advance.
    pub fn is_monospace(self) -> bool {
        Self::MONOSPACE.contains(&self)
    }

    /// Debian package that ships this family.
    pub fn debian_package(self) -> &'static str {
        match self {
            FontFamily::DejaVuSans | FontFamily::DejaVuSerif | FontFamily::DejaVuSansMono => {
                "fonts-dejavu-core"
            }
            FontFamily::LiberationSans
            | FontFamily::LiberationSerif
            | FontFamily::LiberationMono => "fonts-liberation2",
            FontFamily::FreeSans | FontFamily::FreeSerif | FontFamily::FreeMono => {
                "fonts-freefont-ttf"
            }
        }
    }

    /// File path relative to [`SYSTEM_FONT_DIR`] for the regular or bold face.
    pub fn relative_path(self, bold: bool) -> &'static str {
        use FontFamily::*;
        match (self, bold) {
            (DejaVuSans, false) => "dejavu/DejaVuSans.ttf",
            (DejaVuSans, true) => "dejavu/DejaVuSans-Bold.ttf",
            (DejaVuSerif, false) => "dejavu/DejaVuSerif.ttf",
            (DejaVuSerif, true) => "dejavu/DejaVuSerif-Bold.ttf",
            (DejaVuSansMono, false) => "dejavu/DejaVuSansMono.ttf",
            (DejaVuSansMono, true) => "dejavu/DejaVuSansMono-Bold.ttf",
            (LiberationSans, false) => "liberation2/LiberationSans-Regular.ttf",
            (LiberationSans, true) => "liberation2/LiberationSans-Bold.ttf",
            (LiberationSerif, false) => "liberation2/LiberationSerif-Regular.ttf",
            (LiberationSerif, true) => "liberation2/LiberationSerif-Bold.ttf",
            (LiberationMono, false) => "liberation2/LiberationMono-Regular.ttf",
            (LiberationMono, true) => "liberation2/LiberationMono-Bold.ttf",
            (FreeSans, false) => "freefont/FreeSans.ttf",
            (FreeSans, true) => "freefont/FreeSansBold.ttf",
            (FreeSerif, false) => "freefont/FreeSerif.ttf",
            (FreeSerif, true) => "freefont/FreeSerifBold.ttf",
            (FreeMono, false) => "freefont/FreeMono.ttf",
            (FreeMono, true) => "freefont/FreeMonoBold.ttf",
        }
    }
}

/// Errors while loading fonts.
#[derive(Debug, Error)]
pub enum FontError {
    /// A font file is not installed.
    #[error("font file {path} is missing: install the Debian package `{package}` (apt-get install -y {package})")]
    Missing {
        /// Expected path.
        path: PathBuf,
        /// Debian package providing it.
        package: &'static str,
    },
    /// A font file could not be read.
    #[error("cannot read font file {path}: {source}")]
    Read {
        /// Path of the file.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// A font file is not a valid TrueType/OpenType font.
    #[error("font file {path} is not a valid TrueType font")]
    Invalid {
        /// Path of the file.
        path: PathBuf,
    },
    /// A font set was requested with no family.
    #[error("no font family requested")]
    Empty,
}

/// Loaded regular and bold faces of a set of families.
pub struct FontSet {
    faces: Vec<(FontFamily, FontVec, FontVec)>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field("families", &self.families())
            .finish()
    }
}

impl FontSet {
    /// Loads every family from the Debian font packages in [`DEBIAN_FONT_PACKAGES`].
    pub fn system() -> Result<Self, FontError> {
        Self::load(&FontFamily::ALL)
    }

    /// Loads the given families from [`SYSTEM_FONT_DIR`].
    pub fn load(families: &[FontFamily]) -> Result<Self, FontError> {
        Self::load_from(Path::new(SYSTEM_FONT_DIR), families)
    }

    /// Loads the given families from a directory laid out like [`SYSTEM_FONT_DIR`].
    pub fn load_from(root: &Path, families: &[FontFamily]) -> Result<Self, FontError> {
        if families.is_empty() {
            return Err(FontError::Empty);
        }
        let mut faces = Vec::new();
        for &family in families {
            if faces.iter().any(|(f, _, _)| *f == family) {
                continue;
            }
            let regular = load_file(root, family, false)?;
            let bold = load_file(root, family, true)?;
            faces.push((family, regular, bold));
        }
        Ok(Self { faces })
    }

    /// The loaded families, in load order.
    pub fn families(&self) -> Vec<FontFamily> {
        self.faces.iter().map(|(f, _, _)| *f).collect()
    }

    /// Loaded families that are proportional.
    pub fn proportional(&self) -> Vec<FontFamily> {
        self.families()
            .into_iter()
            .filter(|f| !f.is_monospace())
            .collect()
    }

    /// Loaded families that are monospace.
    pub fn monospace(&self) -> Vec<FontFamily> {
        self.families()
            .into_iter()
            .filter(|f| f.is_monospace())
            .collect()
    }

    /// The face of a family, if loaded.
    pub fn face(&self, family: FontFamily, bold: bool) -> Option<&FontVec> {
        self.faces
            .iter()
            .find(|(f, _, _)| *f == family)
            .map(|(_, r, b)| if bold { b } else { r })
    }
}

fn load_file(root: &Path, family: FontFamily, bold: bool) -> Result<FontVec, FontError> {
    let path = root.join(family.relative_path(bold));
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(FontError::Missing {
                path,
                package: family.debian_package(),
            })
        }
        Err(source) => return Err(FontError::Read { path, source }),
    };
    FontVec::try_from_vec(bytes).map_err(|_| FontError::Invalid { path })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_font_names_package() {
        let err = FontSet::load_from(Path::new("/nonexistent"), &[FontFamily::LiberationSans])
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("fonts-liberation2"), "{msg}");
        assert!(msg.contains("LiberationSans-Regular.ttf"), "{msg}");
    }

    #[test]
    fn packages_cover_all_families() {
        for f in FontFamily::ALL {
            assert!(DEBIAN_FONT_PACKAGES.contains(&f.debian_package()));
        }
    }
}
