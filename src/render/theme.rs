//! One look for every picture (the surface plot, its charts, the 3D view and the lab's):
//! colours, fonts, halos and line widths, scaled for the display's pixel density.

use crate::i18n::{self, Lang};
use plotters::prelude::*;

/// Sizes shared by every layer, scaled for the display's pixel density.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    /// Device pixels per CSS pixel: every size below is multiplied by it.
    pub dpr: f64,
    /// Base text size in CSS pixels.
    pub font_px: f64,
    /// The language of the pictures' words (axis titles), and of the fonts that draw them.
    pub lang: Lang,
}

impl Theme {
    /// The plots' base text size, in CSS pixels.
    pub const FONT_PX: f64 = 13.0;
    /// The plots' base text size under large text (for a projector), in CSS pixels.
    pub const LARGE_FONT_PX: f64 = 18.0;

    /// The base text size with large text `on` or off.
    pub fn font_for(large: bool) -> f64 {
        if large {
            Theme::LARGE_FONT_PX
        } else {
            Theme::FONT_PX
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            dpr: 1.0,
            font_px: Theme::FONT_PX,
            lang: Lang::En,
        }
    }
}

/// The fonts Chinese text is drawn in: the system's own CJK fonts on macOS and iOS, Windows,
/// Linux and Android, as `www/style.css` lists them under `:lang(zh)`.
pub(super) const CJK_FONTS: &str = "system-ui, \"PingFang SC\", \"Hiragino Sans GB\", \"Microsoft YaHei\", \
                         \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"WenQuanYi Micro Hei\", sans-serif";

/// The page's background, behind every plot (and what the lab's decision regions are blended
/// towards).
pub const PAGE: RGBColor = RGBColor(16, 17, 22);
/// Text: titles, tick labels, legends.
pub const TEXT: RGBColor = RGBColor(220, 222, 228);
/// Axis lines and mesh boxes.
pub const AXIS: RGBColor = RGBColor(120, 124, 134);
/// The dark halo drawn under lines and markers so they stay legible over any colour.
pub const HALO: RGBAColor = RGBAColor(0, 0, 0, 0.55);

impl Theme {
    /// `css` CSS pixels in device pixels, at least 1 and at most 10,000 (a width plotters
    /// can draw whatever the display reports).
    pub fn px(&self, css: f64) -> u32 {
        let v = (css * self.dpr).round();
        if v.is_finite() {
            v.clamp(1.0, 10_000.0) as u32
        } else {
            1
        }
    }

    /// The text size `scale` × the base size, in device pixels, kept within what text layout
    /// handles (1 to 512; plotters' estimates overflow on absurd sizes).
    pub fn font_size(&self, scale: f64) -> f64 {
        let size = self.font_px * scale * self.dpr;
        if size.is_finite() {
            size.clamp(1.0, 512.0)
        } else {
            13.0
        }
    }

    /// `english`, one of the pictures' words ([`i18n::CANVAS_WORDS`]), in the theme's
    /// language (the catalogue's `canvas.<english>`); as it is when the catalogue lacks it.
    pub fn word(&self, english: &'static str) -> &'static str {
        match self.lang {
            Lang::En => english,
            lang => i18n::lookup(lang, &format!("canvas.{english}")).unwrap_or(english),
        }
    }

    /// An axis title `name` on a log scale, or the shorter form when `short`, in the theme's
    /// language: "loss (log scale)", "loss (log)".
    pub fn log_title(&self, name: &str, short: bool) -> String {
        let key = if short {
            "canvas.log"
        } else {
            "canvas.log_scale"
        };
        i18n::fill(self.lang, key, &[("name", &name)])
    }

    /// The text style at `scale` × the base size, in [`TEXT`]'s colour; in Chinese, a family
    /// list whose fonts have CJK glyphs on every system (nothing fetched), as the page's
    /// stylesheet has.
    pub fn font(&self, scale: f64) -> TextStyle<'static> {
        #[cfg(not(target_arch = "wasm32"))]
        super::fonts::register();
        let family = match self.lang {
            Lang::En => "sans-serif",
            Lang::Zh => CJK_FONTS,
        };
        (family, self.font_size(scale)).into_font().color(&TEXT)
    }

    /// Axis lines: [`AXIS`], one CSS pixel wide.
    pub fn axis(&self) -> ShapeStyle {
        AXIS.stroke_width(self.px(1.0))
    }

    /// The halo under a line `css` CSS pixels wide.
    pub fn halo(&self, css: f64) -> ShapeStyle {
        HALO.stroke_width(self.px(css))
    }
}
