//! The 3D view's mesh: faces lying on the surface over a view, each coloured by its own
//! height, finer wherever the surface bends between the grid's points.
//!
//! A grid of [`Mesh::QUADS`] × [`Mesh::QUADS`] cells samples most surfaces well, but not a
//! valley narrower than a cell: Rosenbrock's, on a log scale, falls from the walls to its
//! floor within a tenth of a unit, and where it runs across the grid, one cell's corner lies
//! on the floor and the next column's corners on the walls. Drawn from those corners alone
//! the floor becomes a row of pits with ridges between them, a saw-tooth along the valley
//! that the surface does not have. So each cell is compared with the surface at
//! [`Mesh::REFINE`] × [`Mesh::REFINE`] points inside it; a cell the surface departs from (by
//! more than [`Mesh::TOLERANCE`] of the vertical axis) is drawn as that many smaller faces,
//! the worst [`Mesh::MAX_REFINED`] at most, to bound what a frame draws. A cell beside a
//! refined one takes the refined one's points along their shared edge, so that no crack
//! opens between them.

use super::field::Field;
use crate::core::surface::View;

/// One face of the mesh: a polygon on the surface and the height it is coloured by.
#[derive(Clone, Debug, PartialEq)]
pub struct Face {
    /// The polygon's points `[x, y, h]` in order around it, `h` the surface's scaled value
    /// there ([`super::Scaling::normalize`], in `[0, 1]`): four corners, and for a cell beside
    /// a refined one the refined one's points along their shared edge.
    pub points: Vec<[f64; 3]>,
    /// The face's own height: the mean of its points' heights.
    pub height: f64,
}

/// The surface's mesh over a field's view ([`Mesh::new`]).
#[derive(Clone, Debug)]
pub struct Mesh {
    /// Every face, each cell's in turn (row by row from the smallest y, left to right).
    pub faces: Vec<Face>,
    view: View,
    /// For each cell (row-major, row 0 at the smallest y): the index of its face, or of the
    /// first of its `REFINE²` faces (row-major) when it is refined.
    cells: Vec<(usize, bool)>,
}

impl Mesh {
    /// Cells along each side of the view.
    pub const QUADS: usize = 40;
    /// Faces along each side of a refined cell.
    pub const REFINE: usize = 4;
    /// How far (in scaled units, the vertical axis being 1) the surface may depart from a
    /// cell's bilinear interpolation of its corners, at any of the refined grid's points
    /// inside it, before the cell is refined.
    pub const TOLERANCE: f64 = 0.02;
    /// The most cells refined: those the surface departs from the most.
    pub const MAX_REFINED: usize = 160;

    /// The mesh of `field` over its view, heights scaled by its
    /// [`super::Scaling::normalize`] (a value that is not a number takes the top).
    pub fn new(field: &Field) -> Mesh {
        let (n, k) = (Self::QUADS, Self::REFINE);
        let m = n * k;
        let v = field.view;
        let at = |lo: f64, hi: f64, i: usize| lo + (hi - lo) * i as f64 / m as f64;
        let xs: Vec<f64> = (0..=m).map(|i| at(v.x_min, v.x_max, i)).collect();
        let ys: Vec<f64> = (0..=m).map(|j| at(v.y_min, v.y_max, j)).collect();
        // The surface's scaled value at every point of the fine grid, (i, j) at index j·(m+1)+i.
        let heights: Vec<f64> = ys
            .iter()
            .flat_map(|&y| {
                xs.iter()
                    .map(move |&x| field.scaling.normalize(field.surface.value([x, y])))
            })
            .collect();
        let point = |i: usize, j: usize| [xs[i], ys[j], heights[j * (m + 1) + i]];

        // How far each cell's interior departs from its corners' bilinear interpolation.
        let departure = |ci: usize, cj: usize| -> f64 {
            let h = |a: usize, b: usize| point(ci * k + a, cj * k + b)[2];
            let (h00, h10, h01, h11) = (h(0, 0), h(k, 0), h(0, k), h(k, k));
            let mut worst = 0.0f64;
            for b in 0..=k {
                for a in 0..=k {
                    let (u, w) = (a as f64 / k as f64, b as f64 / k as f64);
                    let bilinear = h00 * (1.0 - u) * (1.0 - w)
                        + h10 * u * (1.0 - w)
                        + h01 * (1.0 - u) * w
                        + h11 * u * w;
                    worst = worst.max((h(a, b) - bilinear).abs());
                }
            }
            worst
        };
        let mut worst: Vec<(f64, usize)> = (0..n * n)
            .map(|c| (departure(c % n, c / n), c))
            .filter(|&(d, _)| d > Self::TOLERANCE)
            .collect();
        worst.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut refined = vec![false; n * n];
        for &(_, c) in worst.iter().take(Self::MAX_REFINED) {
            refined[c] = true;
        }
        let is_refined = |ci: isize, cj: isize| {
            (0..n as isize).contains(&ci)
                && (0..n as isize).contains(&cj)
                && refined[cj as usize * n + ci as usize]
        };

        let face = |points: Vec<[f64; 3]>| {
            let height = points.iter().map(|p| p[2]).sum::<f64>() / points.len() as f64;
            Face { points, height }
        };
        let mut faces = Vec::with_capacity(n * n + Self::MAX_REFINED * k * k);
        let mut cells = Vec::with_capacity(n * n);
        for cj in 0..n {
            for ci in 0..n {
                let (i0, j0) = (ci * k, cj * k);
                if refined[cj * n + ci] {
                    cells.push((faces.len(), true));
                    for b in 0..k {
                        for a in 0..k {
                            let (i, j) = (i0 + a, j0 + b);
                            faces.push(face(vec![
                                point(i, j),
                                point(i + 1, j),
                                point(i + 1, j + 1),
                                point(i, j + 1),
                            ]));
                        }
                    }
                    continue;
                }
                cells.push((faces.len(), false));
                // Around the cell counter-clockwise (seen from above), each edge from its
                // first corner up to its last, through the fine points of a refined neighbour.
                let (ci, cj) = (ci as isize, cj as isize);
                let steps = |neighbour: bool| if neighbour { k } else { 1 };
                let mut points = Vec::with_capacity(4 * k);
                let s = steps(is_refined(ci, cj - 1));
                points.extend((0..s).map(|a| point(i0 + a * k / s, j0)));
                let s = steps(is_refined(ci + 1, cj));
                points.extend((0..s).map(|b| point(i0 + k, j0 + b * k / s)));
                let s = steps(is_refined(ci, cj + 1));
                points.extend((0..s).map(|a| point(i0 + k - a * k / s, j0 + k)));
                let s = steps(is_refined(ci - 1, cj));
                points.extend((0..s).map(|b| point(i0, j0 + k - b * k / s)));
                faces.push(face(points));
            }
        }
        Mesh {
            faces,
            view: v,
            cells,
        }
    }

    /// The index (in [`Mesh::faces`]) of the face over point `[x, y]` of the view, or `None`
    /// outside it.
    pub fn face_at(&self, [x, y]: [f64; 2]) -> Option<usize> {
        let v = &self.view;
        if !(x >= v.x_min && x <= v.x_max && y >= v.y_min && y <= v.y_max) {
            return None;
        }
        let (n, k) = (Self::QUADS, Self::REFINE);
        let fine = |t: f64, lo: f64, hi: f64| {
            (((t - lo) / (hi - lo) * (n * k) as f64).floor() as usize).min(n * k - 1)
        };
        let (i, j) = (fine(x, v.x_min, v.x_max), fine(y, v.y_min, v.y_max));
        let (first, refined) = *self.cells.get((j / k) * n + i / k)?;
        Some(if refined {
            first + (j % k) * k + i % k
        } else {
            first
        })
    }

    /// Where segment `a → b` crosses the lines of the refined grid (the faces' edges), as
    /// fractions of the way from `a` to `b` in `(0, 1)`, in order: cut there, each piece of
    /// the segment lies over one face.
    pub fn crossings(&self, a: [f64; 2], b: [f64; 2]) -> Vec<f64> {
        let m = (Self::QUADS * Self::REFINE) as f64;
        let v = &self.view;
        let mut out = Vec::new();
        for (axis, lo, hi) in [(0, v.x_min, v.x_max), (1, v.y_min, v.y_max)] {
            let (p, q) = (a[axis], b[axis]);
            let span = hi - lo;
            // Positions on the refined grid: line k lies at k.
            let (gp, gq) = ((p - lo) / span * m, (q - lo) / span * m);
            if !(gp.is_finite() && gq.is_finite()) || gp == gq {
                continue;
            }
            let (first, last) = (gp.min(gq).ceil().max(0.0), gp.max(gq).floor().min(m));
            let mut line = first;
            while line <= last {
                let t = (line - gp) / (gq - gp);
                if t > 0.0 && t < 1.0 {
                    out.push(t);
                }
                line += 1.0;
            }
        }
        out.sort_by(f64::total_cmp);
        out
    }
}
