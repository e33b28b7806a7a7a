//! Pixel ↔ world mapping of a plot: the one rule every click, drag, hover and marker of both
//! pages uses to turn a device pixel into a point of the view and back.
//!
//! A [`Viewport`] is a plot's pixel rectangle (as plotters' `get_pixel_range` gives it,
//! columns and rows, y down) and the view drawn in it. The view's left edge lies on the first
//! column and its top edge on the first row; its right and bottom edges on `cols.end` and
//! `rows.end`, so a pixel belongs to the plot when it lies within those bounds, edges
//! included ([`Viewport::contains`]), and maps inside the view.

use crate::core::surface::View;
use std::ops::Range;

/// A plot's pixel rectangle and the view drawn in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Viewport {
    /// The plot's columns, in device pixels.
    pub cols: Range<i32>,
    /// The plot's rows, in device pixels (y grows downwards).
    pub rows: Range<i32>,
    /// The world rectangle drawn there.
    pub view: View,
}

impl Viewport {
    /// The view `view` drawn in the pixel rectangle `(cols, rows)`.
    pub fn new((cols, rows): (Range<i32>, Range<i32>), view: View) -> Self {
        Viewport { cols, rows, view }
    }

    /// The plot's width in device pixels (at least 1, so no mapping divides by zero).
    pub fn width(&self) -> f64 {
        f64::from((self.cols.end - self.cols.start).max(1))
    }

    /// The plot's height in device pixels (at least 1).
    pub fn height(&self) -> f64 {
        f64::from((self.rows.end - self.rows.start).max(1))
    }

    /// Whether device pixel `(px, py)` lies on the plot, its edges included: exactly the
    /// pixels [`Viewport::world`] maps into the view.
    pub fn contains(&self, px: f64, py: f64) -> bool {
        (f64::from(self.cols.start)..=f64::from(self.cols.end)).contains(&px)
            && (f64::from(self.rows.start)..=f64::from(self.rows.end)).contains(&py)
    }

    /// The world point under device pixel `(px, py)`.
    pub fn world(&self, px: f64, py: f64) -> [f64; 2] {
        let v = &self.view;
        let fx = (px - f64::from(self.cols.start)) / self.width();
        let fy = (py - f64::from(self.rows.start)) / self.height();
        [
            v.x_min + fx * (v.x_max - v.x_min),
            v.y_max - fy * (v.y_max - v.y_min),
        ]
    }

    /// The device pixel `[px, py]` at which world point `[x, y]` is drawn: the inverse of
    /// [`Viewport::world`].
    pub fn pixel(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let v = &self.view;
        [
            f64::from(self.cols.start) + (x - v.x_min) / (v.x_max - v.x_min) * self.width(),
            f64::from(self.rows.start) + (v.y_max - y) / (v.y_max - v.y_min) * self.height(),
        ]
    }
}
