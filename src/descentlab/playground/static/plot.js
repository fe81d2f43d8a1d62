// Plot helpers on a plain canvas: a frame with axes and ticks, scales, and contour lines
// (marching squares). Drawing only: every number drawn comes from the server.
"use strict";

const Plot = (function () {
  const BASE = { left: 58, right: 12, top: 10, bottom: 32 }, PAD = Object.assign({}, BASE);
  let scale = 1;

  // Larger text (a projector): the fonts and the margins grow by k.
  function setScale(k) {
    scale = k;
    for (const key in BASE) PAD[key] = Math.round(BASE[key] * (key === "left" || key === "bottom" ? k : 1));
  }

  const font = k => `${Math.round(11 * scale * (k || 1))}px system-ui, sans-serif`;

  function niceTicks(lo, hi, count) {
    const span = hi - lo;
    if (!(span > 0) || !isFinite(span)) return [lo];
    const raw = span / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map(f => f * mag).find(s => span / s <= count) || 10 * mag;
    const ticks = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) ticks.push(t);
    return ticks;
  }

  function fmt(v) {
    if (v === 0) return "0";
    const a = Math.abs(v);
    if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace("e+", "e");
    return String(+v.toPrecision(4));
  }

  // A frame: canvas, data ranges, optional log y; returns the scales and helpers.
  function frame(canvas, xr, yr, opts) {
    opts = opts || {};
    const ctx = canvas.getContext("2d");
    const W = canvas.width, H = canvas.height;
    ctx.clearRect(0, 0, W, H);
    const logY = !!opts.logY;
    const ty = v => (logY ? Math.log10(Math.max(v, 1e-300)) : v);
    const y0 = ty(yr[0]), y1 = ty(yr[1]);
    const sx = v => PAD.left + (v - xr[0]) / (xr[1] - xr[0] || 1) * (W - PAD.left - PAD.right);
    const sy = v => H - PAD.bottom - (ty(v) - y0) / (y1 - y0 || 1) * (H - PAD.top - PAD.bottom);
    const inv = (px, py) => [xr[0] + (px - PAD.left) / (W - PAD.left - PAD.right) * (xr[1] - xr[0]),
      yr[0] + (H - PAD.bottom - py) / (H - PAD.top - PAD.bottom) * (yr[1] - yr[0])];
    ctx.save();
    ctx.font = font(1);
    ctx.strokeStyle = "#eee"; ctx.fillStyle = "#555"; ctx.lineWidth = 1;
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const t of niceTicks(xr[0], xr[1], 6)) {
      const x = sx(t);
      ctx.beginPath(); ctx.moveTo(x, PAD.top); ctx.lineTo(x, H - PAD.bottom); ctx.stroke();
      ctx.fillText(fmt(t), x, H - PAD.bottom + 3);
    }
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    const yt = logY ? niceTicks(Math.floor(y0), Math.ceil(y1), 6).filter(Number.isInteger).map(e => Math.pow(10, e))
      : niceTicks(yr[0], yr[1], 5);
    for (const t of yt) {
      const y = sy(t);
      if (y < PAD.top - 1 || y > H - PAD.bottom + 1) continue;
      ctx.beginPath(); ctx.moveTo(PAD.left, y); ctx.lineTo(W - PAD.right, y); ctx.stroke();
      ctx.fillText(fmt(t), PAD.left - 4, y);
    }
    ctx.strokeStyle = "#999";
    ctx.strokeRect(PAD.left, PAD.top, W - PAD.left - PAD.right, H - PAD.top - PAD.bottom);
    ctx.fillStyle = "#333"; ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    if (opts.xlabel) ctx.fillText(opts.xlabel, (PAD.left + W - PAD.right) / 2, H - 1);
    if (opts.ylabel) {
      ctx.save(); ctx.translate(11 * scale, (PAD.top + H - PAD.bottom) / 2); ctx.rotate(-Math.PI / 2);
      ctx.textBaseline = "middle"; ctx.fillText(opts.ylabel, 0, 0); ctx.restore();
    }
    ctx.restore();
    ctx.save();
    ctx.beginPath();
    ctx.rect(PAD.left, PAD.top, W - PAD.left - PAD.right, H - PAD.top - PAD.bottom);
    ctx.clip();
    return { ctx, sx, sy, inv, W, H, done: () => ctx.restore() };
  }

  function polyline(f, xs, ys, style) {
    const ctx = f.ctx;
    ctx.save();
    Object.assign(ctx, style);
    if (style.dash) ctx.setLineDash(style.dash);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      const x = f.sx(xs[i]), y = f.sy(ys[i]);
      if (!isFinite(x) || !isFinite(y) || Math.abs(y) > 1e6 || Math.abs(x) > 1e6) { pen = false; continue; }
      if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      pen = true;
    }
    ctx.stroke();
    ctx.restore();
  }

  function dots(f, xs, ys, style, r) {
    const ctx = f.ctx;
    ctx.save();
    Object.assign(ctx, style);
    for (let i = 0; i < xs.length; i++) {
      ctx.beginPath();
      ctx.arc(f.sx(xs[i]), f.sy(ys[i]), r || 3, 0, 2 * Math.PI);
      if (style.fillStyle) ctx.fill();
      if (style.strokeStyle) ctx.stroke();
    }
    ctx.restore();
  }

  function star(f, x, y, size, color) {
    const ctx = f.ctx, cx = f.sx(x), cy = f.sy(y);
    ctx.save(); ctx.fillStyle = color; ctx.strokeStyle = "#000"; ctx.lineWidth = 0.8;
    ctx.beginPath();
    for (let k = 0; k < 10; k++) {
      const r = k % 2 ? size / 2.5 : size, a = -Math.PI / 2 + k * Math.PI / 5;
      ctx.lineTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
    }
    ctx.closePath(); ctx.fill(); ctx.stroke(); ctx.restore();
  }

  // Marching squares: the segments where grid (rows over y, columns over x) crosses level.
  function contour(grid, xr, yr, level) {
    const ny = grid.length, nx = grid[0].length, segs = [];
    const X = j => xr[0] + j / (nx - 1) * (xr[1] - xr[0]);
    const Y = i => yr[0] + i / (ny - 1) * (yr[1] - yr[0]);
    const cross = (a, b) => (level - a) / (b - a);
    for (let i = 0; i < ny - 1; i++) {
      for (let j = 0; j < nx - 1; j++) {
        const v = [grid[i][j], grid[i][j + 1], grid[i + 1][j + 1], grid[i + 1][j]];
        const pts = [];
        const corner = [[X(j), Y(i)], [X(j + 1), Y(i)], [X(j + 1), Y(i + 1)], [X(j), Y(i + 1)]];
        for (let e = 0; e < 4; e++) {
          const a = v[e], b = v[(e + 1) % 4];
          if ((a < level) !== (b < level)) {
            const t = cross(a, b), p = corner[e], q = corner[(e + 1) % 4];
            pts.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
          }
        }
        if (pts.length === 2) segs.push(pts);
        else if (pts.length === 4) segs.push([pts[0], pts[1]], [pts[2], pts[3]]);
      }
    }
    return segs;
  }

  function levelColor(k, n) {
    const t = k / Math.max(n - 1, 1);
    return `hsl(${215 - 40 * t}, 55%, ${28 + 42 * t}%)`;  // one hue, dark (low) to light (high)
  }

  return { frame, polyline, dots, star, contour, levelColor, fmt, PAD, setScale, font };
})();
