//! `optiviz render` as a user runs it: PNG, SVG and GIF files of a scenario, checked from
//! their bytes (headers, sizes, frames), and every bad option refused in one line naming it
//! and its allowed values, with a non-zero exit.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cli::{optiviz, stderr};
use std::path::PathBuf;

/// A fresh file path `name` in this test binary's own temporary folder.
fn out(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("optiviz-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

const LINK: &str = "?surface=bowl&steps=40&run=sgd;lr=0.1&run=adam;lr=0.3";

/// The width and height a PNG's IHDR chunk states (bytes 16..24, big-endian), after
/// checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn png_has_the_asked_size() {
    let path = out("race.png");
    let p = path.to_str().unwrap();
    let o = optiviz(&["render", "--link", LINK, "--out", p, "--size", "640x360"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(png_size(&std::fs::read(&path).unwrap()), (640, 360));
}

#[test]
fn svg_holds_the_runs_the_labels_and_one_image() {
    let path = out("race.svg");
    let p = path.to_str().unwrap();
    let o = optiviz(&["render", "--link", LINK, "--out", p, "--size", "800x450"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(
        svg.starts_with("<svg width=\"800\" height=\"450\""),
        "{}",
        &svg[..80]
    );
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(
        svg.matches("<image ").count(),
        1,
        "the heatmap as one image"
    );
    assert!(svg.contains("href=\"data:image/png;base64,iVBORw0KGgo"));
    assert!(svg.contains("1 · Gradient descent η=0.1"), "run 1's legend");
    assert!(svg.contains("2 · Adam η=0.3"), "run 2's legend");
    assert!(svg.contains("\nx\n</text>") && svg.contains("\nstep\n</text>"));
}

#[test]
fn gif_has_the_asked_frames_looped() {
    let path = out("race.gif");
    let p = path.to_str().unwrap();
    let o = optiviz(&[
        "render", "--link", LINK, "--out", p, "--size", "320x180", "--frames", "7", "--steps",
        "10..40",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..6], b"GIF89a");
    assert_eq!(u16::from_le_bytes([bytes[6], bytes[7]]), 320);
    assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), 180);
    // The NETSCAPE2.0 extension with a loop count of 0: loop for ever.
    let at = bytes
        .windows(11)
        .position(|w| w == b"NETSCAPE2.0")
        .expect("a looping extension");
    assert_eq!(&bytes[at + 11..at + 15], &[3, 1, 0, 0]);
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    let mut decoder = options.read_info(bytes.as_slice()).unwrap();
    let mut frames = 0;
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        if frames == 0 {
            assert_eq!(
                (frame.width, frame.height),
                (320, 180),
                "the first frame is whole"
            );
        }
        frames += 1;
    }
    assert_eq!(frames, 7);
}

fn refused(args: &[&str], message: &str) {
    let o = optiviz(args);
    assert!(!o.status.success(), "{args:?} should fail");
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "one line: {e}");
    assert!(e.contains(message), "{args:?}: {e}");
}

#[test]
fn bad_options_are_named_with_their_allowed_values() {
    let png = out("bad.png");
    let gif = out("bad.gif");
    let (png, gif) = (png.to_str().unwrap(), gif.to_str().unwrap());
    let size = "allowed values are WxH with W and H whole numbers from 160 to 4096";
    for bad in [
        "0x0",
        "1e308x720",
        "18446744073709551616x720",
        "garbage",
        "1280",
        "159x720",
        "1280x4097",
        "-1x-1",
    ] {
        refused(
            &["render", "--link", LINK, "--out", png, "--size", bad],
            &format!("invalid --size {bad}: {size}"),
        );
    }
    for bad in ["0", "301", "1e3", "-5"] {
        refused(
            &["render", "--link", LINK, "--out", gif, "--frames", bad],
            &format!("invalid --frames {bad}: allowed values are 1 to 300"),
        );
    }
    for bad in ["5..2", "0..41", "x..y", "10", "-1..3"] {
        refused(
            &["render", "--link", LINK, "--out", png, "--steps", bad],
            &format!(
                "invalid --steps {bad}: allowed values are A..B with A and B whole numbers, 0 ≤ A ≤ B ≤ 40"
            ),
        );
    }
    refused(
        &["render", "--link", LINK, "--out", png, "--frames", "5"],
        "--frames: only a .gif has frames",
    );
    refused(
        &["render", "--link", LINK, "--out", "race.jpg"],
        "invalid --out race.jpg: allowed values are a file name ending in .png, .svg or .gif",
    );
    refused(
        &[
            "render",
            "--link",
            LINK,
            "--out",
            gif,
            "--size",
            "4096x4096",
            "--frames",
            "300",
        ],
        "a GIF holds at most",
    );
    refused(
        &["render", "--link", "?steps=0", "--out", png],
        "--link: steps 0: allowed values are 1 to 20000",
    );
    refused(
        &["render", "--scenario", "/nonexistent/s.json", "--out", png],
        "--scenario /nonexistent/s.json",
    );
    assert!(
        !std::path::Path::new(png).exists(),
        "nothing written on a refusal"
    );
}
