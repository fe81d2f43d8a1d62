// "Why", live: the curvature the server sends (lambda_min, lambda_max, the condition number,
// the eigen-directions), the factor |1 - lr lambda| by which plain gradient descent
// multiplies the error along each direction every epoch, what happens exactly at the bound,
// and for momentum the map of the convergence rate over (lr, beta) with the current point.
"use strict";

const Why = (function () {
  const f = v => (v === null || v === undefined || !isFinite(v) ? "-" : Plot.fmt(v));

  // The answer's curvature (a line only): {eigenvalues, lam_min, lam_max, condition,
  // directions, overshoot_lr, diverge_lr, factors, rate, at_bound}, or null.
  function eigen(A) { return (A && A.curvature) || null; }

  function row(name, value, id) { return `<tr><th scope="row">${name}</th><td${id ? ` id="${id}"` : ""}>${value}</td></tr>`; }

  function show(A, S) {
    const box = document.getElementById("why"), map = document.getElementById("momap");
    const e = eigen(A), M = A.rate_map;
    document.getElementById("why-fig").classList.toggle("hidden", !e);
    map.classList.toggle("hidden", !M);
    if (!e) { box.innerHTML = ""; return; }
    const rows = [row("lambda_min (along the valley)", f(e.lam_min), "lam-min"),
      row("lambda_max (across it)", f(e.lam_max), "lam-max"),
      row("condition number lambda_max / lambda_min", f(e.condition), "condition"),
      row("1 / lambda_max: from here steps overshoot", f(e.overshoot_lr), "overshoot-lr"),
      row("2 / lambda_max: from here plain GD diverges", f(e.diverge_lr), "diverge-lr")];
    let text = "";
    if (e.factors) {
      const kind = S.optimizer === "gd" ? "|1 - lr lambda|" : `${S.optimizer}'s factor`;
      text = `<p>At lr = ${S.lr} each epoch multiplies the error by ${kind}: ` +
        `<span id="factor-min"><b>${f(e.factors[0])}</b></span> along the valley (dashed blue on the contour map), ` +
        `<span id="factor-max"><b>${f(e.factors[1])}</b></span> across it (dashed red).</p>`;
      let verdict;
      if (e.at_bound) verdict = e.at_bound;
      else if (e.rate >= 1) verdict = "A factor of 1 or more: the error across the valley grows every epoch, so the run diverges.";
      else if (S.optimizer === "gd" && S.lr > e.overshoot_lr) verdict = "lr is past 1 / lambda_max: each step overshoots the valley's floor " +
        "(the path zigzags across it) but the error still shrinks.";
      else verdict = "Both factors are below 1: the error shrinks along both directions; the larger factor sets the pace.";
      text += `<p id="why-verdict">${verdict}</p>`;
    } else text = `<p id="why-verdict">Adam scales each step by its own running averages: no fixed factor per direction.</p>`;
    if (M) text += `<p>The map: momentum's factor over (lr, beta), darker converges faster, orange does not converge; ` +
      `the ring is this run (${f(M.current.rate)})` + (M.best ? `, the cross the best (lr ${f(M.best.lr)}, beta ${f(M.best.beta)}, factor ${f(M.best.rate)}).` : ".") + "</p>";
    box.innerHTML = `<table>${rows.join("")}</table>${text}`;
    if (M) drawMap(map, M);
  }

  // The convergence rate over (lr, beta), dark = fast; the current point as a ring.
  function drawMap(canvas, M) {
    const lrs = M.lr, betas = M.beta, R = M.rate, S = { lr: M.current.lr, momentum: M.current.beta };
    const logX = lrs[lrs.length - 1] / lrs[0] > 50;
    const tx = v => (logX ? Math.log10(v) : v);
    const f = Plot.frame(canvas, [tx(lrs[0]), tx(lrs[lrs.length - 1])], [betas[0], betas[betas.length - 1]],
      { xlabel: logX ? "log10 learning rate" : "learning rate", ylabel: "momentum beta" });
    const cw = (f.sx(tx(lrs[lrs.length - 1])) - f.sx(tx(lrs[0]))) / lrs.length + 1;
    const ch = (f.sy(betas[0]) - f.sy(betas[betas.length - 1])) / betas.length + 1;
    let best = 1;  // the shade runs from the map's fastest (dark) to 1 (white)
    for (const row of R) for (const r of row) if (r < best) best = r;
    for (let i = 0; i < betas.length; i++) for (let j = 0; j < lrs.length; j++) {
      const r = R[i][j], t = Math.max(0, Math.min(1, (r - best) / (1 - best || 1)));
      f.ctx.fillStyle = !(r < 1) ? "#D55E00" : `hsl(210, 65%, ${18 + 78 * Math.sqrt(t)}%)`;
      f.ctx.fillRect(f.sx(tx(lrs[j])) - cw / 2, f.sy(betas[i]) - ch / 2, cw, ch);
    }
    const x = f.sx(tx(S.lr)), y = f.sy(S.momentum);
    f.ctx.strokeStyle = "#000"; f.ctx.lineWidth = 2.5; f.ctx.beginPath(); f.ctx.arc(x, y, 6, 0, 2 * Math.PI); f.ctx.stroke();
    f.ctx.strokeStyle = "#fff"; f.ctx.lineWidth = 1; f.ctx.beginPath(); f.ctx.arc(x, y, 6, 0, 2 * Math.PI); f.ctx.stroke();
    if (M.best) {
      const bx = f.sx(tx(M.best.lr)), by = f.sy(M.best.beta);
      f.ctx.strokeStyle = "#E69F00"; f.ctx.lineWidth = 2.5; f.ctx.beginPath();
      f.ctx.moveTo(bx - 6, by - 6); f.ctx.lineTo(bx + 6, by + 6); f.ctx.moveTo(bx - 6, by + 6); f.ctx.lineTo(bx + 6, by - 6); f.ctx.stroke();
    }
    f.done();
    canvas.setAttribute("aria-label", `Convergence rate over the learning rate and the momentum: dark converges fast, ` +
      `light slowly, orange diverges; the ring is this run (lr ${S.lr}, beta ${S.momentum}, factor ${Plot.fmt(M.current.rate)})` +
      (M.best ? `; the cross is the best point (lr ${Plot.fmt(M.best.lr)}, beta ${Plot.fmt(M.best.beta)}).` : "."));
  }

  return { show, eigen };
})();
