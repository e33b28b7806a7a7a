//! `render::backend::DynBackend`, the one backend type the page draws on: a figure drawn
//! through it is the figure drawn straight on the backend inside it, byte for byte (SVG text,
//! bitmap pixels with plotters' text and with the shipped font's, the 3D view), and a
//! backend's error reads the same through it.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::scenes::scenario;
use optiviz::cli::render::theme_for;
use optiviz::core::surface::{Surface, View};
use optiviz::render::backend::DynBackend;
use optiviz::render::fonts::Typeset;
use optiviz::render::scene::{Backdrop, Panels, Scene, draw_figure};
use optiviz::render::{Camera, Field, Theme, TrajectorySeries, draw_surface_3d};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, DrawingErrorKind};

const SIZE: (u32, u32) = (640, 400);

/// Three runs on Rosenbrock with the step overlay, the chart of the loss beside the plot,
/// and the legend: text in every orientation and size the figure has, paths, discs, arrows.
const QUERY: &str = "?surface=rosenbrock&steps=300&overlay&run=sgd;lr=0.001\
                     &run=momentum;lr=0.001&run=adam;lr=0.05";

/// `scene` drawn as a whole figure on `area`.
fn figure<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, scene: &Scene<'_>, blit: bool) {
    let mut backdrop: Option<Backdrop> = None;
    draw_figure(area, scene, Panels::Both, &mut backdrop, blit, &|_, _| None).unwrap();
    area.present().unwrap();
}

#[test]
fn svg_drawn_through_it_is_the_same_text() {
    let (s, t) = scenario(QUERY);
    let scene = Scene {
        scenario: &s,
        trajectories: &t,
        step: 120,
        theme: theme_for(&s, SIZE),
    };
    let mut straight = String::new();
    figure(
        &SVGBackend::with_string(&mut straight, SIZE).into_drawing_area(),
        &scene,
        false,
    );
    let mut through = String::new();
    figure(
        &DynBackend::new(SVGBackend::with_string(&mut through, SIZE)).into_drawing_area(),
        &scene,
        false,
    );
    // A real figure: the runs' paths, the legend's words, the axes' labels.
    assert!(straight.matches("<polyline").count() >= 6, "{straight}");
    assert!(straight.contains("3 · Adam η=0.05"));
    assert!(straight.matches("<text").count() > 20);
    assert_eq!(through, straight);
}

/// `scene` as an RGB bitmap drawn on `wrap(the bitmap backend)` (blitting the heatmap).
fn bitmap(scene: &Scene<'_>, draw: impl FnOnce(BitMapBackend<'_>, &Scene<'_>)) -> Vec<u8> {
    let mut rgb = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
    draw(BitMapBackend::with_buffer(&mut rgb, SIZE), scene);
    rgb
}

#[test]
fn bitmaps_drawn_through_it_are_the_same_pixels() {
    let (s, t) = scenario(QUERY);
    let scene = Scene {
        scenario: &s,
        trajectories: &t,
        step: 120,
        theme: theme_for(&s, SIZE),
    };
    // The native figure's backend: the shipped font typeset by `Typeset`.
    let straight = bitmap(&scene, |b, s| {
        figure(&Typeset::new(b).into_drawing_area(), s, true)
    });
    let through = bitmap(&scene, |b, s| {
        figure(
            &DynBackend::new(Typeset::new(b)).into_drawing_area(),
            s,
            true,
        )
    });
    let distinct: std::collections::HashSet<&[u8]> = straight.chunks_exact(3).collect();
    assert!(distinct.len() > 1000, "{} colours", distinct.len());
    assert!(through == straight, "the typeset figures differ");
    // plotters' bitmap alone lays out and rasterizes text with its own fonts, which the
    // backend reads from the text style it is given: drawn through `DynBackend`, that is its
    // `Lettering`, which must lay out and draw as plotters' `TextStyle` does.
    let straight_plain = bitmap(&scene, |b, s| figure(&b.into_drawing_area(), s, true));
    let through_plain = bitmap(&scene, |b, s| {
        figure(&DynBackend::new(b).into_drawing_area(), s, true)
    });
    assert!(
        straight_plain != straight,
        "plotters' text is not the typeset text"
    );
    assert!(through_plain == straight_plain, "the plain figures differ");
}

#[test]
fn the_3d_view_drawn_through_it_is_the_same_pixels() {
    let field = Field::new(Surface::Himmelblau, View::new(-5.0, 5.0, -5.0, 5.0));
    let points: Vec<[f64; 2]> = (0..200)
        .map(|k| {
            let a = f64::from(k) * 0.05;
            [3.0 * a.cos() / (1.0 + 0.1 * a), 2.5 * a.sin()]
        })
        .collect();
    let runs = [TrajectorySeries {
        label: "1 · Adam",
        color: RGBColor(255, 82, 82),
        points: &points,
        diverged: false,
        arrows: None,
    }];
    let theme = Theme::default();
    let draw = |paint: &dyn Fn(&mut Vec<u8>)| {
        let mut rgb = vec![16u8; (SIZE.0 * SIZE.1 * 3) as usize];
        paint(&mut rgb);
        rgb
    };
    let straight = draw(&|rgb| {
        let area = Typeset::new(BitMapBackend::with_buffer(rgb, SIZE)).into_drawing_area();
        draw_surface_3d(&area, &field, &runs, Camera::default(), &theme).unwrap();
        area.present().unwrap();
    });
    let through = draw(&|rgb| {
        let area = DynBackend::new(Typeset::new(BitMapBackend::with_buffer(rgb, SIZE)))
            .into_drawing_area();
        draw_surface_3d(&area, &field, &runs, Camera::default(), &theme).unwrap();
        area.present().unwrap();
    });
    let distinct: std::collections::HashSet<&[u8]> = straight.chunks_exact(3).collect();
    assert!(distinct.len() > 100, "{} colours", distinct.len());
    assert!(through == straight, "the 3D views differ");
}

/// A backend whose ink runs out after `left` shapes (pixels, lines, paths …).
struct Failing {
    left: usize,
}

#[derive(Debug)]
struct OutOfInk(usize);

impl std::fmt::Display for OutOfInk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "out of ink after shape {}", self.0)
    }
}

impl std::error::Error for OutOfInk {}

impl Failing {
    fn spend(&mut self) -> Result<(), DrawingErrorKind<OutOfInk>> {
        if self.left == 0 {
            return Err(DrawingErrorKind::DrawingError(OutOfInk(7)));
        }
        self.left -= 1;
        Ok(())
    }
}

impl DrawingBackend for Failing {
    type ErrorType = OutOfInk;

    fn get_size(&self) -> (u32, u32) {
        SIZE
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<OutOfInk>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<OutOfInk>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: BackendColor,
    ) -> Result<(), DrawingErrorKind<OutOfInk>> {
        self.spend()
    }

    fn draw_path<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        _: I,
        _: &S,
    ) -> Result<(), DrawingErrorKind<OutOfInk>> {
        self.spend()
    }

    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
    ) -> Result<(), DrawingErrorKind<OutOfInk>> {
        self.spend()
    }

    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<OutOfInk>> {
        self.spend()
    }

    fn estimate_text_size<S: plotters_backend::BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<OutOfInk>> {
        let size = style.size();
        Ok((
            (0.6 * size * text.chars().count() as f64) as u32,
            size as u32,
        ))
    }

    fn draw_text<S: plotters_backend::BackendTextStyle>(
        &mut self,
        _: &str,
        _: &S,
        _: BackendCoord,
    ) -> Result<(), DrawingErrorKind<OutOfInk>> {
        self.spend()
    }
}

/// What drawing `scene` on `area` fails with.
fn failure<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, scene: &Scene<'_>) -> String {
    let mut backdrop = None;
    draw_figure(area, scene, Panels::Both, &mut backdrop, true, &|_, _| None)
        .unwrap_err()
        .to_string()
}

#[test]
fn a_backends_error_reads_the_same_through_it() {
    let (s, t) = scenario(QUERY);
    let scene = Scene {
        scenario: &s,
        trajectories: &t,
        step: 120,
        theme: theme_for(&s, SIZE),
    };
    let failing = || Failing { left: 40 };
    let straight = failure(&failing().into_drawing_area(), &scene);
    let through = failure(&DynBackend::new(failing()).into_drawing_area(), &scene);
    assert!(straight.contains("out of ink after shape 7"), "{straight}");
    assert_eq!(through, straight);
}
