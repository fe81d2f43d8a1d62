// The three views, drawn from the run the server sent (T, the timeline of one or more
// answers joined where the rate changed) at the epoch cursor c.
"use strict";

const Views = (function () {
  // Okabe-Ito: told apart with every common colour-vision deficiency
  const BLUE = "#0072B2", ORANGE = "#E69F00", RED = "#D55E00", GREY = "#777", GREEN = "#009E73", PURPLE = "#CC79A7";

  // An answer -> a timeline (epochs counted from `offset`).
  function timelineOf(a, offset) {
    const t = { kind: a.model, loss: a.loss, final: a.final_loss === undefined ? null : a.final_loss, changes: [], test: testCurve(a),
      diverged: a.diverged ? { epoch: a.diverged.epoch + offset, message: a.diverged.message } : null };
    t.velocity = a.velocity || null;
    if (a.model === "linear") { t.m = a.params.m; t.b = a.params.b; }
    else if (a.model === "logistic") { t.w1 = a.params.w1; t.w2 = a.params.w2; t.b = a.params.b; }
    else t.frames = Object.assign({}, a.frames, { epochs: a.frames.epochs.map(e => e + offset) });
    return t;
  }

  // The test loss per epoch, when the server sends it.
  function testCurve(a) {
    const c = a.test_loss_curve || a.test_losses || (a.losses && a.losses.test) || null;
    return Array.isArray(c) ? c : null;
  }

  // The old run up to epoch k, then t (which continued from there).
  function splice(old, t, k) {
    const out = Object.assign({}, t, { loss: old.loss.slice(0, k).concat(t.loss),
      changes: old.changes.filter(e => e < k).concat([k]) });
    if (old.test && t.test) out.test = old.test.slice(0, k).concat(t.test); else out.test = null;
    for (const key of ["m", "b", "w1", "w2"]) if (t[key]) out[key] = old[key].slice(0, k).concat(t[key]);
    if (t.velocity) {  // before k: the old run's velocity, or none (plain GD kept none)
      out.velocity = {};
      for (const key in t.velocity) {
        const before = old.velocity ? old.velocity[key].slice(0, k) : new Array(k).fill(null);
        out.velocity[key] = before.concat(t.velocity[key]);
      }
    }
    if (t.frames) {
      const keep = old.frames.epochs.filter(e => e < k).length, f = {};
      for (const key of ["epochs", "params", "y", "m", "b"]) if (t.frames[key]) f[key] = old.frames[key].slice(0, keep).concat(t.frames[key]);
      out.frames = Object.assign({}, t.frames, f);
    }
    return out;
  }

  function extent(values, pad) {
    let lo = Infinity, hi = -Infinity;
    for (const v of values) if (isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!isFinite(lo)) return [0, 1];
    const p = (hi - lo || Math.abs(hi) || 1) * (pad === undefined ? 0.08 : pad);
    return [lo - p, hi + p];
  }

  // The frame of a network run shown at epoch c: the last frame at or before it.
  function frameAt(T, c) {
    const e = T.frames.epochs;
    let k = 0;
    while (k + 1 < e.length && e[k + 1] <= c) k++;
    return k;
  }

  // The training loss at epoch c, after c updates: loss[c] for c < E, the trained
  // parameters' loss (the answer's final_loss) at c = E; null where there is none.
  function lossAt(T, c) {
    return c < T.loss.length ? T.loss[c] : c === T.loss.length ? T.final : null;
  }

  // The training loss at every epoch 0 .. E (E - 1 for a diverged run: its red cross ends it).
  function epochLosses(T) {
    return T.final !== null && isFinite(T.final) && !T.diverged ? T.loss.concat([T.final]) : T.loss;
  }

  // (m, b) at epoch c, for the line and the surface; null when the model has none.
  function lineAt(T, c) {
    if (T.kind === "linear") return { m: T.m[c], b: T.b[c] };
    if (T.kind === "network" && T.frames.m) { const k = frameAt(T, c); return { m: T.frames.m[k], b: T.frames.b[k] }; }
    return null;
  }

  // The (m, b) path up to epoch c.
  function pathTo(T, c) {
    if (T.kind === "linear") return { m: T.m.slice(0, c + 1), b: T.b.slice(0, c + 1) };
    const k = frameAt(T, c);
    return { m: T.frames.m.slice(0, k + 1), b: T.frames.b.slice(0, k + 1) };
  }

  function drawFit(canvas, A, T, c) {
    const d = A.data, tr = d.train, te = d.test;
    const col = (X, j) => X.map(r => r[j]);
    if (T.kind === "logistic") {
      const xr = extent(col(tr.X, 0).concat(col(te.X, 0))), yr = extent(col(tr.X, 1).concat(col(te.X, 1)));
      const f = Plot.frame(canvas, xr, yr, { xlabel: d.x_name, ylabel: d.y_name });
      for (const [set, hollow] of [[tr, false], [te, true]]) {
        for (const cls of [0, 1]) {
          const rows = set.X.filter((r, i) => set.y[i] === cls);
          const color = cls ? ORANGE : BLUE;
          Plot.dots(f, col(rows, 0), col(rows, 1), hollow ? { strokeStyle: color } : { fillStyle: color, globalAlpha: 0.6 }, 3);
        }
      }
      const w1 = T.w1[c], w2 = T.w2[c], b = T.b[c];
      if (Math.abs(w2) > 1e-12) Plot.polyline(f, xr, xr.map(x => -(w1 * x + b) / w2), { strokeStyle: "#000", lineWidth: 2 });
      else if (Math.abs(w1) > 1e-12) Plot.polyline(f, [-b / w1, -b / w1], yr, { strokeStyle: "#000", lineWidth: 2 });
      f.done();
      return null;
    }
    const xs = col(tr.X, 0).concat(col(te.X, 0));
    const xr = extent(xs), yr = extent(tr.y.concat(te.y), 0.15);
    const f = Plot.frame(canvas, xr, yr, { xlabel: d.x_name, ylabel: d.y_name });
    Plot.dots(f, col(tr.X, 0), tr.y, { fillStyle: BLUE, globalAlpha: 0.55 }, 3);
    Plot.dots(f, col(te.X, 0), te.y, { strokeStyle: ORANGE, lineWidth: 1.5 }, 3.5);
    if (T.kind === "network") {
      const k = frameAt(T, c);
      Plot.polyline(f, T.frames.x, T.frames.y[k], { strokeStyle: RED, lineWidth: 2.5 });
    } else {
      const L = lineAt(T, c);
      Plot.polyline(f, xr, xr.map(x => L.m * x + L.b), { strokeStyle: RED, lineWidth: 2.5 });
    }
    f.done();
    return f;
  }

  function drawLoss(canvas, A, T, c, logY, C) {
    const n = Math.max(T.loss.length + (T.diverged ? 1 : 0), C ? C.loss.length : 0, 1);
    const floor = A.surface && A.surface.least_squares.loss;
    const L = epochLosses(T);
    const all = L.concat(C ? C.loss : [], T.test || [], floor ? [floor] : []).filter(v => isFinite(v) && (!logY || v > 0));
    let yr = extent(all, 0);
    if (logY) yr = [yr[0] / 1.5, yr[1] * 1.5]; else yr = [0, yr[1] * 1.05 || 1];
    const f = Plot.frame(canvas, [0, n], yr, { logY, xlabel: "epoch", ylabel: A.model === "logistic" ? "cross-entropy" : A.penalty && A.penalty !== "none" ? "half MSE + penalty" : "half MSE" });
    const idx = a => a.map((_, i) => i);
    if (floor) Plot.polyline(f, [0, n], [floor, floor], { strokeStyle: GREEN, lineWidth: 1, dash: [5, 4] });
    for (const e of T.changes) Plot.polyline(f, [e, e], yr, { strokeStyle: PURPLE, lineWidth: 1.5, dash: [2, 3] });
    if (C) Plot.polyline(f, idx(C.loss), C.loss, { strokeStyle: GREY, lineWidth: 2, dash: [6, 3] });
    if (T.test) Plot.polyline(f, idx(T.test), T.test, { strokeStyle: ORANGE, lineWidth: 2, dash: [3, 2] });
    Plot.polyline(f, idx(L), L, { strokeStyle: "#9cc3e0", lineWidth: 1.5 });
    const upto = L.slice(0, Math.min(c + 1, L.length));
    Plot.polyline(f, idx(upto), upto, { strokeStyle: BLUE, lineWidth: 2 });
    const k = Math.min(c, L.length - 1);
    if (k >= 0) Plot.dots(f, [k], [L[k]], { fillStyle: BLUE }, 4);
    if (T.diverged) {
      const e = T.diverged.epoch, v = T.loss[T.loss.length - 1];
      f.ctx.save(); f.ctx.strokeStyle = RED; f.ctx.lineWidth = 3;
      const x = f.sx(e), y = f.sy(v);
      f.ctx.beginPath(); f.ctx.moveTo(x - 6, y - 6); f.ctx.lineTo(x + 6, y + 6);
      f.ctx.moveTo(x - 6, y + 6); f.ctx.lineTo(x + 6, y - 6); f.ctx.stroke(); f.ctx.restore();
    }
    f.done();
  }

  // The contour lines of a surface, traced once per answer (not on every frame of Play).
  const traced = new WeakMap();
  function levels(S) {
    if (traced.has(S)) return traced.get(S);
    const grid = S.loss, low = S.least_squares.loss, n = 14, out = [];
    let high = -Infinity;
    for (const row of grid) for (const v of row) if (isFinite(v)) high = Math.max(high, v);
    for (let k = 0; k < n; k++) out.push([k, n, Plot.contour(grid, S.m, S.b, low + (high - low) * Math.pow(0.6, n - k))]);
    traced.set(S, out);
    return out;
  }

  function drawSurface(canvas, A, T, c, C) {
    const S = A.surface;
    if (!S) return null;
    const f = Plot.frame(canvas, S.m, S.b, { xlabel: "m", ylabel: "b" });
    for (const [k, n, segs] of levels(S)) {
      f.ctx.save(); f.ctx.strokeStyle = Plot.levelColor(k, n); f.ctx.lineWidth = 1.2; f.ctx.beginPath();
      for (const [p, q] of segs) { f.ctx.moveTo(f.sx(p[0]), f.sy(p[1])); f.ctx.lineTo(f.sx(q[0]), f.sy(q[1])); }
      f.ctx.stroke(); f.ctx.restore();
    }
    eigenArrows(f, A, S);
    const P = pathTo(T, c);
    Plot.polyline(f, P.m, P.b, { strokeStyle: RED, lineWidth: 2 });
    if (C && lineAt(C, 0)) {  // drawn over this run, thin and dashed: both stay visible
      const Q = pathTo(C, C.loss.length);
      Plot.polyline(f, Q.m, Q.b, { strokeStyle: "#fff", lineWidth: 4 });
      Plot.polyline(f, Q.m, Q.b, { strokeStyle: "#000", lineWidth: 1.5, dash: [5, 3] });
    }
    if (P.m.length <= 200) Plot.dots(f, P.m, P.b, { fillStyle: RED }, 1.8);
    Plot.dots(f, [P.m[0]], [P.b[0]], { strokeStyle: "#000", lineWidth: 1.5 }, 5);
    Plot.star(f, S.least_squares.m, S.least_squares.b, 9, "#ffd600");
    const L = lineAt(T, c);
    Plot.dots(f, [L.m], [L.b], { fillStyle: RED, strokeStyle: "#000" }, 5);
    f.done();
    return f;
  }

  // The eigen-directions of the loss's curvature through the minimum, when the server sends them.
  function eigenArrows(f, A, S) {
    const e = Why.eigen(A);
    if (!e || !e.directions) return;
    const cx = S.least_squares.m, cy = S.least_squares.b;
    const span = Math.min(S.m[1] - S.m[0], S.b[1] - S.b[0]) * 0.45;
    [[e.directions[0], BLUE, "min"], [e.directions[1], RED, "max"]].forEach(([v, color, name]) => {
      if (!v) return;
      const sx = (S.m[1] - S.m[0]), sy = (S.b[1] - S.b[0]);
      const px = v[0] / sx, py = v[1] / sy, n = Math.hypot(px, py) || 1;  // the same length on screen
      const dx = px / n * span / Math.min(sx, sy) * sx, dy = py / n * span / Math.min(sx, sy) * sy;
      Plot.polyline(f, [cx - dx, cx + dx], [cy - dy, cy + dy], { strokeStyle: color, lineWidth: 1.5, dash: [8, 3] });
      f.ctx.save(); f.ctx.fillStyle = color; f.ctx.font = Plot.font(1); f.ctx.fillText("lambda_" + name, f.sx(cx + dx) + 3, f.sy(cy + dy) - 3); f.ctx.restore();
    });
  }

  return { drawFit, drawLoss, drawSurface, lineAt, lossAt, epochLosses, frameAt, extent, timelineOf, splice, BLUE, ORANGE, RED, GREY, GREEN };
})();
