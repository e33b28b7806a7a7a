#!/usr/bin/env python3
"""The basin-map workload of `make bench`, written as a user would write it in vectorized numpy.

The page's basin map (src/core/compare.rs, `BasinGrid`; the workload is
src/core/bench.rs's `basin_workload`): gradient descent (torch's plain SGD, theta -= lr * g,
lr = 0.01) on Himmelblau's function from every pixel centre of a size x size grid over
[-5, 5]^2, at most 500 steps. A start settles at the step where both the gradient at the new
point and the step just taken are at most 1e-6 long (or at step 0 when its gradient already
is); a non-finite point or loss ends it as diverged. A settled start within 0.01 (1e-3 of the
view's side) of one of Himmelblau's four minima is counted for the nearest one.

Here the grid is a pair of arrays and every step updates the starts still open, settled and
diverged ones frozen (dropped from the arrays). Prints one JSON object: the size, the median
time of `--repeat` runs in milliseconds, numpy's version, and how many starts settled at each
minimum, elsewhere, not at all, or diverged (the page's benchmark checks the settled count
against its own map).

    python3 scripts/bench_numpy.py [--size 512] [--repeat 3]
"""

import argparse
import json
import sys
import time

try:
    import numpy as np
except ImportError:
    sys.exit("bench_numpy: numpy is not installed (Debian: apt-get install python3-numpy; or pip install numpy)")

LR = 0.01
STEPS = 500
TOL = 1e-6
VIEW = (-5.0, 5.0, -5.0, 5.0)
MINIMA = np.array([
    [3.0, 2.0],
    [-2.805118086952745, 3.131312518250573],
    [-3.779310253377747, -3.2831859912861696],
    [3.5844283403304917, -1.8481265269644036],
])
RADIUS = 1e-3 * max(VIEW[1] - VIEW[0], VIEW[3] - VIEW[2])


def loss(x, y):
    """Himmelblau's function."""
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def grad(x, y):
    """Himmelblau's gradient."""
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


def basin_map(size):
    """The code of every start, row-major: -2 not settled, -1 diverged, i minimum i, 4 elsewhere;
    and the step at which each start settled or diverged."""
    x_min, x_max, y_min, y_max = VIEW
    cols = x_min + (np.arange(size) + 0.5) / size * (x_max - x_min)
    rows = y_max - (np.arange(size) + 0.5) / size * (y_max - y_min)
    x = np.tile(cols, size)
    y = np.repeat(rows, size)
    code = np.full(size * size, -2, dtype=np.int64)
    steps = np.zeros(size * size, dtype=np.int64)
    index = np.arange(size * size)

    def settle(i, px, py, k):
        # The nearest minimum within RADIUS on both axes and in distance, else "elsewhere".
        dx = px[:, None] - MINIMA[None, :, 0]
        dy = py[:, None] - MINIMA[None, :, 1]
        d = np.hypot(dx, dy)
        d[(np.abs(dx) > RADIUS) | (np.abs(dy) > RADIUS)] = np.inf
        nearest = np.argmin(d, axis=1)
        code[i] = np.where(d[np.arange(len(i)), nearest] <= RADIUS, nearest, 4)
        steps[i] = k

    gx, gy = grad(x, y)
    done = np.hypot(gx, gy) <= TOL
    settle(index[done], x[done], y[done], 0)
    open_ = ~done
    x, y, gx, gy, index = x[open_], y[open_], gx[open_], gy[open_], index[open_]
    for k in range(1, STEPS + 1):
        if index.size == 0:
            break
        nx = x - LR * gx
        ny = y - LR * gy
        ngx, ngy = grad(nx, ny)
        bad = ~(np.isfinite(nx) & np.isfinite(ny) & np.isfinite(loss(nx, ny)))
        code[index[bad]] = -1
        steps[index[bad]] = k
        done = ~bad & (np.hypot(ngx, ngy) <= TOL) & (np.hypot(nx - x, ny - y) <= TOL)
        settle(index[done], nx[done], ny[done], k)
        keep = ~(bad | done)
        x, y, gx, gy, index = nx[keep], ny[keep], ngx[keep], ngy[keep], index[keep]
    return code, steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512, help="grid side, 1 to 2048 (default 512)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs, 1 to 20 (default 3)")
    args = parser.parse_args()
    if not 1 <= args.size <= 2048:
        parser.error(f"--size {args.size}: allowed values are 1 to 2048")
    if not 1 <= args.repeat <= 20:
        parser.error(f"--repeat {args.repeat}: allowed values are 1 to 20")
    basin_map(16)  # warm-up: numpy's first calls
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        code, _ = basin_map(args.size)
        times.append((time.perf_counter() - t0) * 1000.0)
    counts = {
        "minima": [int(np.sum(code == i)) for i in range(len(MINIMA))],
        "elsewhere": int(np.sum(code == 4)),
        "not_settled": int(np.sum(code == -2)),
        "diverged": int(np.sum(code == -1)),
    }
    print(json.dumps({
        "size": args.size,
        "ms": sorted(times)[len(times) // 2],
        "numpy": np.__version__,
        "settled": int(np.sum(code >= 0)),
        "counts": counts,
    }))


if __name__ == "__main__":
    main()
