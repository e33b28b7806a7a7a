//! `optiviz render`: a scenario's figure as PNG, SVG or an animated GIF of the race, drawn by
//! the page's own drawing code ([`crate::render::scene`]) into plotters' bitmap and SVG
//! backends, its text in the font the project ships ([`crate::render::fonts`]).

use crate::core::run::{Trajectory, simulate};
use crate::render::Theme;
use crate::render::fonts::Typeset;
use crate::render::plot::draw_err;
use crate::render::scene::{Backdrop, Panels, Scene, draw_figure, svg_with_raster};
use crate::state::scenario::Scenario;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// The smallest side of a figure, in pixels.
pub const MIN_SIDE: u32 = 160;
/// The largest side of a figure, in pixels.
pub const MAX_SIDE: u32 = 4096;
/// The most frames a GIF may have.
pub const MAX_FRAMES: usize = 300;
/// The most pixels a GIF may hold over all its frames (1280 × 720 × 300): what takes about
/// a minute to encode.
pub const MAX_GIF_PIXELS: u64 = 1280 * 720 * 300;
/// The page's plot-and-chart size at which text and lines have the page's sizes; a figure
/// larger or smaller scales them ([`theme_for`]).
const PAGE_SIZE: (f64, f64) = (1280.0, 720.0);
/// A GIF frame's time, in hundredths of a second; the last frame is held [`HOLD_LAST`].
pub const FRAME_DELAY: u16 = 6;
/// The last GIF frame's time, in hundredths of a second, before the race starts again.
pub const HOLD_LAST: u16 = 150;

/// What `optiviz render` writes, by the output's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A still image, PNG.
    Png,
    /// A still image, SVG (vector, the heatmap embedded as one PNG image).
    Svg,
    /// The race as an animated GIF, looped.
    Gif,
}

impl Kind {
    /// The kind of `path` by its extension (`.png`, `.svg`, `.gif`, any case), or the refusal.
    pub fn of(path: &Path) -> Result<Kind, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("png") => Ok(Kind::Png),
            Some("svg") => Ok(Kind::Svg),
            Some("gif") => Ok(Kind::Gif),
            _ => Err(format!(
                "invalid --out {}: allowed values are a file name ending in .png, .svg or .gif",
                path.display()
            )),
        }
    }
}

/// `text` as a figure size `WxH` (`1280x720`; `X` and `×` too), each side a whole number
/// from [`MIN_SIDE`] to [`MAX_SIDE`]; the refusal says so.
pub fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let refuse = || {
        format!(
            "allowed values are WxH with W and H whole numbers from {MIN_SIDE} to {MAX_SIDE} \
             (such as 1280x720)"
        )
    };
    let (w, h) = text.split_once(['x', 'X', '×']).ok_or_else(refuse)?;
    let side = |s: &str| {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|v| (MIN_SIDE..=MAX_SIDE).contains(v))
    };
    match (side(w), side(h)) {
        (Some(w), Some(h)) => Ok((w, h)),
        _ => Err(refuse()),
    }
}

/// `text` as a step range `A..B` of a scenario of `max` steps, whole numbers with
/// 0 ≤ A ≤ B ≤ `max`; the refusal names the range.
pub fn parse_steps(text: &str, max: usize) -> Result<(usize, usize), String> {
    let refuse = || {
        format!(
            "invalid --steps {text}: allowed values are A..B with A and B whole numbers, \
             0 ≤ A ≤ B ≤ {max} (the scenario's steps)"
        )
    };
    let (a, b) = text.split_once("..").ok_or_else(refuse)?;
    match (a.trim().parse::<usize>(), b.trim().parse::<usize>()) {
        (Ok(a), Ok(b)) if a <= b && b <= max => Ok((a, b)),
        _ => Err(refuse()),
    }
}

/// The steps of `frames` frames spread evenly from `a` to `b` (both shown; one frame shows
/// `b`), rounded to whole steps.
pub fn frame_steps(a: usize, b: usize, frames: usize) -> Vec<usize> {
    if frames <= 1 {
        return vec![b];
    }
    (0..frames)
        .map(|i| a + ((b - a) as f64 * i as f64 / (frames - 1) as f64).round() as usize)
        .collect()
}

/// The look of a `w` × `h` figure of `scenario`: the page's text size (large text when the
/// scenario asks for it), every size scaled by how the figure compares with the page's
/// 1280 × 720 (from 0.75 to 4 times), words in English.
pub fn theme_for(scenario: &Scenario, (w, h): (u32, u32)) -> Theme {
    let scale = (f64::from(w) / PAGE_SIZE.0).min(f64::from(h) / PAGE_SIZE.1);
    Theme {
        dpr: scale.clamp(0.75, 4.0),
        font_px: Theme::font_for(scenario.large),
        lang: crate::i18n::Lang::En,
    }
}

/// What `optiviz render` was asked for, checked.
pub struct Job {
    /// The scenario drawn.
    pub scenario: Scenario,
    /// Where the figure goes, and its kind.
    pub out: PathBuf,
    /// PNG, SVG or GIF.
    pub kind: Kind,
    /// Pixels across and down.
    pub size: (u32, u32),
    /// The steps shown: one still image shows the last; a GIF's frames spread over them.
    pub steps: (usize, usize),
    /// A GIF's frame count (1 for a still image).
    pub frames: usize,
}

impl Job {
    /// Checks the options against each other and the scenario: `steps` (`A..B`, default
    /// `0..` the link's step, or every step when it names none), `frames` only for a GIF
    /// (default 60, at most [`MAX_FRAMES`], and at most [`MAX_GIF_PIXELS`] over all frames).
    pub fn new(
        scenario: Scenario,
        out: PathBuf,
        size: (u32, u32),
        steps: Option<&str>,
        frames: Option<usize>,
    ) -> Result<Job, String> {
        let kind = Kind::of(&out)?;
        let last = if scenario.step > 0 {
            scenario.step
        } else {
            scenario.steps
        };
        let steps = match steps {
            Some(text) => parse_steps(text, scenario.steps)?,
            None => (0, last),
        };
        let frames = match (kind, frames) {
            (Kind::Gif, f) => f.unwrap_or(60),
            (_, None) => 1,
            (_, Some(_)) => {
                return Err(format!(
                    "--frames: only a .gif has frames ({} is a still image of step B of --steps)",
                    out.display()
                ));
            }
        };
        let pixels = u64::from(size.0) * u64::from(size.1) * frames as u64;
        if kind == Kind::Gif && pixels > MAX_GIF_PIXELS {
            return Err(format!(
                "--size {}x{} with --frames {frames}: a GIF holds at most {MAX_GIF_PIXELS} \
                 pixels over all its frames (1280x720 × 300); make it smaller or shorter",
                size.0, size.1
            ));
        }
        Ok(Job {
            scenario,
            out,
            kind,
            size,
            steps,
            frames,
        })
    }

    /// Draws the figure and writes it; what was written, in one line.
    pub fn run(&self) -> Result<String, String> {
        let bytes = self.bytes()?;
        std::fs::write(&self.out, &bytes)
            .map_err(|e| format!("--out {}: {e}", self.out.display()))?;
        let (a, b) = self.steps;
        Ok(match self.kind {
            Kind::Gif => format!(
                "wrote {} ({}x{}, {} frames, steps {a} to {b})",
                self.out.display(),
                self.size.0,
                self.size.1,
                self.frames
            ),
            _ => format!(
                "wrote {} ({}x{}, step {b})",
                self.out.display(),
                self.size.0,
                self.size.1
            ),
        })
    }

    /// The file's bytes.
    pub fn bytes(&self) -> Result<Vec<u8>, String> {
        let s = &self.scenario;
        let trajectories: Vec<Trajectory> = s
            .runs
            .iter()
            .map(|e| simulate(&s.surface, &e.spec, s.start, s.steps))
            .collect::<Result<_, _>>()
            .map_err(super::english)?;
        let theme = theme_for(s, self.size);
        let scene = |step| Scene {
            scenario: s,
            trajectories: &trajectories,
            step,
            theme,
        };
        let (a, b) = self.steps;
        match self.kind {
            Kind::Png => {
                let rgb = bitmap(&scene(b), self.size, &mut None)?;
                Ok(png_bytes(&rgb, self.size, png::ColorType::Rgb))
            }
            Kind::Svg => svg(&scene(b), self.size).map(String::into_bytes),
            Kind::Gif => {
                let mut backdrop = None;
                let steps = frame_steps(a, b, self.frames);
                gif_bytes(steps.len(), self.size, |i| {
                    bitmap(&scene(steps[i]), self.size, &mut backdrop)
                })
            }
        }
    }
}

/// `count` frames (frame `i` drawn by `frame(i)`, RGB, `size` each) as a looped GIF, one
/// frame in memory at a time besides the previous: one palette for all, learnt from the last
/// frame (which holds every trail), so colours do not flicker from frame to frame; each
/// frame after the first holds only the rectangle that changed, its unchanged pixels
/// transparent (the heatmap is stored once). Every frame shows [`FRAME_DELAY`], the last
/// [`HOLD_LAST`].
pub fn gif_bytes(
    count: usize,
    (w, h): (u32, u32),
    mut frame: impl FnMut(usize) -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, String> {
    const CLEAR: u8 = 255;
    if count == 0 {
        return Err("a GIF needs a frame at least".into());
    }
    let last = frame(count - 1)?;
    // The palette: the last frame's colours themselves when they are few, else 255 learnt
    // by NeuQuant (a heatmap has thousands); index 255 is the transparent one.
    let mut few: Vec<[u8; 3]> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in last.chunks_exact(3) {
        if seen.insert([p[0], p[1], p[2]]) {
            few.push([p[0], p[1], p[2]]);
            if few.len() > 255 {
                break;
            }
        }
    }
    let quant = (few.len() > 255).then(|| {
        let rgba: Vec<u8> = last
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect();
        color_quant::NeuQuant::new(10, 255, &rgba)
    });
    let mut palette = match &quant {
        Some(q) => q.color_map_rgb(),
        None => few.concat(),
    };
    palette.resize(256 * 3, 0);
    let nearest = |p: &[u8]| -> u8 {
        match &quant {
            Some(q) => q.index_of(&[p[0], p[1], p[2], 255]) as u8,
            None => (0..few.len())
                .min_by_key(|&i| {
                    (0..3)
                        .map(|c| (i32::from(few[i][c]) - i32::from(p[c])).pow(2))
                        .sum::<i32>()
                })
                .unwrap_or(0) as u8,
        }
    };
    let mut last_kept = last;
    let (wu, hu) = (w as usize, h as usize);
    let mut out = Vec::new();
    {
        let mut gif = gif::Encoder::new(&mut out, w as u16, h as u16, &palette).map_err(gif_err)?;
        gif.set_repeat(gif::Repeat::Infinite).map_err(gif_err)?;
        let mut cache = std::collections::HashMap::<[u8; 3], u8>::new();
        let mut index = |p: &[u8]| -> u8 {
            *cache
                .entry([p[0], p[1], p[2]])
                .or_insert_with(|| nearest(p))
        };
        let mut previous: Option<Vec<u8>> = None;
        for i in 0..count {
            let rgb = if i + 1 == count {
                std::mem::take(&mut last_kept)
            } else {
                frame(i)?
            };
            // The rectangle of pixels that differ from the previous frame (all, at first).
            let (x0, y0, x1, y1) = match &previous {
                None => (0, 0, wu, hu),
                Some(prev) => {
                    let (mut x0, mut y0, mut x1, mut y1) = (wu, hu, 0, 0);
                    for y in 0..hu {
                        let row = y * wu * 3..(y + 1) * wu * 3;
                        let (a, b) = (&rgb[row.clone()], &prev[row]);
                        if a == b {
                            continue;
                        }
                        let first = (0..wu).find(|&x| a[x * 3..x * 3 + 3] != b[x * 3..x * 3 + 3]);
                        let last = (0..wu).rfind(|&x| a[x * 3..x * 3 + 3] != b[x * 3..x * 3 + 3]);
                        if let (Some(f), Some(l)) = (first, last) {
                            (x0, x1, y0, y1) = (x0.min(f), x1.max(l + 1), y0.min(y), y + 1);
                        }
                    }
                    if x0 >= x1 {
                        (0, 0, 1, 1)
                    } else {
                        (x0, y0, x1, y1)
                    }
                }
            };
            let mut buffer = Vec::with_capacity((x1 - x0) * (y1 - y0));
            for y in y0..y1 {
                for x in x0..x1 {
                    let at = (y * wu + x) * 3;
                    let p = &rgb[at..at + 3];
                    let same = previous.as_ref().is_some_and(|prev| &prev[at..at + 3] == p);
                    buffer.push(if same { CLEAR } else { index(p) });
                }
            }
            let frame = gif::Frame {
                left: x0 as u16,
                top: y0 as u16,
                width: (x1 - x0) as u16,
                height: (y1 - y0) as u16,
                buffer: buffer.into(),
                transparent: previous.as_ref().map(|_| CLEAR),
                dispose: gif::DisposalMethod::Keep,
                delay: if i + 1 == count {
                    HOLD_LAST
                } else {
                    FRAME_DELAY
                },
                ..gif::Frame::default()
            };
            gif.write_frame(&frame).map_err(gif_err)?;
            previous = Some(rgb);
        }
    }
    Ok(out)
}

fn gif_err(e: impl std::fmt::Display) -> String {
    format!("writing the GIF: {e}")
}

/// The adaptive scaling of run `i`'s step from point `k`, for the step overlay.
fn scaled<'a>(scene: &'a Scene<'a>) -> impl Fn(usize, usize) -> Option<[f64; 2]> + 'a {
    move |i, k| {
        let s = scene.scenario;
        let spec = &s.runs.get(i)?.spec;
        crate::core::explain::scaling_at(&s.surface, spec, s.start, k + 1)
            .ok()
            .flatten()
            .map(|sc| sc.scaled)
    }
}

/// `scene` as a `size` figure (plot, chart, legend) in RGB pixels, its backdrop computed
/// once into `backdrop` and reused.
pub fn bitmap(
    scene: &Scene<'_>,
    (w, h): (u32, u32),
    backdrop: &mut Option<Backdrop>,
) -> Result<Vec<u8>, String> {
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = Typeset::new(BitMapBackend::with_buffer(&mut rgb, (w, h))).into_drawing_area();
        draw_figure(&root, scene, Panels::Both, backdrop, true, &scaled(scene))
            .map_err(super::english)?;
        root.present().map_err(|e| super::english(draw_err(e)))?;
    }
    Ok(rgb)
}

/// `scene` as a `size` SVG figure: plotters' SVG backend for everything drawn, with the
/// heatmap as one embedded PNG image under it ([`svg_with_raster`]).
pub fn svg(scene: &Scene<'_>, (w, h): (u32, u32)) -> Result<String, String> {
    let mut text = String::new();
    let mut backdrop = None;
    {
        let root = SVGBackend::with_string(&mut text, (w, h)).into_drawing_area();
        draw_figure(
            &root,
            scene,
            Panels::Both,
            &mut backdrop,
            false,
            &scaled(scene),
        )
        .map_err(super::english)?;
        root.present().map_err(|e| super::english(draw_err(e)))?;
    }
    let raster = backdrop.map(|b| b.raster);
    let url = raster.as_ref().map(|r| {
        let png = png_bytes(
            &r.rgba,
            (r.width as u32, r.height as u32),
            png::ColorType::Rgba,
        );
        format!("data:image/png;base64,{}", base64(&png))
    });
    Ok(svg_with_raster(&text, raster.as_ref(), url.as_deref()))
}

/// `pixels` (`size`, row by row, in `color`'s layout) as a PNG file.
pub fn png_bytes(pixels: &[u8], (w, h): (u32, u32), color: png::ColorType) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w.max(1), h.max(1));
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        let written = encoder
            .write_header()
            .and_then(|mut writer| writer.write_image_data(pixels));
        // Writing to memory fails only on a size mismatch, which the callers rule out.
        written.expect("pixels of the stated size, written to memory");
    }
    out
}

/// `bytes` in standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
