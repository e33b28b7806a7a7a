//! The scene's figures drawn into memory with the page's drawing code
//! (`optiviz::render::scene`): pixels of the PNG figure, elements of the SVG, the GIF's
//! frames, and the command line's parsers of `--size` and `--steps`.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::scenes::scenario;
use optiviz::cli::render::{
    base64, bitmap, frame_steps, gif_bytes, parse_size, parse_steps, svg, theme_for,
};
use optiviz::render::RUN_COLORS;
use optiviz::render::scene::{Backdrop, Scene};
use optiviz::render::theme::PAGE;
use proptest::prelude::*;

const SIZE: (u32, u32) = (800, 450);

fn pixel(rgb: &[u8], x: i32, y: i32) -> [u8; 3] {
    let at = (y as usize * SIZE.0 as usize + x as usize) * 3;
    [rgb[at], rgb[at + 1], rgb[at + 2]]
}

#[test]
fn png_figure_shows_heatmap_runs_and_text() {
    // One gradient-descent run on the bowl from (−4, 3): its head after 20 steps lies
    // inside the view, and is drawn as a disc of run 1's colour.
    let (s, t) = scenario("?surface=bowl&start=-4,3&steps=20&run=sgd;lr=0.05");
    let scene = Scene {
        scenario: &s,
        trajectories: &t,
        step: 20,
        theme: theme_for(&s, SIZE),
    };
    let mut backdrop: Option<Backdrop> = None;
    let rgb = bitmap(&scene, SIZE, &mut backdrop).unwrap();
    let b = backdrop.unwrap();
    // The heatmap: many colours inside the plot, none of them the page's background.
    let (cols, rows) = (b.viewport.cols.clone(), b.viewport.rows.clone());
    let mut colours = std::collections::HashSet::new();
    for y in (rows.start + 2..rows.end - 2).step_by(7) {
        for x in (cols.start + 2..cols.end - 2).step_by(7) {
            colours.insert(pixel(&rgb, x, y));
        }
    }
    assert!(colours.len() > 100, "{} colours", colours.len());
    assert!(!colours.contains(&[PAGE.0, PAGE.1, PAGE.2]));
    // The head, where gradient descent by hand puts it: θ ← θ − η·∇f, each coordinate
    // shrinking geometrically on the bowl; read from the trajectory, drawn at its pixel.
    let head = t[0].points[20];
    let [px, py] = b.viewport.pixel(head);
    let (r, g, bl) = RUN_COLORS[0];
    assert_eq!(
        pixel(&rgb, px.round() as i32, py.round() as i32),
        [r, g, bl]
    );
    // Text: the legend strip under the plot has light pixels (letters), the page's
    // text colour; the same strip is dark where no letters are.
    let strip = rows.end + 30..SIZE.1 as i32;
    let light = strip
        .clone()
        .flat_map(|y| (0..SIZE.0 as i32).map(move |x| (x, y)))
        .filter(|&(x, y)| pixel(&rgb, x, y).iter().all(|&c| c > 120))
        .count();
    assert!(light > 40, "{light} light pixels of text");
}

#[test]
fn svg_figure_has_a_path_per_run_labels_and_one_image() {
    let (s, t) =
        scenario("?surface=booth&steps=30&run=sgd;lr=0.01&run=momentum;lr=0.01&run=adam;lr=0.2");
    let scene = Scene {
        scenario: &s,
        trajectories: &t,
        step: 30,
        theme: theme_for(&s, SIZE),
    };
    let doc = svg(&scene, SIZE).unwrap();
    assert_eq!(doc.matches("<image ").count(), 1);
    assert!(doc.contains("href=\"data:image/png;base64,iVBORw0KGgo"));
    // Each run's trail is a polyline in its colour (halo and line), the heatmap is not rects.
    for (r, g, b) in &RUN_COLORS[..3] {
        let stroke = format!("stroke=\"#{r:02X}{g:02X}{b:02X}\"");
        let lines = doc
            .split("<polyline")
            .skip(1)
            .filter(|p| p.split('>').next().unwrap().contains(&stroke))
            .count();
        assert!(
            lines >= 2,
            "{stroke}: {lines} polylines (trail and chart line)"
        );
    }
    assert!(doc.matches("<rect").count() < 50);
    for label in [
        "1 · Gradient descent η=0.01",
        "2 · Momentum η=0.01",
        "3 · Adam η=0.2",
        "step 30 / 30",
    ] {
        assert!(doc.contains(label), "{label}");
    }
    // Every opened element is closed: the tags balance.
    let opened = doc.matches("<text").count();
    assert_eq!(opened, doc.matches("</text>").count());
    assert_eq!(doc.matches("<svg").count(), doc.matches("</svg>").count());
}

#[test]
fn gif_frames_rebuild_each_drawn_frame() {
    // Three frames of two flat colours and a changing square: decoded and composited, each
    // is the frame given (the palette learnt holds these few colours exactly).
    let (w, h) = (40u32, 30u32);
    let frame = |i: usize| {
        let mut rgb = vec![0u8; (w * h * 3) as usize];
        for y in 0..h as usize {
            for x in 0..w as usize {
                let inside = (5 + 10 * i..10 + 10 * i).contains(&x) && (5..10).contains(&y);
                let c = if inside { [255, 82, 82] } else { [16, 17, 22] };
                rgb[(y * w as usize + x) * 3..][..3].copy_from_slice(&c);
            }
        }
        rgb
    };
    let bytes = gif_bytes(3, (w, h), |i| Ok(frame(i))).unwrap();
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(bytes.as_slice()).unwrap();
    let mut canvas = vec![0u8; (w * h * 4) as usize];
    let mut seen = 0;
    while let Some(f) = decoder.read_next_frame().unwrap() {
        for y in 0..f.height as usize {
            for x in 0..f.width as usize {
                let src = &f.buffer[(y * f.width as usize + x) * 4..][..4];
                if src[3] > 0 {
                    let at = ((y + f.top as usize) * w as usize + x + f.left as usize) * 4;
                    canvas[at..at + 4].copy_from_slice(src);
                }
            }
        }
        let want = frame(seen);
        for p in 0..(w * h) as usize {
            for c in 0..3 {
                let d = i32::from(canvas[p * 4 + c]) - i32::from(want[p * 3 + c]);
                assert!(d.abs() <= 3, "frame {seen} pixel {p}: {d}");
            }
        }
        if seen > 0 {
            assert!(f.width < w as u16, "frame {seen} holds only what changed");
        }
        seen += 1;
    }
    assert_eq!(seen, 3);
}

#[test]
fn base64_matches_rfc_4648() {
    for (text, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64(text.as_bytes()), encoded);
    }
}

#[test]
fn frames_spread_over_the_steps() {
    assert_eq!(frame_steps(0, 300, 4), vec![0, 100, 200, 300]);
    assert_eq!(frame_steps(10, 20, 3), vec![10, 15, 20]);
    assert_eq!(frame_steps(0, 7, 1), vec![7]);
    assert_eq!(frame_steps(5, 5, 3), vec![5, 5, 5]);
}

proptest! {
    #[test]
    fn any_size_text_is_a_size_in_range_or_refused(text in "\\PC{0,20}") {
        match parse_size(&text) {
            Ok((w, h)) => prop_assert!((160..=4096).contains(&w) && (160..=4096).contains(&h)),
            Err(e) => prop_assert!(e.contains("allowed values are WxH"), "{}", e),
        }
    }

    #[test]
    fn sizes_in_range_read_back(w in 160u32..=4096, h in 160u32..=4096, sep in "[xX×]") {
        prop_assert_eq!(parse_size(&format!("{w}{sep}{h}")), Ok((w, h)));
    }

    #[test]
    fn sizes_out_of_range_are_refused(w in prop_oneof![0u64..160, 4097u64..u64::MAX], h in 160u32..=4096) {
        let (wide, tall) = (format!("{w}x{h}"), format!("{h}x{w}"));
        prop_assert!(parse_size(&wide).is_err());
        prop_assert!(parse_size(&tall).is_err());
    }

    #[test]
    fn any_steps_text_is_a_range_within_or_refused(text in "\\PC{0,20}", max in 1usize..20_000) {
        match parse_steps(&text, max) {
            Ok((a, b)) => prop_assert!(a <= b && b <= max),
            Err(e) => prop_assert!(e.contains(&format!("0 ≤ A ≤ B ≤ {max}")), "{}", e),
        }
    }

    #[test]
    fn step_ranges_within_read_back(max in 1usize..20_000, a in 0usize..20_000, b in 0usize..20_000) {
        let got = parse_steps(&format!("{a}..{b}"), max);
        prop_assert_eq!(got.is_ok(), a <= b && b <= max);
        if let Ok(r) = got {
            prop_assert_eq!(r, (a, b));
        }
    }
}
