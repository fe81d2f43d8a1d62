// "Why", live: the curvature the server sends (lambda_min, lambda_max, the condition number,
// the eigen-directions), the factor |1 - lr lambda| by which plain gradient descent
// multiplies the error along each direction every epoch, what happens exactly at the bound,
// and for momentum the map of the convergence rate over (lr, beta) with the current point.
"use strict";

const Why = (function () {
  const f = v => (v === null || v === undefined || !isFinite(v) ? "-" : Plot.fmt(v));

  // {values: [lambda_min, lambda_max], vectors: [[dm, db], [dm, db]] or null} or null.
  function eigen(A) {
    if (!A) return null;
    const e = A.eigen || A.curvature || null;
    if (e && e.values) return { values: e.values, vectors: e.vectors || null };
    const lo = A.lam_min ?? (e && e.lam_min), hi = A.lam_max ?? (e && e.lam_max);
    const vectors = A.eigenvectors || A.directions || (e && (e.vectors || e.directions)) || null;
    if (hi === null || hi === undefined) return null;
    return { values: [lo ?? null, hi], vectors };
  }

  function row(name, value, id) { return `<tr><th scope="row">${name}</th><td${id ? ` id="${id}"` : ""}>${value}</td></tr>`; }

  function show(A, S, T, c) {
    const box = document.getElementById("why"), map = document.getElementById("momap");
    const e = eigen(A), lr = S.lr;
    document.getElementById("why-fig").classList.toggle("hidden", !e && !A.momentum_map);
    if (!e) { box.innerHTML = ""; } else {
      const [lo, hi] = e.values, rows = [];
      if (lo !== null) rows.push(row("lambda_min (the flattest direction)", f(lo), "lam-min"));
      rows.push(row("lambda_max (the steepest direction)", f(hi), "lam-max"));
      if (lo) rows.push(row("condition number lambda_max / lambda_min", f(A.condition ?? hi / lo), "condition"));
      rows.push(row("1 / lambda_max: from here the steps overshoot", f(1 / hi)));
      rows.push(row("2 / lambda_max: from here they grow", f(2 / hi)));
      const factors = [];
      if (lo !== null) factors.push(`<span id="factor-min">|1 - ${lr} &times; ${f(lo)}| = <b>${f(Math.abs(1 - lr * lo))}</b></span> along the flat direction`);
      const fmax = Math.abs(1 - lr * hi);
      factors.push(`<span id="factor-max">|1 - ${lr} &times; ${f(hi)}| = <b>${f(fmax)}</b></span> along the steep one`);
      let verdict;
      if (Math.abs(fmax - 1) < 1e-6) verdict = "Exactly at the bound: the factor along the steep direction is 1, so the error there " +
        "neither shrinks nor grows: it swings from one side to the other with the same size for ever, and the loss stays flat. " +
        "Any smaller rate converges; any larger one diverges.";
      else if (fmax > 1) verdict = "A factor above 1: the error along the steep direction grows every epoch, so the run diverges.";
      else if (lr * hi > 1) verdict = "lr &times; lambda_max is above 1: each step overshoots the valley's floor along the steep direction " +
        "(the path zigzags) but still shrinks the error.";
      else verdict = "Both factors are below 1: the error shrinks along every direction; the larger factor sets the pace.";
      const plain = S.optimizer === "gd" ? "" : " (for plain gradient descent; momentum changes these factors, see its map)";
      box.innerHTML = `<table>${rows.join("")}</table><p>Each epoch multiplies the error${plain}: ${factors.join("; ")}.</p>` +
        `<p id="why-verdict">${verdict}</p>`;
    }
    const M = A.momentum_map;
    map.classList.toggle("hidden", !M);
    if (M) drawMap(map, M, S);
  }

  // The convergence rate over (lr, beta), dark = fast; the current point as a ring.
  function drawMap(canvas, M, S) {
    const lrs = M.lr, betas = M.beta || M.momentum, R = M.rate;
    const logX = lrs[lrs.length - 1] / lrs[0] > 50;
    const tx = v => (logX ? Math.log10(v) : v);
    const f = Plot.frame(canvas, [tx(lrs[0]), tx(lrs[lrs.length - 1])], [betas[0], betas[betas.length - 1]],
      { xlabel: logX ? "log10 learning rate" : "learning rate", ylabel: "momentum beta" });
    const cw = (f.sx(tx(lrs[lrs.length - 1])) - f.sx(tx(lrs[0]))) / lrs.length + 1;
    const ch = (f.sy(betas[0]) - f.sy(betas[betas.length - 1])) / betas.length + 1;
    for (let i = 0; i < betas.length; i++) for (let j = 0; j < lrs.length; j++) {
      const r = R[i][j];
      f.ctx.fillStyle = !(r < 1) ? "#D55E00" : `hsl(210, 60%, ${20 + 75 * Math.max(0, Math.min(1, r))}%)`;
      f.ctx.fillRect(f.sx(tx(lrs[j])) - cw / 2, f.sy(betas[i]) - ch / 2, cw, ch);
    }
    const x = f.sx(tx(S.lr)), y = f.sy(S.momentum);
    f.ctx.strokeStyle = "#000"; f.ctx.lineWidth = 2.5; f.ctx.beginPath(); f.ctx.arc(x, y, 6, 0, 2 * Math.PI); f.ctx.stroke();
    f.ctx.strokeStyle = "#fff"; f.ctx.lineWidth = 1; f.ctx.beginPath(); f.ctx.arc(x, y, 6, 0, 2 * Math.PI); f.ctx.stroke();
    f.done();
    canvas.setAttribute("aria-label", `Convergence rate over the learning rate and the momentum: dark converges fast, ` +
      `light slowly, orange diverges; the ring is this run (lr ${S.lr}, beta ${S.momentum}).`);
  }

  return { show, eigen };
})();
