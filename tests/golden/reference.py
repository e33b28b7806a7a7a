#!/usr/bin/env python3
"""Independent reference for tests/optimizers.rs: torch.optim's documented update rules,
written out in plain Python floats (IEEE f64) straight from the pseudo-code in torch's docs
(torch.optim.SGD and torch.optim.Adam pages), with hand-derived gradients of the surfaces.

It shares no code with optiviz. Run it to regenerate the pinned numbers:
    python3 tests/golden/reference.py
"""
import json
import math


def rosenbrock_grad(x, y):
    # f = (1 - x)^2 + 100 (y - x^2)^2
    return (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x))


def bowl_grad(x, y, k=10.0):
    # f = 0.5 (x^2 + k y^2)
    return (x, k * y)


def sgd(grad, theta, steps, lr, momentum=0.0, dampening=0.0, weight_decay=0.0):
    """torch.optim.SGD's documented algorithm (nesterov=False, maximize=False)."""
    out, b = [], None
    theta = list(theta)
    for t in range(1, steps + 1):
        g = list(grad(*theta))
        if weight_decay != 0:
            g = [gi + weight_decay * p for gi, p in zip(g, theta)]
        if momentum != 0:
            if t > 1:
                b = [momentum * bi + (1 - dampening) * gi for bi, gi in zip(b, g)]
            else:
                b = g
            g = b
        theta = [p - lr * gi for p, gi in zip(theta, g)]
        out.append(theta)
    return out


def adam(grad, theta, steps, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """torch.optim.Adam's documented algorithm (amsgrad=False, maximize=False)."""
    b1, b2 = betas
    m, v, out = [0.0, 0.0], [0.0, 0.0], []
    theta = list(theta)
    for t in range(1, steps + 1):
        g = list(grad(*theta))
        if weight_decay != 0:
            g = [gi + weight_decay * p for gi, p in zip(g, theta)]
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
        mh = [mi / (1 - b1 ** t) for mi in m]
        vh = [vi / (1 - b2 ** t) for vi in v]
        theta = [p - lr * a / (math.sqrt(b) + eps) for p, a, b in zip(theta, mh, vh)]
        out.append(theta)
    return out


CASES = {
    "sgd_rosenbrock": sgd(rosenbrock_grad, (-1.2, 1.0), 3, lr=1e-3),
    "momentum_rosenbrock": sgd(rosenbrock_grad, (-1.2, 1.0), 3, lr=1e-3, momentum=0.9),
    "momentum_dampening_wd_bowl": sgd(bowl_grad, (1.0, 1.0), 3, lr=0.05, momentum=0.8,
                                      dampening=0.3, weight_decay=0.01),
    "adam_rosenbrock": adam(rosenbrock_grad, (-1.2, 1.0), 3, lr=1e-2),
    "adam_bowl": adam(bowl_grad, (1.0, 1.0), 3, lr=0.1, betas=(0.8, 0.99), eps=1e-6,
                      weight_decay=0.05),
}

if __name__ == "__main__":
    for name, pts in CASES.items():
        print(name, json.dumps([[repr(x) for x in p] for p in pts]))
