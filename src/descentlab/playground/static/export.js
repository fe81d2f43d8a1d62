// Take it home: the plots as one PNG, the run as CSV (one row per epoch N = 0 .. E, the
// state after N updates: the training loss, the test loss when the server sends it, and
// the parameters; the last row is the trained model).
"use strict";

const Export = (function () {
  function save(blob, name) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 5000);
  }

  function png(ids) {
    const canvases = ids.map(id => document.getElementById(id));
    const gap = 10, title = 22, W = canvases.reduce((w, c) => w + c.width + gap, gap);
    const H = title + Math.max(...canvases.map(c => c.height)) + 2 * gap;
    const out = document.createElement("canvas");
    out.width = W; out.height = H;
    const ctx = out.getContext("2d");
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    ctx.fillStyle = "#222"; ctx.font = "14px system-ui, sans-serif"; ctx.textBaseline = "top";
    let x = gap;
    for (const c of canvases) {
      ctx.fillText(c.closest("figure").querySelector("figcaption").textContent, x, gap);
      ctx.drawImage(c, x, gap + title);
      x += c.width + gap;
    }
    out.toBlob(b => save(b, "descentlab-playground.png"), "image/png");
  }

  // One row per epoch; a network's parameters are on the epochs it has frames for.
  function rows(T) {
    const cols = ["epoch", "loss"];
    if (T.test) cols.push("test_loss");
    const losses = Views.epochLosses(T), n = losses.length, out = [];  // epochs 0 .. E
    let params = [];
    if (T.kind === "linear") params = [["m", T.m], ["b", T.b]];
    else if (T.kind === "logistic") params = [["w1", T.w1], ["w2", T.w2], ["b", T.b]];
    else if (T.frames.m) {  // the collapsed line, on the frames' epochs
      const m = new Array(n).fill(""), b = new Array(n).fill("");
      T.frames.epochs.forEach((e, k) => { if (e < n) { m[e] = T.frames.m[k]; b[e] = T.frames.b[k]; } });
      params = [["collapsed_m", m], ["collapsed_b", b]];
    }
    for (const [name] of params) cols.push(name);
    out.push(cols.join(","));
    for (let e = 0; e < n; e++) {
      const r = [e, losses[e]];
      if (T.test) r.push(T.test[e] ?? "");
      for (const [, v] of params) r.push(v[e] ?? "");
      out.push(r.map(v => (v === null ? "" : String(v))).join(","));
    }
    return out.join("\n") + "\n";
  }

  function csv(T) {
    if (!T) return;
    save(new Blob([rows(T)], { type: "text/csv" }), "descentlab-run.csv");
  }

  return { png, csv, rows };
})();
