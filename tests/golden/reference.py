#!/usr/bin/env python3
"""Independent reference for tests/optimizers.rs: golden trajectories of every optimizer.

README
======
Plain Python 3 (standard library only; IEEE f64 floats) transcriptions of the update rules,
with hand-derived gradients and Hessians of the two surfaces. It shares no code with optiviz
and was written without reading src/optim/. Regenerate the pinned numbers with

    python3 tests/golden/reference.py

which writes tests/golden/steps.json (schema below) and prints a short human summary.

Sources, one per optimizer id:
  sgd, momentum, nesterov  torch.optim.SGD docs pseudo-code (+ torch/optim/sgd.py, _single_tensor_sgd)
  adagrad                  torch.optim.Adagrad docs            (+ torch/optim/adagrad.py)
  rmsprop                  torch.optim.RMSprop docs            (+ torch/optim/rmsprop.py)
  adadelta                 torch.optim.Adadelta docs           (+ torch/optim/adadelta.py)
  adam, amsgrad            torch.optim.Adam docs               (+ torch/optim/adam.py)
  adamw                    torch.optim.AdamW docs              (+ torch/optim/adamw.py)
  adamax                   torch.optim.Adamax docs             (+ torch/optim/adamax.py)
  nadam                    torch.optim.NAdam docs              (+ torch/optim/nadam.py)
  radam                    torch.optim.RAdam docs              (+ torch/optim/radam.py)
  lion                     Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"
                           (arXiv:2302.06675), Algorithm 2, as optax.lion (scale_by_lion +
                           add_decayed_weights + scale_by_learning_rate)
  newton                   damped Newton; saddle-free fallback after Dauphin et al. 2014,
                           "Identifying and attacking the saddle point problem" (|eigenvalues|)
  convention flags         `classical`, `eps_inside_sqrt`, `bias_correction`: textbook forms
                           (Sutskever et al. 2013 momentum; eps under the root as in TF/Keras;
                           Adam without bias correction), as specified in the project brief.

Everything runs the single-tensor (for-loop) code path on CPU, maximize=False, foreach=False,
capturable=False, differentiable=False, and with *scalar state in f64* (i.e. as if
torch.set_default_dtype(torch.float64)); see "docs vs implementation" below.

Where torch's implementation and its docs pseudo-code differ, this file follows the
implementation (the thing optiviz must reproduce). The differences found:
  * Adam/AdamW amsgrad: the implementation keeps max(v_max, v_t) of the *raw* second moment and
    bias-corrects afterwards, denom = sqrt(v_max)/sqrt(1-b2^t) + eps; the docs of torch <= 2.5
    write max(v^_max, v^_t) over the *bias-corrected* v^ (pytorch/pytorch#142323; newer docs
    were changed to match the code). The two give different numbers (see the summary line
    "amsgrad docs-vs-impl").
  * RAdam: the implementation puts eps on sqrt(v_t): l_t = sqrt(1-b2^t)/(sqrt(v_t)+eps); old
    docs wrote l_t = sqrt((1-b2^t)/v_t) without eps. Current docs agree with the code.
  * NAdam: torch keeps `mu_product` (and `step`) as 0-dim tensors of the default scalar dtype,
    i.e. float32 unless the default dtype is float64, so with default settings torch rounds the
    mu-product to f32 each step even for f64 parameters. This file keeps it in f64; the size of
    that effect is printed ("nadam f32 mu_product").
  * Adagrad clr = lr/(1+(t-1)*lr_decay), RMSprop's momentum buffer b <- mu*b + g/denom,
    Adadelta's lr multiplying the Zeiler step, Adamax's eps inside the max, NAdam's bias
    correction of v: the current docs and the implementation agree on all of these (the brief
    listed them as possible divergences; checked, none changes numbers).
  * Rounding-level only (no effect beyond ulps): torch uses lerp for first moments
    (m + (1-b)(g-m)), computes Adam's denominator as sqrt(v)/sqrt(1-b2^t) + eps and NAdam's as
    sqrt(v/(1-b2^t)) + eps, applies NAdam's two terms as two separate addcdiv_ calls, and ATen
    CPU kernels may fuse multiply-adds. This file follows torch's grouping where it is visible in
    Python; a second run with the docs' grouping (and a differently rounded gradient) is
    compared against it, and the largest relative difference per case is printed, as a guide
    for test tolerances.

Schema of steps.json:
  {"generator": "tests/golden/reference.py", "cases": [
    {"name", "optimizer", "surface", "start": [x0, y0], "values": {torch-name: value},
     "flags": {flag: bool}, "points": [[x1, y1], ...]}]}
points[k] is the parameter after k+1 steps. `values` lists lr and every hyperparameter the case
sets; anything not listed takes the default in OPTIMIZERS below (torch's default, except
`momentum`'s momentum=0.9). `flags` lists the flags the case sets; absent flags are default.

Hand checks of first steps (all asserted in sanity_checks()):
  rosenbrock at (-1.2, 1): g = (-2(2.2) - 400(-1.2)(1-1.44), 200(1-1.44)) = (-215.6, -88)
  sgd      theta1 = theta0 - lr g                      lr=1e-3: (-0.9844, 1.088)
  nesterov theta1 = theta0 - lr (1+mu) g               (buf1 = g; g + mu buf1)
  adagrad  theta1 = theta0 - lr g/(|g| + eps)          = theta0 - lr sign(g) (to 1e-10 relative)
  rmsprop  theta1 = theta0 - lr g/(sqrt(1-a)|g| + eps) ~ theta0 - 10 lr sign(g) for a = 0.99
  adadelta theta1 = theta0 - lr sqrt(eps) g/sqrt((1-rho) g^2 + eps) ~ -lr 1e-3/sqrt(0.1) sign(g)
  adam     m^1 = g, v^1 = g^2 -> theta1 = theta0 - lr g/(|g|+eps) ~ theta0 - lr sign(g)
  adamw    theta1 = theta0 (1 - lr wd) - lr g/(|g|+eps)
  adamax   m1 = (1-b1) g, u1 = |g| + eps -> theta1 = theta0 - lr g/(|g|+eps) ~ -lr sign(g)
  nadam    v^1 = g^2, m1 = (1-b1) g ->
           theta1 = theta0 - lr [1 + mu2 (1-b1)/(1 - mu1 mu2)] g/(|g|+eps)
           with mu1 = 0.9(1 - 0.5*0.96^0.004) = 0.45007..., mu2 = 0.9(1 - 0.5*0.96^0.008)
           = 0.45015..., so the first step is ~1.0565 lr sign(g), not lr sign(g)
  radam    rho_1 = rho_inf - 2 b2/(1-b2) = 1 <= 5, m^1 = g -> theta1 = theta0 - lr g (plain SGD);
           with b2 = 0.999, rho_t ~ t - small, so rho_t > 5 first at t = 6
  lion     m0 = 0 -> c1 = (1-b1) g -> theta1 = theta0 - lr sign(g) (exactly)
  newton   bowl: H = diag(1, 10), g = (x, 10y) -> d = (x, y), lr = 1 lands on (0, 0) exactly
"""
import json
import math
import os
import struct
import sys


# ----------------------------------------------------------------------------- surfaces
def rosenbrock_grad(x, y, alt=False):
    # f = (1 - x)^2 + 100 (y - x^2)^2
    # df/dx = -2 (1 - x) - 400 x (y - x^2),  df/dy = 200 (y - x^2)
    if alt:  # same derivative, different rounding (sensitivity estimate only)
        return (2 * (x - 1) - 400 * x * y + 400 * x * x * x, 200 * y - 200 * x * x)
    return (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x))


def rosenbrock_hess(x, y):
    # [[2 - 400 (y - 3 x^2), -400 x], [-400 x, 200]]  as (a, b, c) of [[a, b], [b, c]]
    return (2 - 400 * (y - 3 * x * x), -400 * x, 200.0)


def bowl_grad(x, y, alt=False, k=10.0):
    # f = 0.5 (x^2 + k y^2)
    return (x, k * y)


def bowl_hess(x, y, k=10.0):
    return (1.0, 0.0, k)


SURFACES = {
    "rosenbrock": (rosenbrock_grad, rosenbrock_hess),
    "bowl": (bowl_grad, bowl_hess),
}


# ----------------------------------------------------------------------------- helpers
def sign(z):
    return 1.0 if z > 0 else (-1.0 if z < 0 else 0.0)


def lerp(a, b, w):
    """torch.lerp(a, b, w) as ATen computes it (Lerp.h): branch on |w| < 0.5."""
    return a + w * (b - a) if abs(w) < 0.5 else b - (b - a) * (1 - w)


def ema(m, g, beta, alt):
    """First moment m <- beta m + (1-beta) g; torch: m.lerp_(g, 1-beta)."""
    return beta * m + (1 - beta) * g if alt else lerp(m, g, 1 - beta)


def ema_sq(v, g, beta, alt):
    """Second moment v <- beta v + (1-beta) g^2; torch: v.mul_(beta).addcmul_(g, g, value=1-beta)."""
    return beta * v + (1 - beta) * (g * g) if alt else v * beta + (1 - beta) * g * g


def gradient(surface, theta, alt):
    return list(SURFACES[surface][0](theta[0], theta[1], alt=alt))


def l2(g, theta, wd):
    """Coupled weight decay: g <- g + wd theta (torch: grad.add(param, alpha=wd))."""
    return [gi + wd * p for gi, p in zip(g, theta)] if wd != 0 else g


# ----------------------------------------------------------------------------- optimizers
# Every run function: (surface, start, steps, v: values, f: flags, alt, trace) -> points.
# `alt` selects the docs' arithmetic grouping instead of torch's (rounding-level only);
# `trace` collects one marker per step where a branch is taken (printed in the summary).

def run_sgd(surface, start, steps, v, f, alt, trace, nesterov=False):
    r"""torch.optim.SGD (maximize=False). Docs pseudo-code:

        input: gamma (lr), theta_0, f, lambda (weight decay), mu (momentum), tau (dampening),
               nesterov
        for t = 1, ...:
            g_t <- grad f(theta_{t-1})
            if lambda != 0:  g_t <- g_t + lambda theta_{t-1}
            if mu != 0:
                if t > 1:  b_t <- mu b_{t-1} + (1 - tau) g_t
                else:      b_t <- g_t                 (first step: no dampening)
                if nesterov:  g_t <- g_t + mu b_t
                else:         g_t <- b_t
            theta_t <- theta_{t-1} - gamma g_t

    Implementation identical (buf = clone(grad) on the first step;
    buf.mul_(mu).add_(grad, alpha=1-tau); grad.add(buf, alpha=mu); param.add_(grad, alpha=-lr)).

    flag `classical` (not torch; Sutskever et al. 2013 with lr inside the velocity), v_0 = 0:
        momentum:  v_t <- mu v_{t-1} + gamma g_t;  theta_t <- theta_{t-1} - v_t
        nesterov:  v_t <- mu v_{t-1} + gamma g_t;  theta_t <- theta_{t-1} - (mu v_t + gamma g_t)
    (g_t including weight decay). With constant lr and tau = 0 both forms give the same
    trajectory mathematically (v_t = gamma b_t); only rounding differs. Dampening is not
    defined for the classical form, so it must be 0 there.
    """
    lr, mu, wd = v["lr"], v.get("momentum", 0.0), v["weight_decay"]
    tau = v.get("dampening", 0.0)
    classical = f.get("classical", False)
    if classical and tau != 0:
        raise ValueError("classical momentum is defined for dampening = 0 only")
    theta, buf, out = list(start), None, []
    for t in range(1, steps + 1):
        g = l2(gradient(surface, theta, alt), theta, wd)
        if mu != 0 and classical:
            vel = [lr * gi for gi in g] if buf is None else \
                [mu * bi + lr * gi for bi, gi in zip(buf, g)]
            buf = vel
            upd = [mu * vi + lr * gi for vi, gi in zip(vel, g)] if nesterov else vel
            theta = [p - u for p, u in zip(theta, upd)]
        else:
            if mu != 0:
                buf = list(g) if buf is None else \
                    [bi * mu + (1 - tau) * gi for bi, gi in zip(buf, g)]
                g = [gi + mu * bi for gi, bi in zip(g, buf)] if nesterov else buf
            theta = [p - lr * gi for p, gi in zip(theta, g)]
        out.append(theta)
    return out


def run_nesterov(surface, start, steps, v, f, alt, trace):
    """torch.optim.SGD with nesterov=True (dampening 0): see run_sgd."""
    return run_sgd(surface, start, steps, v, f, alt, trace, nesterov=True)


def run_adagrad(surface, start, steps, v, f, alt, trace):
    r"""torch.optim.Adagrad. Docs pseudo-code:

        input: gamma (lr), theta_0, f, lambda (weight decay), tau (initial accumulator value),
               eta (lr decay), eps
        initialize: state_sum_0 <- tau
        for t = 1, ...:
            g_t <- grad f(theta_{t-1})
            gamma~ <- gamma / (1 + (t - 1) eta)
            if lambda != 0:  g_t <- g_t + lambda theta_{t-1}
            state_sum_t <- state_sum_{t-1} + g_t^2
            theta_t <- theta_{t-1} - gamma~ g_t / (sqrt(state_sum_t) + eps)

    Implementation: clr = lr / (1 + (step - 1) * lr_decay); state_sum.addcmul_(g, g, value=1);
    std = state_sum.sqrt().add_(eps); param.addcdiv_(g, std, value=-clr). Same as the docs.
    """
    lr, eta, wd = v["lr"], v["lr_decay"], v["weight_decay"]
    eps, s = v["eps"], [v["initial_accumulator_value"]] * 2
    theta, out = list(start), []
    for t in range(1, steps + 1):
        g = l2(gradient(surface, theta, alt), theta, wd)
        clr = lr / (1 + (t - 1) * eta)
        s = [si + gi * gi for si, gi in zip(s, g)]
        theta = [p - clr * gi / (math.sqrt(si) + eps) for p, gi, si in zip(theta, g, s)]
        out.append(theta)
    return out


def run_rmsprop(surface, start, steps, v, f, alt, trace):
    r"""torch.optim.RMSprop. Docs pseudo-code:

        input: alpha, gamma (lr), theta_0, f, lambda (weight decay), mu (momentum), centered, eps
        initialize: v_0 <- 0, b_0 <- 0, g^ave_0 <- 0
        for t = 1, ...:
            g_t <- grad f(theta_{t-1})
            if lambda != 0:  g_t <- g_t + lambda theta_{t-1}
            v_t <- alpha v_{t-1} + (1 - alpha) g_t^2
            v~_t <- v_t
            if centered:
                g^ave_t <- g^ave_{t-1} alpha + (1 - alpha) g_t
                v~_t <- v~_t - (g^ave_t)^2
            if mu > 0:
                b_t <- mu b_{t-1} + g_t / (sqrt(v~_t) + eps)
                theta_t <- theta_{t-1} - gamma b_t
            else:
                theta_t <- theta_{t-1} - gamma g_t / (sqrt(v~_t) + eps)

    Implementation: square_avg.mul_(alpha).addcmul_(g, g, value=1-alpha);
    grad_avg.lerp_(g, 1-alpha); avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
    (or square_avg.sqrt()); avg.add_(eps); buf.mul_(mu).addcdiv_(g, avg);
    param.add_(buf, alpha=-lr) or param.addcdiv_(g, avg, value=-lr). Same as the docs
    (note the momentum buffer accumulates g/denom, and lr multiplies the buffer).

    flag `eps_inside_sqrt`: denom = sqrt(v~_t + eps) (centered: sqrt(v_t - (g^ave_t)^2 + eps)).
    """
    lr, a, eps, wd, mu = v["lr"], v["alpha"], v["eps"], v["weight_decay"], v["momentum"]
    centered, inside = f.get("centered", False), f.get("eps_inside_sqrt", False)
    sq, ga, buf = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    theta, out = list(start), []
    for t in range(1, steps + 1):
        g = l2(gradient(surface, theta, alt), theta, wd)
        sq = [ema_sq(si, gi, a, alt) for si, gi in zip(sq, g)]
        if centered:
            ga = [ema(mi, gi, a, alt) for mi, gi in zip(ga, g)]
            var = [si - mi * mi for si, mi in zip(sq, ga)]
        else:
            var = sq
        if inside:
            den = [math.sqrt(vi + eps) for vi in var]
        else:
            den = [math.sqrt(vi) + eps for vi in var]
        if mu > 0:
            buf = [bi * mu + gi / di for bi, gi, di in zip(buf, g, den)]
            theta = [p - lr * bi for p, bi in zip(theta, buf)]
        else:
            theta = [p - lr * gi / di for p, gi, di in zip(theta, g, den)]
        out.append(theta)
    return out


def run_adadelta(surface, start, steps, v, f, alt, trace):
    r"""torch.optim.Adadelta. Docs pseudo-code:

        input: gamma (lr), theta_0, f, rho (decay), lambda (weight decay), eps
        initialize: v_0 <- 0 (square avg), u_0 <- 0 (accumulate variables)
        for t = 1, ...:
            g_t <- grad f(theta_{t-1})
            if lambda != 0:  g_t <- g_t + lambda theta_{t-1}
            v_t <- v_{t-1} rho + g_t^2 (1 - rho)
            dx_t <- sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g_t
            u_t <- u_{t-1} rho + dx_t^2 (1 - rho)
            theta_t <- theta_{t-1} - gamma dx_t

    Implementation: std = square_avg.add(eps).sqrt_(); delta = acc_delta.add(eps).sqrt_()
    .div_(std).mul_(g); acc_delta.mul_(rho).addcmul_(delta, delta, value=1-rho);
    param.add_(delta, alpha=-lr). Same as the docs. (Zeiler 2012 has no lr; torch's gamma
    multiplies the step, default 1.0.)
    """
    lr, rho, eps, wd = v["lr"], v["rho"], v["eps"], v["weight_decay"]
    sq, acc = [0.0, 0.0], [0.0, 0.0]
    theta, out = list(start), []
    for t in range(1, steps + 1):
        g = l2(gradient(surface, theta, alt), theta, wd)
        sq = [ema_sq(si, gi, rho, alt) for si, gi in zip(sq, g)]
        if alt:
            dx = [math.sqrt(ui + eps) / math.sqrt(si + eps) * gi for ui, si, gi in zip(acc, sq, g)]
        else:
            dx = [(math.sqrt(ui + eps) / math.sqrt(si + eps)) * gi for ui, si, gi in zip(acc, sq, g)]
        acc = [ema_sq(ui, di, rho, alt) for ui, di in zip(acc, dx)]
        theta = [p - lr * di for p, di in zip(theta, dx)]
        out.append(theta)
    return out


def run_adam(surface, start, steps, v, f, alt, trace, amsgrad=False, decoupled=False,
             docs_amsgrad=False):
    r"""torch.optim.Adam (and AdamW with decoupled=True). Adam docs pseudo-code:

        input: gamma (lr), beta1, beta2, theta_0, f, lambda (weight decay), amsgrad, eps
        initialize: m_0 <- 0, v_0 <- 0, v_0^max <- 0
        for t = 1, ...:
            g_t <- grad f(theta_{t-1})
            if lambda != 0:  g_t <- g_t + lambda theta_{t-1}
            m_t <- beta1 m_{t-1} + (1 - beta1) g_t
            v_t <- beta2 v_{t-1} + (1 - beta2) g_t^2
            m^_t <- m_t / (1 - beta1^t)
            if amsgrad:
                v_t^max <- max(v_{t-1}^max, v_t)          (implementation; see below)
                v^_t <- v_t^max / (1 - beta2^t)
            else:
                v^_t <- v_t / (1 - beta2^t)
            theta_t <- theta_{t-1} - gamma m^_t / (sqrt(v^_t) + eps)

    AdamW docs: the same, except weight decay is decoupled and applied *before* the Adam step,
    and no lambda theta is added to g_t:
            theta_t <- theta_{t-1} - gamma lambda theta_{t-1}      (param.mul_(1 - lr wd))
            ... m_t, v_t, m^_t, v^_t as above (g_t taken at theta_{t-1}) ...
            theta_t <- theta_t - gamma m^_t / (sqrt(v^_t) + eps)

    Implementation (single-tensor path): exp_avg.lerp_(g, 1-beta1);
    exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1-beta2); step_size = lr / (1 - beta1^t);
    amsgrad: torch.maximum(max_exp_avg_sq, exp_avg_sq) on the RAW v, then
    denom = (sqrt(v or v_max) / sqrt(1 - beta2^t)) + eps; param.addcdiv_(m, denom, -step_size).
    Docs of torch <= 2.5 instead wrote v^max <- max(v^max, v^_t) over the bias-corrected v^;
    that changes the numbers, and we follow the implementation (docs_amsgrad=True reproduces
    the old docs, for the printed comparison only).

    flags (not torch): `eps_inside_sqrt`: denom = sqrt(v^_t + eps);
                       `bias_correction` = False: m^_t = m_t, v^_t = v_t (v_t^max when amsgrad).
    """
    lr, b1, b2, eps, wd = v["lr"], v["beta1"], v["beta2"], v["eps"], v["weight_decay"]
    inside, bc = f.get("eps_inside_sqrt", False), f.get("bias_correction", True)
    m, s, smax = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    theta, out = list(start), []
    for t in range(1, steps + 1):
        g = gradient(surface, theta, alt)
        if decoupled:
            if wd != 0:
                theta = [p - lr * wd * p for p in theta] if alt else \
                    [p * (1 - lr * wd) for p in theta]
        else:
            g = l2(g, theta, wd)
        m = [ema(mi, gi, b1, alt) for mi, gi in zip(m, g)]
        s = [ema_sq(si, gi, b2, alt) for si, gi in zip(s, g)]
        bc1 = 1 - b1 ** t if bc else 1.0
        bc2 = 1 - b2 ** t if bc else 1.0
        if amsgrad:
            if docs_amsgrad:  # old docs: running max of the bias-corrected v^
                smax = [max(xi, si / bc2) for xi, si in zip(smax, s)]
                vhat_num, bc2_eff = smax, 1.0
            else:
                if any(xi > si for xi, si in zip(smax, s)):
                    trace.append("M")  # the max is binding in at least one coordinate
                smax = [max(xi, si) for xi, si in zip(smax, s)]
                vhat_num, bc2_eff = smax, bc2
        else:
            vhat_num, bc2_eff = s, bc2
        if inside:
            den = [math.sqrt(vi / bc2_eff + eps) for vi in vhat_num]
        elif alt:
            den = [math.sqrt(vi / bc2_eff) + eps for vi in vhat_num]
        else:
            den = [math.sqrt(vi) / math.sqrt(bc2_eff) + eps for vi in vhat_num]
        if alt:
            theta = [p - lr * (mi / bc1) / di for p, mi, di in zip(theta, m, den)]
        else:
            step_size = lr / bc1
            theta = [p + (-step_size) * mi / di for p, mi, di in zip(theta, m, den)]
        out.append(theta)
    return out


def run_amsgrad(surface, start, steps, v, f, alt, trace):
    """torch.optim.Adam with amsgrad=True: see run_adam."""
    return run_adam(surface, start, steps, v, f, alt, trace, amsgrad=True)


def run_adamw(surface, start, steps, v, f, alt, trace):
    """torch.optim.AdamW (amsgrad=False): see run_adam (decoupled weight decay)."""
    return run_adam(surface, start, steps, v, f, alt, trace, decoupled=True)


def run_adamax(surface, start, steps, v, f, alt, trace):
    r"""torch.optim.Adamax. Docs pseudo-code:

        input: gamma (lr), beta1, beta2, theta_0, f, lambda (weight decay), eps
        initialize: m_0 <- 0, u_0 <- 0 (infinity norm)
        for t = 1, ...:
            g_t <- grad f(theta_{t-1})
            if lambda != 0:  g_t <- g_t + lambda theta_{t-1}
            m_t <- beta1 m_{t-1} + (1 - beta1) g_t
            u_t <- max(beta2 u_{t-1}, |g_t| + eps)
            theta_t <- theta_{t-1} - gamma m_t / ((1 - beta1^t) u_t)

    Implementation: exp_avg.lerp_(g, 1-beta1); torch.maximum(exp_inf.mul_(beta2),
    g.abs().add_(eps)); clr = lr / (1 - beta1^t); param.addcdiv_(exp_avg, exp_inf, value=-clr).
    Same as the docs: eps is added inside the max (Kingma & Ba's AdaMax has no eps at all).
    """
    lr, b1, b2, eps, wd = v["lr"], v["beta1"], v["beta2"], v["eps"], v["weight_decay"]
    m, u = [0.0, 0.0], [0.0, 0.0]
    theta, out = list(start), []
    for t in range(1, steps + 1):
        g = l2(gradient(surface, theta, alt), theta, wd)
        m = [ema(mi, gi, b1, alt) for mi, gi in zip(m, g)]
        if any(ui * b2 > abs(gi) + eps for ui, gi in zip(u, g)):
            trace.append("U")  # the decayed infinity norm wins the max somewhere
        u = [max(ui * b2, abs(gi) + eps) for ui, gi in zip(u, g)]
        if alt:
            theta = [p - lr * mi / ((1 - b1 ** t) * ui) for p, mi, ui in zip(theta, m, u)]
        else:
            clr = lr / (1 - b1 ** t)
            theta = [p + (-clr) * mi / ui for p, mi, ui in zip(theta, m, u)]
        out.append(theta)
    return out


def f32(z):
    return struct.unpack("f", struct.pack("f", z))[0]


def run_nadam(surface, start, steps, v, f, alt, trace, f32_mu_product=False):
    r"""torch.optim.NAdam. Docs pseudo-code:

        input: gamma (lr), beta1, beta2, theta_0, f, lambda (weight decay),
               psi (momentum decay), eps
        initialize: m_0 <- 0, v_0 <- 0
        for t = 1, ...:
            g_t <- grad f(theta_{t-1})
            if lambda != 0:  g_t <- g_t + lambda theta_{t-1}
            mu_t     <- beta1 (1 - 1/2 0.96^(t psi))
            mu_{t+1} <- beta1 (1 - 1/2 0.96^((t+1) psi))
            m_t <- beta1 m_{t-1} + (1 - beta1) g_t
            v_t <- beta2 v_{t-1} + (1 - beta2) g_t^2
            m^_t <- mu_{t+1} m_t / (1 - prod_{i=1}^{t+1} mu_i)
                    + (1 - mu_t) g_t / (1 - prod_{i=1}^{t} mu_i)
            v^_t <- v_t / (1 - beta2^t)
            theta_t <- theta_{t-1} - gamma m^_t / (sqrt(v^_t) + eps)

    Implementation: mu_product *= mu (state, starts at 1); exp_avg.lerp_(g, 1-beta1);
    exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1-beta2);
    denom = exp_avg_sq.div(1 - beta2^t).sqrt().add_(eps);
    param.addcdiv_(g, denom, value=-lr (1 - mu) / (1 - mu_product));
    param.addcdiv_(exp_avg, denom, value=-lr mu_next / (1 - mu_product * mu_next)).
    Same as the docs (two separate updates: rounding only). The mu_product state is a
    default-dtype scalar tensor (f32 unless the default dtype is f64); here it is f64
    (f32_mu_product=True imitates torch's default, for the printed comparison only).
    """
    lr, b1, b2, eps, wd = v["lr"], v["beta1"], v["beta2"], v["eps"], v["weight_decay"]
    psi = v["momentum_decay"]
    m, s, mu_prod = [0.0, 0.0], [0.0, 0.0], 1.0
    theta, out = list(start), []
    for t in range(1, steps + 1):
        g = l2(gradient(surface, theta, alt), theta, wd)
        bc2 = 1 - b2 ** t
        mu = b1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
        mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
        mu_prod = f32(mu_prod * mu) if f32_mu_product else mu_prod * mu
        m = [ema(mi, gi, b1, alt) for mi, gi in zip(m, g)]
        s = [ema_sq(si, gi, b2, alt) for si, gi in zip(s, g)]
        if alt:
            den = [math.sqrt(si) / math.sqrt(bc2) + eps for si in s]
            mhat = [mu_next * mi / (1 - mu_prod * mu_next) + (1 - mu) * gi / (1 - mu_prod)
                    for mi, gi in zip(m, g)]
            theta = [p - lr * mh / di for p, mh, di in zip(theta, mhat, den)]
        else:
            den = [math.sqrt(si / bc2) + eps for si in s]
            c_g = -lr * (1.0 - mu) / (1.0 - mu_prod)
            c_m = (-lr * mu_next) / (1.0 - mu_prod * mu_next)
            theta = [p + c_g * gi / di for p, gi, di in zip(theta, g, den)]
            theta = [p + c_m * mi / di for p, mi, di in zip(theta, m, den)]
        out.append(theta)
    return out


def radam_rho(t, b2):
    rho_inf = 2 / (1 - b2) - 1
    return rho_inf, rho_inf - 2 * t * (b2 ** t) / (1 - b2 ** t)


def run_radam(surface, start, steps, v, f, alt, trace):
    r"""torch.optim.RAdam. Docs pseudo-code:

        input: gamma (lr), beta1, beta2, theta_0, f, lambda (weight decay), eps
        initialize: m_0 <- 0, v_0 <- 0, rho_inf <- 2/(1 - beta2) - 1
        for t = 1, ...:
            g_t <- grad f(theta_{t-1})
            if lambda != 0:  g_t <- g_t + lambda theta_{t-1}
            m_t <- beta1 m_{t-1} + (1 - beta1) g_t
            v_t <- beta2 v_{t-1} + (1 - beta2) g_t^2
            m^_t <- m_t / (1 - beta1^t)
            rho_t <- rho_inf - 2 t beta2^t / (1 - beta2^t)
            if rho_t > 5:
                l_t <- sqrt(1 - beta2^t) / (sqrt(v_t) + eps)
                r_t <- sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
                theta_t <- theta_{t-1} - gamma m^_t r_t l_t
            else:
                theta_t <- theta_{t-1} - gamma m^_t

    Implementation: the same, as param.add_(m^ * lr * l_t * r_t, alpha=-1) (threshold 5, not
    the paper's 4; eps added to sqrt(v_t), not to sqrt(v^_t); old docs had no eps in l_t).
    """
    lr, b1, b2, eps, wd = v["lr"], v["beta1"], v["beta2"], v["eps"], v["weight_decay"]
    m, s = [0.0, 0.0], [0.0, 0.0]
    theta, out = list(start), []
    for t in range(1, steps + 1):
        g = l2(gradient(surface, theta, alt), theta, wd)
        m = [ema(mi, gi, b1, alt) for mi, gi in zip(m, g)]
        s = [ema_sq(si, gi, b2, alt) for si, gi in zip(s, g)]
        bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
        mhat = [mi / bc1 for mi in m]
        rho_inf, rho_t = radam_rho(t, b2)
        if rho_t > 5.0:
            trace.append("R")
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adapt = [bc2 ** 0.5 / (math.sqrt(si) + eps) for si in s]
            if alt:
                theta = [p - lr * mh * rect * a for p, mh, a in zip(theta, mhat, adapt)]
            else:
                theta = [p - mh * lr * a * rect for p, mh, a in zip(theta, mhat, adapt)]
        else:
            trace.append("s")
            theta = [p - mh * lr for p, mh in zip(theta, mhat)]
        out.append(theta)
    return out


def run_lion(surface, start, steps, v, f, alt, trace):
    r"""Lion (Chen et al. 2023, Algorithm 2), as optax.lion:

        input: lr, beta1, beta2, lambda (weight decay)
        initialize: m_0 <- 0
        for t = 1, ...:
            g_t <- grad f(theta_{t-1})
            c_t <- beta1 m_{t-1} + (1 - beta1) g_t
            theta_t <- theta_{t-1} - lr (sign(c_t) + lambda theta_{t-1})      (sign(0) = 0)
            m_t <- beta2 m_{t-1} + (1 - beta2) g_t

    optax: scale_by_lion -> sign((1-b1) g + b1 m), mu <- (1-b2) g + b2 mu;
    add_decayed_weights(wd) -> u + wd theta; scale_by_learning_rate -> -lr u.
    (optax's default weight_decay is 1e-3; this project's default is 0.)
    """
    lr, b1, b2, wd = v["lr"], v["beta1"], v["beta2"], v["weight_decay"]
    m = [0.0, 0.0]
    theta, out = list(start), []
    for t in range(1, steps + 1):
        g = gradient(surface, theta, alt)
        c = [(1 - b1) * gi + b1 * mi for gi, mi in zip(g, m)]
        # guard for the summary: a sign decided by rounding would make the golden fragile
        rel = min(abs(ci) / (abs((1 - b1) * gi) + abs(b1 * mi)) for ci, gi, mi in zip(c, g, m)
                  if (gi, mi) != (0.0, 0.0)) if any(g) or any(m) else 1.0
        if rel < 1e-9:
            trace.append("!")
        theta = [p - lr * (sign(ci) + wd * p) for p, ci in zip(theta, c)]
        m = [(1 - b2) * gi + b2 * mi for gi, mi in zip(g, m)]
        out.append(theta)
    return out


def sym_eig2(a, b, c):
    """Eigenpairs of the symmetric [[a, b], [b, c]]: [(lam, (q1, q2)), ...], q orthonormal."""
    if b == 0.0:
        return [(a, (1.0, 0.0)), (c, (0.0, 1.0))]
    r = math.hypot(0.5 * (a - c), b)
    lam1 = 0.5 * (a + c) + r
    lam2 = 0.5 * (a + c) - r
    # (H - lam1 I) q = 0: q = (b, lam1 - a) = (lam1 - c, b) up to scale; take the larger one.
    q = (lam1 - c, b) if abs(lam1 - c) >= abs(lam1 - a) else (b, lam1 - a)
    n = math.hypot(q[0], q[1])
    q = (q[0] / n, q[1] / n)
    return [(lam1, q), (lam2, (-q[1], q[0]))]


def newton_direction(a, b, c, g, damping, trace=None):
    """d = (H + damping I)^-1 g if that is positive definite, else the saddle-free
    d = Q diag(1 / max(|lam_i| + damping, 1e-8)) Q^T g with H = Q diag(lam) Q^T."""
    ad, cd = a + damping, c + damping
    det = ad * cd - b * b
    if ad > 0 and det > 0:
        if trace is not None:
            trace.append("N")
        return [(cd * g[0] - b * g[1]) / det, (ad * g[1] - b * g[0]) / det]
    if trace is not None:
        trace.append("F")
    d = [0.0, 0.0]
    for lam, q in sym_eig2(a, b, c):
        coef = (q[0] * g[0] + q[1] * g[1]) / max(abs(lam) + damping, 1e-8)
        d = [d[0] + coef * q[0], d[1] + coef * q[1]]
    return d


def run_newton(surface, start, steps, v, f, alt, trace):
    r"""Newton's method with damping and a saddle-free fallback (not in torch):

        input: lr, damping (delta)
        for t = 1, ...:
            g <- grad f(theta_{t-1});  H <- hess f(theta_{t-1})
            if H + delta I is positive definite (2x2: H11 + delta > 0 and det > 0):
                d <- (H + delta I)^-1 g                 (2x2 solve by the adjugate / det)
            else:
                H = Q Lambda Q^T;  d <- Q diag(1 / max(|lambda_i| + delta, 1e-8)) Q^T g
            theta_t <- theta_{t-1} - lr d

    Hessians: rosenbrock [[2 - 400(y - 3x^2), -400x], [-400x, 200]], bowl diag(1, 10).
    """
    lr, damping = v["lr"], v["damping"]
    hess = SURFACES[surface][1]
    theta, out = list(start), []
    for t in range(1, steps + 1):
        g = gradient(surface, theta, alt)
        a, b, c = hess(*theta)
        d = newton_direction(a, b, c, g, damping, trace)
        theta = [p - lr * di for p, di in zip(theta, d)]
        out.append(theta)
    return out


# id -> (run function, defaults (torch names), flags with their defaults)
ADAM_FLAGS = {"eps_inside_sqrt": False, "bias_correction": True}
ADAM_VALUES = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}
OPTIMIZERS = {
    "sgd": (run_sgd, {"lr": 1e-3, "weight_decay": 0.0}, {}),
    "momentum": (run_sgd, {"lr": 1e-3, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0},
                 {"classical": False}),
    "nesterov": (run_nesterov, {"lr": 1e-3, "momentum": 0.9, "weight_decay": 0.0},
                 {"classical": False}),
    "adagrad": (run_adagrad, {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0,
                              "initial_accumulator_value": 0.0, "eps": 1e-10}, {}),
    "rmsprop": (run_rmsprop, {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0,
                              "momentum": 0.0}, {"centered": False, "eps_inside_sqrt": False}),
    "adadelta": (run_adadelta, {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0}, {}),
    "adam": (run_adam, dict(ADAM_VALUES), dict(ADAM_FLAGS)),
    "amsgrad": (run_amsgrad, dict(ADAM_VALUES), dict(ADAM_FLAGS)),
    "adamw": (run_adamw, dict(ADAM_VALUES, weight_decay=1e-2), dict(ADAM_FLAGS)),
    "adamax": (run_adamax, dict(ADAM_VALUES, lr=2e-3), {}),
    "nadam": (run_nadam, dict(ADAM_VALUES, lr=2e-3, momentum_decay=4e-3), {}),
    "radam": (run_radam, dict(ADAM_VALUES), {}),
    "lion": (run_lion, {"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0}, {}),
    "newton": (run_newton, {"lr": 1.0, "damping": 0.0}, {}),
}

R0, B1, B2 = [-1.2, 1.0], [1.0, 1.0], [-2.5, 1.5]

# (name, optimizer id, surface, start, values, flags[, steps]); values always carry lr.
CASES = [
    # sgd
    ("sgd_rosenbrock", "sgd", "rosenbrock", R0, {"lr": 1e-3}, {}),
    ("sgd_bowl", "sgd", "bowl", B2, {"lr": 0.05}, {}),
    ("sgd_wd_bowl", "sgd", "bowl", B1, {"lr": 0.05, "weight_decay": 0.1}, {}),
    ("sgd_wd_rosenbrock", "sgd", "rosenbrock", R0, {"lr": 1e-3, "weight_decay": 0.5}, {}),
    # momentum (torch SGD, momentum on)
    ("momentum_rosenbrock", "momentum", "rosenbrock", R0, {"lr": 1e-3}, {}),
    ("momentum_bowl", "momentum", "bowl", B2, {"lr": 0.01}, {}),
    ("momentum_classical_rosenbrock", "momentum", "rosenbrock", R0, {"lr": 1e-3},
     {"classical": True}),
    ("momentum_classical_wd_bowl", "momentum", "bowl", B2,
     {"lr": 0.02, "momentum": 0.8, "weight_decay": 0.1}, {"classical": True}),
    ("momentum_wd_bowl", "momentum", "bowl", B2,
     {"lr": 0.02, "momentum": 0.8, "weight_decay": 0.1}, {}),
    ("momentum_dampening_wd_bowl", "momentum", "bowl", B1,
     {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}, {}),
    # nesterov
    ("nesterov_rosenbrock", "nesterov", "rosenbrock", R0, {"lr": 1e-3}, {}),
    ("nesterov_bowl", "nesterov", "bowl", B2, {"lr": 0.01}, {}),
    ("nesterov_classical_rosenbrock", "nesterov", "rosenbrock", R0, {"lr": 1e-3},
     {"classical": True}),
    ("nesterov_wd_bowl", "nesterov", "bowl", B1,
     {"lr": 0.02, "momentum": 0.7, "weight_decay": 0.1}, {}),
    ("nesterov_classical_wd_bowl", "nesterov", "bowl", B1,
     {"lr": 0.02, "momentum": 0.7, "weight_decay": 0.1}, {"classical": True}),
    # adagrad
    ("adagrad_rosenbrock", "adagrad", "rosenbrock", R0, {"lr": 0.01}, {}),
    ("adagrad_bowl", "adagrad", "bowl", B1, {"lr": 0.1}, {}),
    ("adagrad_decay_wd_init_eps_bowl", "adagrad", "bowl", B2,
     {"lr": 0.5, "lr_decay": 0.05, "weight_decay": 0.1, "initial_accumulator_value": 0.2,
      "eps": 0.5}, {}),
    ("adagrad_lr_decay_rosenbrock", "adagrad", "rosenbrock", R0,
     {"lr": 0.1, "lr_decay": 0.5}, {}),
    # rmsprop
    ("rmsprop_rosenbrock", "rmsprop", "rosenbrock", R0, {"lr": 0.01}, {}),
    ("rmsprop_bowl", "rmsprop", "bowl", B1, {"lr": 0.01}, {}),
    ("rmsprop_centered_rosenbrock", "rmsprop", "rosenbrock", R0, {"lr": 0.01},
     {"centered": True}),
    ("rmsprop_eps_inside_sqrt_rosenbrock", "rmsprop", "rosenbrock", R0, {"lr": 0.01},
     {"eps_inside_sqrt": True}),
    ("rmsprop_eps_inside_sqrt_bowl", "rmsprop", "bowl", B2, {"lr": 0.01, "eps": 0.5},
     {"eps_inside_sqrt": True}),
    ("rmsprop_eps_bowl", "rmsprop", "bowl", B2, {"lr": 0.01, "eps": 0.5}, {}),
    ("rmsprop_centered_eps_inside_sqrt_bowl", "rmsprop", "bowl", B1,
     {"lr": 0.01, "eps": 0.1, "alpha": 0.9}, {"centered": True, "eps_inside_sqrt": True}),
    ("rmsprop_momentum_wd_rosenbrock", "rmsprop", "rosenbrock", R0,
     {"lr": 1e-3, "momentum": 0.9, "weight_decay": 0.1, "alpha": 0.9}, {}),
    ("rmsprop_centered_momentum_bowl", "rmsprop", "bowl", B2,
     {"lr": 0.01, "momentum": 0.5}, {"centered": True}),
    # adadelta
    ("adadelta_rosenbrock", "adadelta", "rosenbrock", R0, {"lr": 1.0}, {}),
    ("adadelta_bowl", "adadelta", "bowl", B2, {"lr": 1.0}, {}),
    ("adadelta_rho_eps_wd_bowl", "adadelta", "bowl", B1,
     {"lr": 5.0, "rho": 0.5, "eps": 1e-3, "weight_decay": 0.1}, {}),
    ("adadelta_lr_rosenbrock", "adadelta", "rosenbrock", R0, {"lr": 20.0}, {}),
    # adam
    ("adam_rosenbrock", "adam", "rosenbrock", R0, {"lr": 1e-2}, {}),
    ("adam_bowl", "adam", "bowl", B1,
     {"lr": 0.1, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.05}, {}),
    ("adam_default_bowl", "adam", "bowl", B2, {"lr": 1e-3}, {}),
    ("adam_wd_rosenbrock", "adam", "rosenbrock", R0, {"lr": 1e-2, "weight_decay": 0.1}, {}),
    ("adam_eps_inside_sqrt_bowl", "adam", "bowl", B2, {"lr": 0.1, "eps": 1e-2},
     {"eps_inside_sqrt": True}),
    ("adam_eps_inside_sqrt_rosenbrock", "adam", "rosenbrock", R0, {"lr": 1e-2},
     {"eps_inside_sqrt": True}),
    ("adam_no_bias_correction_rosenbrock", "adam", "rosenbrock", R0, {"lr": 1e-2},
     {"bias_correction": False}),
    ("adam_no_bias_correction_eps_inside_sqrt_bowl", "adam", "bowl", B1,
     {"lr": 0.05, "eps": 1e-3}, {"bias_correction": False, "eps_inside_sqrt": True}),
    # amsgrad
    ("amsgrad_rosenbrock", "amsgrad", "rosenbrock", R0, {"lr": 1e-2}, {}),
    ("amsgrad_bowl", "amsgrad", "bowl", B2, {"lr": 0.1}, {}),
    ("amsgrad_beta2_wd_bowl", "amsgrad", "bowl", B1,
     {"lr": 0.3, "beta1": 0.5, "beta2": 0.8, "weight_decay": 0.05}, {}),
    ("amsgrad_eps_inside_sqrt_bowl", "amsgrad", "bowl", B1,
     {"lr": 0.3, "beta1": 0.5, "beta2": 0.8, "eps": 1e-2}, {"eps_inside_sqrt": True}),
    ("amsgrad_no_bias_correction_bowl", "amsgrad", "bowl", B2,
     {"lr": 0.3, "beta1": 0.5, "beta2": 0.8}, {"bias_correction": False}),
    # adamw
    ("adamw_rosenbrock", "adamw", "rosenbrock", R0, {"lr": 1e-2}, {}),
    ("adamw_bowl", "adamw", "bowl", B1, {"lr": 0.1, "weight_decay": 0.5}, {}),
    ("adamw_default_bowl", "adamw", "bowl", B2, {"lr": 1e-3}, {}),
    ("adamw_eps_inside_sqrt_bowl", "adamw", "bowl", B2,
     {"lr": 0.1, "eps": 1e-2, "weight_decay": 0.2}, {"eps_inside_sqrt": True}),
    ("adamw_no_bias_correction_rosenbrock", "adamw", "rosenbrock", R0,
     {"lr": 1e-2, "weight_decay": 0.5, "beta1": 0.8, "beta2": 0.99},
     {"bias_correction": False}),
    # adamax
    ("adamax_rosenbrock", "adamax", "rosenbrock", R0, {"lr": 2e-2}, {}),
    ("adamax_bowl", "adamax", "bowl", B2, {"lr": 0.1}, {}),
    ("adamax_default_rosenbrock", "adamax", "rosenbrock", R0, {"lr": 2e-3}, {}),
    ("adamax_wd_eps_betas_bowl", "adamax", "bowl", B1,
     {"lr": 0.2, "beta1": 0.8, "beta2": 0.5, "eps": 0.5, "weight_decay": 0.1}, {}),
    # nadam
    ("nadam_rosenbrock", "nadam", "rosenbrock", R0, {"lr": 2e-2}, {}),
    ("nadam_bowl", "nadam", "bowl", B1, {"lr": 0.05}, {}),
    ("nadam_default_rosenbrock", "nadam", "rosenbrock", R0, {"lr": 2e-3}, {}),
    ("nadam_wd_momentum_decay_bowl", "nadam", "bowl", B2,
     {"lr": 0.1, "beta1": 0.8, "beta2": 0.9, "eps": 1e-3, "weight_decay": 0.1,
      "momentum_decay": 0.04}, {}),
    # radam (rho_t > 5 from t = 6 with beta2 = 0.999: the 8-step cases cross it)
    ("radam_rosenbrock", "radam", "rosenbrock", R0, {"lr": 1e-3}, {}, 8),
    ("radam_bowl", "radam", "bowl", B2, {"lr": 0.05}, {}),
    ("radam_wd_bowl", "radam", "bowl", B1,
     {"lr": 0.05, "weight_decay": 0.1, "eps": 1e-3}, {}, 8),
    ("radam_betas_rosenbrock", "radam", "rosenbrock", R0,
     {"lr": 1e-3, "beta1": 0.8, "beta2": 0.99}, {}, 8),
    # lion
    ("lion_rosenbrock", "lion", "rosenbrock", R0, {"lr": 1e-2}, {}),
    ("lion_bowl", "lion", "bowl", B1, {"lr": 0.05}, {}),
    ("lion_default_rosenbrock", "lion", "rosenbrock", R0, {"lr": 1e-4}, {}),
    ("lion_wd_betas_bowl", "lion", "bowl", B2,
     {"lr": 0.1, "beta1": 0.5, "beta2": 0.9, "weight_decay": 0.5}, {}),
    # newton
    ("newton_bowl", "newton", "bowl", B1, {"lr": 1.0}, {}),
    ("newton_lr_bowl", "newton", "bowl", B2, {"lr": 0.5}, {}),
    ("newton_rosenbrock", "newton", "rosenbrock", R0, {"lr": 1.0}, {}),
    ("newton_fallback_rosenbrock", "newton", "rosenbrock", [0.0, 1.0], {"lr": 0.5}, {}),
    ("newton_fallback_offdiag_rosenbrock", "newton", "rosenbrock", [-0.5, 1.0],
     {"lr": 0.2}, {}),
    ("newton_damping_rosenbrock", "newton", "rosenbrock", R0,
     {"lr": 1.0, "damping": 10.0}, {}),
    ("newton_damping_fallback_rosenbrock", "newton", "rosenbrock", [0.0, 1.0],
     {"lr": 1.0, "damping": 100.0}, {}),
]


def resolve(opt, values, flags):
    run, dv, df = OPTIMIZERS[opt]
    unknown = (set(values) - set(dv)) | (set(flags) - set(df))
    if unknown:
        raise KeyError(f"{opt}: unknown names {sorted(unknown)}")
    return run, dict(dv, **values), dict(df, **flags)


def simulate(opt, surface, start, values, flags, steps, alt=False, trace=None):
    run, v, f = resolve(opt, values, flags)
    return run(surface, start, steps, v, f, alt, [] if trace is None else trace)


# ----------------------------------------------------------------------------- checks
def sanity_checks():
    """Hand-derived first steps (see the module docstring) and internal consistency."""
    x0 = R0
    g = rosenbrock_grad(*x0)
    assert g == (-215.6, -88.0) or all(abs(a - b) < 1e-12 for a, b in zip(g, (-215.6, -88.0)))
    close = lambda a, b, r: all(abs(p - q) <= r * max(abs(q), 1e-300) for p, q in zip(a, b))

    p = simulate("sgd", "rosenbrock", x0, {"lr": 1e-3}, {}, 1)[0]
    assert p == [x0[0] - 1e-3 * g[0], x0[1] - 1e-3 * g[1]] and close(p, [-0.9844, 1.088], 1e-14)
    p = simulate("nesterov", "rosenbrock", x0, {"lr": 1e-3}, {}, 1)[0]
    assert close(p, [x0[i] - 1e-3 * 1.9 * g[i] for i in range(2)], 1e-15)
    p = simulate("adagrad", "rosenbrock", x0, {"lr": 0.01}, {}, 1)[0]
    assert p == [x0[i] - 0.01 * g[i] / (abs(g[i]) + 1e-10) for i in range(2)]
    assert close(p, [x0[i] - 0.01 * sign(g[i]) for i in range(2)], 1e-12)
    p = simulate("rmsprop", "rosenbrock", x0, {"lr": 0.01}, {}, 1)[0]
    assert close(p, [x0[i] - 0.01 * g[i] / (math.sqrt(0.01) * abs(g[i]) + 1e-8)
                     for i in range(2)], 1e-14)
    p = simulate("adadelta", "rosenbrock", x0, {"lr": 1.0}, {}, 1)[0]
    assert close(p, [x0[i] - 1e-3 * g[i] / math.sqrt(0.1 * g[i] ** 2 + 1e-6)
                     for i in range(2)], 1e-14)
    for opt in ("adam", "amsgrad", "adamax", "lion"):
        lr = 0.01
        p = simulate(opt, "rosenbrock", x0, {"lr": lr}, {}, 1)[0]
        assert close(p, [x0[i] - lr * sign(g[i]) for i in range(2)], 1e-9), opt
    p = simulate("lion", "rosenbrock", x0, {"lr": 0.01}, {}, 1)[0]
    assert p == [x0[0] + 0.01, x0[1] + 0.01]  # exactly lr sign(g), g < 0 in both coordinates
    p = simulate("adamw", "rosenbrock", x0, {"lr": 0.01, "weight_decay": 0.5}, {}, 1)[0]
    assert close(p, [x0[i] * (1 - 0.005) - 0.01 * sign(g[i]) for i in range(2)], 1e-9)
    mu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004)
    mu2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008)
    k = 1 + mu2 * 0.1 / (1 - mu1 * mu2)
    assert abs(k - 1.0565) < 1e-4
    p = simulate("nadam", "rosenbrock", x0, {"lr": 0.002}, {}, 1)[0]
    assert close(p, [x0[i] - 0.002 * k * sign(g[i]) for i in range(2)], 1e-9)
    p = simulate("radam", "rosenbrock", x0, {"lr": 1e-3}, {}, 1)[0]
    assert close(p, [x0[i] - 1e-3 * g[i] for i in range(2)], 1e-15)
    # rho_t > 5 first at t = 6 for beta2 = 0.999
    assert [radam_rho(t, 0.999)[1] > 5 for t in range(1, 9)] == [False] * 5 + [True] * 3
    # Newton on the bowl: one step to the minimum, exactly
    assert simulate("newton", "bowl", B1, {"lr": 1.0}, {}, 2) == [[0.0, 0.0], [0.0, 0.0]]
    # saddle-free direction against the definition, off-diagonal case
    a, b, c = rosenbrock_hess(-0.5, 1.0)
    lam = sym_eig2(a, b, c)
    for l, q in lam:
        hq = (a * q[0] + b * q[1], b * q[0] + c * q[1])
        assert close(hq, (l * q[0], l * q[1]), 1e-12)
    # classical momentum / nesterov coincide with torch's form (dampening 0) up to rounding
    for opt in ("momentum", "nesterov"):
        a_ = simulate(opt, "rosenbrock", x0, {"lr": 1e-3}, {}, 5)
        b_ = simulate(opt, "rosenbrock", x0, {"lr": 1e-3}, {"classical": True}, 5)
        assert all(close(p, q, 1e-12) for p, q in zip(a_, b_)), opt


def max_rel(a, b):
    return max(abs(p - q) / max(abs(q), 1e-300) for pa, pb in zip(a, b) for p, q in zip(pa, pb))


def doc_vs_impl_notes():
    """Size of the differences between torch's docs/defaults and what this file follows."""
    lines = []
    for name, opt, surface, start, values, flags, *rest in CASES:
        if opt == "amsgrad":
            steps = rest[0] if rest else 5
            _, v, f = resolve(opt, values, flags)
            impl = run_adam(surface, start, steps, v, f, False, [], amsgrad=True)
            docs = run_adam(surface, start, steps, v, f, False, [], amsgrad=True,
                            docs_amsgrad=True)
            lines.append(f"amsgrad docs-vs-impl {name}: max rel diff {max_rel(docs, impl):.1e}")
        if opt == "nadam":
            _, v, f = resolve(opt, values, flags)
            impl = run_nadam(surface, start, 5, v, f, False, [])
            f32p = run_nadam(surface, start, 5, v, f, False, [], f32_mu_product=True)
            lines.append(f"nadam f32 mu_product {name}: max rel diff {max_rel(f32p, impl):.1e}")
    return lines


# ----------------------------------------------------------------------------- main
def main():
    sanity_checks()
    here = os.path.dirname(os.path.abspath(__file__))
    cases, seen = [], set()
    for name, opt, surface, start, values, flags, *rest in CASES:
        assert name not in seen, name
        seen.add(name)
        steps = rest[0] if rest else 5
        trace = []
        pts = simulate(opt, surface, start, values, flags, steps, trace=trace)
        alt = simulate(opt, surface, start, values, flags, steps, alt=True)
        assert all(math.isfinite(z) for p in pts for z in p), name
        cases.append({"name": name, "optimizer": opt, "surface": surface,
                      "start": list(start), "values": values, "flags": flags,
                      "points": pts})
        small = min(abs(z) for p in pts for z in p)
        print(f"{name:46s} {steps} steps -> [{pts[-1][0]:.6g}, {pts[-1][1]:.6g}]"
              f"  rounding~{max_rel(alt, pts):.0e}"
              + (f"  branch {''.join(trace)}" if trace else "")
              + (f"  min|coord| {small:.1e}" if small < 1e-3 else ""))
    missing = set(OPTIMIZERS) - {c["optimizer"] for c in cases}
    assert not missing, missing
    for line in doc_vs_impl_notes():
        print(line)
    out = os.path.join(here, "steps.json")
    with open(out, "w") as fh:
        fh.write('{"generator": "tests/golden/reference.py", "cases": [\n')
        fh.write(",\n".join(json.dumps(c, allow_nan=False) for c in cases))
        fh.write("\n]}\n")
    json.load(open(out))
    print(f"wrote {len(cases)} cases to {os.path.relpath(out)}"
          "  (rounding~ = max relative change when the docs' grouping is used instead of"
          " torch's;\n branch: N newton, F saddle-free fallback, s radam unrectified,"
          " R rectified, M amsgrad max binding, U adamax decayed norm wins)")


if __name__ == "__main__":
    sys.exit(main())
