// The status line and notes, dragging the line / clicking the surface, and the CSV upload.
"use strict";

const Status = (function () {
  const f = v => (v === null || v === undefined || !isFinite(v) ? "-" : Plot.fmt(v));

  function show(A, T, c, C) {
    const k = Math.min(c, T.loss.length), L = Views.lineAt(T, c);  // epoch k: after k updates
    const parts = [`<b>epoch ${c}</b> of ${T.loss.length} (after ${c} update${c === 1 ? "" : "s"})`,
      `training ${A.penalty && A.penalty !== "none" ? "objective (loss + penalty)" : "loss"} at epoch ${k}: <b id="loss-now">${f(Views.lossAt(T, k))}</b>`];
    if (T.kind === "logistic") parts.push(`w1 = ${f(T.w1[c])}, w2 = ${f(T.w2[c])}, b = ${f(T.b[c])}`);
    else if (L) parts.push(`m = <b id="m-now">${f(L.m)}</b>, b = <b id="b-now">${f(L.b)}</b>`);
    const sc = A.data.scaling;  // a standardised upload: the same line in the file's own units
    if (L && sc) parts.push(`<span id="raw-line">in your file's units: ${sc.target || "y"} = ${f(L.m / sc.scale)} ${sc.feature} + ${f(L.b - L.m * sc.mean / sc.scale)}</span>`);
    parts.push(`test loss at the end: ${f(A.test_loss)}`, `status: <span id="run-status">${A.status}</span>`);
    document.getElementById("status").innerHTML = parts.join(" &middot; ");
    document.getElementById("explain").innerHTML = notes(A, T, C).map(p => `<p>${p}</p>`).join("");
    describe(A, T, c, k, L, C);
  }

  // The canvases' text alternatives: what each plot shows at the cursor, in words.
  function describe(A, T, c, k, L, C) {
    const fit = T.kind === "logistic" ? `Two groups of points and the boundary w1 x1 + w2 x2 + b = 0 with w1 = ${f(T.w1[c])}, w2 = ${f(T.w2[c])}, b = ${f(T.b[c])}, at epoch ${c}.`
      : L ? `The data points and the line y = ${f(L.m)} x + ${f(L.b)} at epoch ${c}.` : `The data points and the network's fit at epoch ${c}.`;
    const E = Views.epochLosses(T).length - 1;
    const loss = `Loss per epoch: ${f(T.loss[0])} at the start, ${f(Views.lossAt(T, k))} at epoch ${k}, ${f(Views.lossAt(T, E))} at epoch ${E}` +
      (T.diverged ? `; the run diverged at epoch ${T.diverged.epoch}` : "") + (C ? `; plain gradient descent ends at ${f(C.loss[C.loss.length - 1])}` : "") + ".";
    document.getElementById("fit").setAttribute("aria-label", fit);
    document.getElementById("loss").setAttribute("aria-label", loss);
    if (A.surface) document.getElementById("surface").setAttribute("aria-label",
      `Contour map of the loss over m and b; the minimum (star) at m = ${f(A.surface.least_squares.m)}, b = ${f(A.surface.least_squares.b)}` +
      (L ? `; the run is at m = ${f(L.m)}, b = ${f(L.b)}.` : "."));
  }

  function notes(A, T, C) {
    const out = [];
    if (A.model === "linear") out.push("Left: the training points (filled), the test points (hollow) and the line " +
      "y = m x + b at the cursor's epoch; drag it (the middle moves it, the ends turn it) to choose where training starts.");
    if (A.model === "network") out.push(`Left: the network's fit at the cursor (drawn at ${T.frames.epochs.length} evenly spaced epochs).` +
      (A.surface ? " Its two linear layers collapse to one line m x + b (W1 W2, b1 W2 + b2): its path is drawn on the surface." : ""));
    if (A.model === "logistic") out.push("Left: two blobs (filled: training, hollow: test) and the decision boundary w1 x1 + w2 x2 + b = 0 at the cursor.");
    if (A.surface && A.surface.least_squares.penalized) out.push(`Surface: the half MSE plus the ${A.penalty} penalty on m over (m, b); the star is its minimum ` +
      `(m = ${f(A.surface.least_squares.m)}, b = ${f(A.surface.least_squares.b)}, objective ${f(A.surface.least_squares.loss)}, the dashed green floor of the loss plot): the penalty pulls the slope towards 0.`);
    else if (A.surface) out.push(`Surface: the half MSE over (m, b), from its quadratic form; the star is the least-squares minimum ` +
      `(m = ${f(A.surface.least_squares.m)}, b = ${f(A.surface.least_squares.b)}, loss ${f(A.surface.least_squares.loss)}, the dashed green floor of the loss plot).`);
    if (T.test) out.push(`Dotted orange: the loss on the ${A.data.test.y.length} test rows, each epoch (the test size slider moves ` +
      "rows between training and testing: with few training rows a flexible model fits them and the test loss rises).");
    if (A.curvature) out.push("Why: the curvature panel gives the valley's two directions and what each epoch does along them.");
    else if (A.lam_max && A.model === "linear") out.push(`Curvature: lambda_max = ${f(A.lam_max)}. Gradient descent multiplies the error along the steepest direction by ` +
      "|1 - lr lambda_max| every epoch, so it converges only below the bound.");
    else if (A.lam_max) out.push(`Curvature used for the bound: ${f(A.lam_max)} (${A.bound_note}).`);
    if (T.changes.length) out.push(`Purple dotted lines: where the settings changed during the run (epochs ${T.changes.join(", ")}); training continued from the parameters there.`);
    if (C) out.push(`Grey dashed: plain gradient descent with the same rate: loss ${f(C.loss[C.loss.length - 1])} after ${C.loss.length} epochs` +
      ` (this run: ${f(T.loss[T.loss.length - 1])}).`);
    return out;
  }

  return { show };
})();

const Pointer = (function () {
  function wire(o) {
    const fit = document.getElementById("fit"), surf = document.getElementById("surface");
    let grab = null, last = 0;
    // CSS pixels -> the canvas's own pixels (the canvas is scaled to its column)
    const at = (canvas, e) => {
      const r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
    };
    fit.addEventListener("pointerdown", e => {
      const F = o.fit(), L = o.line();
      if (!F || !L || o.model() !== "linear") return;
      fit.setPointerCapture(e.pointerId);
      const [x0, y0] = F.inv(...at(fit, e));
      const [xa] = F.inv(Plot.PAD.left, 0), [xb] = F.inv(F.W - Plot.PAD.right, 0), xc = (xa + xb) / 2;
      grab = { x0, y0, xc, m: L.m, b: L.b, turn: Math.abs(x0 - xc) > 0.2 * (xb - xa) };
      e.preventDefault();
    });
    fit.addEventListener("pointermove", e => {
      if (!grab) return;
      const [x, y] = o.fit().inv(...at(fit, e));
      let m = grab.m, b = grab.b + (y - grab.y0);
      if (grab.turn && Math.abs(x - grab.xc) > 1e-9) {
        const yc = grab.m * grab.xc + grab.b;
        m = (y - yc) / (x - grab.xc); b = yc - m * grab.xc;
      }
      grab.now = [m, b];
      o.dragging({ T: { kind: "linear", m: [m], b: [b] } });
      if (Date.now() - last > 80) { last = Date.now(); o.start(m, b, 0); }
    });
    const end = () => {
      if (!grab) return;
      const now = grab.now;
      grab = null;
      o.dragging(null);
      if (now) o.start(now[0], now[1], 0);
    };
    fit.addEventListener("pointerup", end);
    fit.addEventListener("pointercancel", end);
    surf.addEventListener("click", e => {
      const F = o.surface();
      if (!F) return;
      const [m, b] = F.inv(...at(surf, e));
      o.start(m, b, null);
    });
  }
  return { wire };
})();

const Upload = (function () {
  function wire(_, loaded, picked, message) {
    const file = document.getElementById("csv-file"), status = document.getElementById("csv-status");
    const feat = document.getElementById("csv-feature"), targ = document.getElementById("csv-target");
    const std = document.getElementById("csv-standardise");
    let text = null, name = "upload.csv";
    // the server's messages name its stand-in file; the learner's file has its own name
    const named = t => String(t).replace(/'upload\.csv'/g, `'${name}'`);
    const say = (t, bad) => { status.textContent = t; status.classList.toggle("bad", !!bad); if (bad) message(t); };
    file.addEventListener("change", async () => {
      if (!file.files.length) return;
      name = file.files[0].name;
      text = await file.files[0].text();
      const r = await fetch("/api/csv?name=" + encodeURIComponent(name), { method: "POST", headers: Net.headers("text/csv"), body: text });
      const j = await r.json();
      for (const sel of [feat, targ]) {
        sel.innerHTML = "";
        for (const c of j.columns || []) sel.appendChild(Controls.el("option", { value: c }, c));
      }
      if (!r.ok) {  // the columns it has (if any) stay offered: another pair may read
        feat.value = (j.columns || [])[0]; targ.value = (j.columns || []).slice(-1)[0];
        say(`${name}: ${named(j.error)}`, true); return;
      }
      feat.value = j.feature; targ.value = j.target;
      say(`${file.files[0].name}: ${j.rows} rows; columns ${j.columns.join(", ")}`);
      message("");
      loaded(text, j.columns, j.feature, j.target, std.checked, name);
    });
    for (const sel of [feat, targ]) sel.addEventListener("change", () => { if (text) picked(text, feat.value, targ.value, std.checked, name); });
    std.addEventListener("change", () => { if (text) picked(text, feat.value, targ.value, std.checked, name); });
  }
  return { wire };
})();
