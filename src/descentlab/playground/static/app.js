// The playground: settings -> POST /api/train -> the run (a timeline) -> the views.
// Only the latest request's answer is drawn (older ones are aborted and, should one
// still arrive, dropped by its sequence number). Changing the rate or the optimizer in
// the middle of a run continues it from the parameters at the cursor.
"use strict";

(function () {
  const CONTINUE = new Set(["lr", "optimizer", "momentum", "schedule", "batch_size"]);
  const PRESETS = {
    article: {},
    below: { lrOfBound: 0.95 },
    above: { lrOfBound: 1.05 },
    momentum: { data: "scaled", optimizer: "momentum", momentum: 0.9, lr: 0.015, epochs: 300, compare: true },
    collapse: { model: "network", activation: "identity", hidden: 2, lr: 0.01, epochs: 300 },
    nonlinear: { data: "sine", model: "network", activation: "tanh", hidden: 16, noise: 0.1, lr: 0.1, epochs: 2000 },
    logistic: { data: "blobs", model: "logistic", noise: 1.5, lr: 0.5, epochs: 200 },
    ridge: { penalty: "l2", alpha: 10, lr: 0.15, epochs: 300 },
  };
  const $ = id => document.getElementById(id);
  let S = null, T = null, A = null, C = null, cursor = 0, playing = false, timer = null;
  let seq = 0, cseq = 0, controller = null, answers = 0, afterAnswer = null, drag = null, fitFrame = null, surfFrame = null;

  const E = () => (T ? T.loss.length : 0);

  function body(extra) {
    const b = Object.assign({}, S, extra || {});
    if (b.data !== "csv") { b.csv = null; b.feature = null; b.target = null; }
    return b;
  }

  async function post(b, mine, isCurrent) {
    const r = await fetch("/api/train", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(b), signal: controller.signal });
    const j = await r.json();
    if (!isCurrent(mine)) return null;
    if (!r.ok) { showMessage(j.error); return null; }
    return j;
  }

  // Train from the start of the settings; cursor afterwards: `at` (null: the end).
  function restart(at) {
    if (controller) controller.abort();
    controller = new AbortController();
    const mine = ++seq;
    post(body(), mine, m => m === seq).then(a => {
      if (!a) return;
      A = a; T = timelineOf(a, 0); C = null;
      cursor = at === null || at === undefined ? (playing ? 0 : E()) : Math.min(at, E());
      showMessage(a.diverged ? a.diverged.message : "");
      answered();
      if ($("compare").checked && S.optimizer !== "gd") compare();
    }).catch(caught);
  }

  function compare() {
    const mine = ++cseq;
    fetch("/api/train", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body({ optimizer: "gd" })) })
      .then(r => r.json()).then(a => { if (mine === cseq && a.loss) { C = timelineOf(a, 0); draw(); } }).catch(caught);
  }

  // Continue from the parameters at epoch k (a network: its last frame at or before k).
  function continueFrom(k) {
    if (T.kind === "network") k = T.frames.epochs[Views.frameAt(T, k)];
    const extra = { start_epoch: k, epochs: Math.max(1, S.epochs - k) };
    if (T.kind === "linear") Object.assign(extra, { m: T.m[k], b: T.b[k] });
    else if (T.kind === "logistic") extra.params = { W: [T.w1[k], T.w2[k]], b: T.b[k] };
    else extra.params = T.frames.params[Views.frameAt(T, k)];
    const V = T.velocity;  // momentum keeps its velocity across the change
    if (V && V.b[k] !== null && (S.optimizer === "momentum" || S.optimizer === "nesterov"))
      extra.velocity = { W: T.kind === "linear" ? [V.m[k]] : [V.w1[k], V.w2[k]], b: V.b[k] };
    if (controller) controller.abort();
    controller = new AbortController();
    const mine = ++seq;
    post(body(extra), mine, m => m === seq).then(a => {
      if (!a) return;
      if (A.surface && a.surface) a.surface = A.surface;  // the same data: keep the window of the whole path
      A = a; T = splice(T, timelineOf(a, k), k); C = null;
      showMessage(a.diverged ? a.diverged.message.replace(/epoch \d+/, "epoch " + T.diverged.epoch) : "");
      answered();
    }).catch(caught);
  }

  function timelineOf(a, offset) {
    const t = { kind: a.model, loss: a.loss, changes: [],
      diverged: a.diverged ? { epoch: a.diverged.epoch + offset, message: a.diverged.message } : null };
    t.velocity = a.velocity || null;
    if (a.model === "linear") { t.m = a.params.m; t.b = a.params.b; }
    else if (a.model === "logistic") { t.w1 = a.params.w1; t.w2 = a.params.w2; t.b = a.params.b; }
    else t.frames = Object.assign({}, a.frames, { epochs: a.frames.epochs.map(e => e + offset) });
    return t;
  }

  function splice(old, t, k) {
    const out = Object.assign({}, t, { loss: old.loss.slice(0, k).concat(t.loss),
      changes: old.changes.filter(e => e < k).concat([k]) });
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

  function caught(e) { if (e.name !== "AbortError") showMessage("no answer from the server (" + e.message + "): is it still running?"); }

  function answered() {
    answers++;
    document.body.dataset.answers = answers;
    Controls.showBound(A.bound, A.bound_note, A.regime);
    draw();
    if (afterAnswer) { const f = afterAnswer; afterAnswer = null; f(A); }
  }

  function showMessage(text) { $("message").textContent = text || ""; }

  function onSetting(name, value) {
    S[name] = value;
    if (name === "data" && value === "blobs") Object.assign(S, { model: "logistic", noise: 1.5 });
    if (name === "model" && value === "logistic") Object.assign(S, { data: "blobs", noise: 1.5 });
    if (name === "data" && value !== "blobs" && S.model === "logistic") S.model = "linear";
    if (name === "model" && value !== "logistic" && S.data === "blobs") Object.assign(S, { data: "article", noise: 10 });
    if (S.model !== "linear") S.penalty = "none";  // the penalty is on the line's slope only
    Controls.set(S);
    const mid = T && T.kind === S.model && cursor > 0 && cursor < E();
    if (CONTINUE.has(name) && mid) continueFrom(cursor); else restart(playing ? 0 : null);
    url();
  }

  function preset(name) {
    const p = Object.assign({}, PRESETS[name]);
    pause();
    S = Controls.defaults();
    $("compare").checked = !!p.compare;
    for (const k in p) if (k in S) S[k] = p[k];
    if (p.lrOfBound) afterAnswer = a => { S.lr = +(p.lrOfBound * a.bound).toPrecision(3); Controls.set(S); restart(); url(); };
    Controls.set(S); restart(); url();
  }

  function url() {
    const view = { epoch: T && cursor < E() ? cursor : null, log: $("log-scale").checked ? null : 0,
      compare: $("compare").checked ? 1 : null };
    history.replaceState(null, "", Controls.toHash(S, view));
  }

  function draw() {
    if (!T) return;
    const c = Math.min(cursor, E());
    fitFrame = Views.drawFit($("fit"), A, drag ? drag.T : T, drag ? 0 : c);
    Views.drawLoss($("loss"), A, T, c, $("log-scale").checked, C);
    surfFrame = Views.drawSurface($("surface"), A, T, c, C);
    $("surface-fig").classList.toggle("hidden", !A.surface);
    $("scrubber").max = E(); $("scrubber").value = c;
    $("epoch-label").textContent = `epoch ${c} of ${E()}`;
    Status.show(A, T, c, C);
  }

  function play() {
    if (cursor >= E()) cursor = 0;
    playing = true; $("play").textContent = "Pause";
    const step = Math.max(1, Math.ceil(S.epochs / 150));
    timer = setInterval(() => { cursor = Math.min(E(), cursor + step); draw(); if (cursor >= E()) pause(); }, 40);
  }

  function pause() { playing = false; clearInterval(timer); $("play").textContent = "Play"; url(); }

  function wire() {
    $("play").onclick = () => (playing ? pause() : play());
    $("step").onclick = () => { pause(); cursor = Math.min(E(), cursor + 1); draw(); url(); };
    $("reset").onclick = () => { pause(); restart(0); };
    $("scrubber").oninput = () => { pause(); cursor = +$("scrubber").value; draw(); url(); };
    $("log-scale").onchange = () => { draw(); url(); };
    $("compare").onchange = () => { C = null; restart(cursor); url(); };
    for (const b of document.querySelectorAll("#presets button")) b.onclick = () => preset(b.dataset.preset);
    Pointer.wire({ fit: () => fitFrame, surface: () => surfFrame, model: () => S.model,
      line: () => (T ? Views.lineAt(T, Math.min(cursor, E())) : null),
      dragging: d => { drag = d; draw(); },
      start: (m, b, at) => { pause(); S.m = +m.toPrecision(5); S.b = +b.toPrecision(5); Controls.set(S); restart(at); url(); } });
    Upload.wire(text => text, (text, columns, feature, target) => {
      Object.assign(S, { data: "csv", model: S.model === "logistic" ? "linear" : S.model, csv: text, feature, target, m: null, b: null });
      Controls.set(S); restart(); url();
    }, (text, feature, target) => {
      Object.assign(S, { data: "csv", model: S.model === "logistic" ? "linear" : S.model, csv: text, feature, target });
      Controls.set(S); restart(); url();
    }, showMessage);
  }

  async function init() {
    const doc = await (await fetch("/api/limits")).json();
    Controls.build(doc, onSetting);
    const state = Controls.fromHash(location.hash);
    S = state.settings;
    if (state.view.log === "0") $("log-scale").checked = false;
    if (state.view.compare === "1") $("compare").checked = true;
    Controls.set(S);
    wire();
    restart(state.view.epoch !== undefined ? +state.view.epoch : null);
    window.playground = { get settings() { return Object.assign({}, S); }, get timeline() { return T; },
      get answer() { return A; }, get cursor() { return cursor; }, get playing() { return playing; },
      get fit() { return fitFrame; },
      get line() { return T ? Views.lineAt(T, Math.min(cursor, E())) : null; } };
  }

  init().catch(e => showMessage("could not start the page: " + e.message));
})();
