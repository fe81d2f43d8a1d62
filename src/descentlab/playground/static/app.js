// The playground: settings -> POST /api/train (Net: one request at a time, the latest wins)
// -> the run (a timeline) -> the views. Changing the rate or the optimizer in the middle of
// a run continues it from the parameters at the cursor. A refused request greys the plots
// under its message: nothing stale is shown as if it were the new run.
"use strict";

(function () {
  const CONTINUE = new Set(["lr", "optimizer", "momentum", "schedule", "batch_size"]);
  let PRESETS = {};  // GET /api/presets: the lessons' own settings (and how to show them)
  const $ = id => document.getElementById(id);
  let S = null, T = null, A = null, C = null, cursor = 0, playing = false, timer = null;
  let answers = 0, afterAnswer = null, drag = null, fitFrame = null, surfFrame = null;
  let lesson = { title: "", prompt: "", lock: [], hide: [] }, written = null, linkProblems = "";
  let run = null, comparison = null;
  let base = null, changes = [];  // the settings the run started with; [{k, name, value}] changed on the way

  const E = () => (T ? T.loss.length : 0);

  function body(extra) {
    const b = Object.assign({}, S, extra || {});
    if (b.data !== "csv") { b.csv = null; b.csv_name = null; b.feature = null; b.target = null; }
    for (const k in b) if (!(k in Controls.doc.settings)) delete b[k];
    return b;
  }

  // Train from the start of the settings; cursor afterwards: `at` (null: the end).
  function restart(at, replay) { run.send(body(), { kind: "restart", at, replay, settings: Object.assign({}, S) }); }

  function compare() { comparison.send(body({ optimizer: "gd" }), null); }

  // Continue from the parameters at epoch k (a network: its last frame at or before k).
  function continueFrom(k, replay, at) {
    if (T.kind === "network") k = T.frames.epochs[Views.frameAt(T, k)];
    // what changed at k: each setting that differs from the one in force just before it
    const before = Object.assign({}, base);
    for (const e of changes) if (e.k < k) before[e.name] = e.value;
    const edits = [...CONTINUE].filter(n => S[n] !== before[n]).map(n => ({ k, name: n, value: S[n] }));
    const extra = { start_epoch: k, epochs: Math.max(1, S.epochs - k) };
    if (T.kind === "linear") Object.assign(extra, { m: T.m[k], b: T.b[k] });
    else if (T.kind === "logistic") extra.params = { W: [T.w1[k], T.w2[k]], b: T.b[k] };
    else extra.params = T.frames.params[Views.frameAt(T, k)];
    const V = T.velocity;  // momentum keeps its velocity across the change
    if (V && V.b[k] !== null && (S.optimizer === "momentum" || S.optimizer === "nesterov"))
      extra.velocity = { W: T.kind === "linear" ? [V.m[k]] : [V.w1[k], V.w2[k]], b: V.b[k] };
    run.send(body(extra), { kind: "continue", k, base: T, edits, replay, at });
  }

  function answeredRun(a, ctx) {
    stale(false);
    if (ctx.kind === "restart") {
      A = a; T = Views.timelineOf(a, 0); C = null;
      base = ctx.settings; changes = [];
      cursor = ctx.at === null || ctx.at === undefined ? (playing ? 0 : E()) : Math.min(ctx.at, E());
      if (ctx.replay && ctx.replay.length) { replay(ctx.replay, ctx.at); return; }
      showMessage(a.diverged ? a.diverged.message : "");
      answered();
      if ($("compare").checked && S.optimizer !== "gd") compare();
    } else {
      if (A.surface && a.surface) a.surface = A.surface;  // the same data: keep the window of the whole path
      A = a; T = Views.splice(ctx.base, Views.timelineOf(a, ctx.k), ctx.k); C = null;
      changes = changes.filter(e => e.k < ctx.k).concat(ctx.edits);
      if (ctx.replay) {
        if (ctx.replay.length) { replay(ctx.replay, ctx.at); return; }
        cursor = ctx.at === null || ctx.at === undefined ? E() : Math.min(ctx.at, E());
      }
      showMessage(a.diverged ? a.diverged.message.replace(/epoch \d+/, "epoch " + T.diverged.epoch) : "");
      answered();
    }
  }

  // A link's changes during the run: the first epoch's, then the rest after its answer.
  function replay(edits, at) {
    const k = edits[0].k, now = edits.filter(e => e.k === k), rest = edits.filter(e => e.k !== k);
    for (const e of now) S[e.name] = e.value;
    Controls.set(S);
    continueFrom(Math.min(k, E() - 1), rest, at);
  }

  // A refusal: the message, and the old plots greyed under it (they are not this run).
  function refused(error) {
    stale(true);
    showMessage("These settings were not run. " + error.charAt(0).toUpperCase() + error.slice(1) +
      (/[.!?]$/.test(error) ? "" : "."));
    answers++; document.body.dataset.answers = answers;
  }

  function failed(e) { stale(true); showMessage("No answer from the server (" + e.message + "): is it still running?"); }

  function stale(on) {
    $("views").classList.toggle("stale", on);
    $("views").setAttribute("aria-disabled", on ? "true" : "false");
  }

  function answered() {
    answers++;
    document.body.dataset.answers = answers;
    Controls.showBound(A);
    draw();
    url();
    if (afterAnswer) { const f = afterAnswer; afterAnswer = null; f(A); }
  }

  function showMessage(text) {
    $("message").textContent = [linkProblems, text || ""].filter(Boolean).join(" ");
  }

  function onSetting(name, value) {
    if (Controls.locked.has(name)) return;
    S[name] = value;
    if (name === "data" && value === "blobs") Object.assign(S, { model: "logistic", noise: 1.5 });
    if (name === "model" && value === "logistic") Object.assign(S, { data: "blobs", noise: 1.5 });
    if (name === "data" && value !== "blobs" && S.model === "logistic") S.model = "linear";
    if (name === "model" && value !== "logistic" && S.data === "blobs") Object.assign(S, { data: "article", noise: 10 });
    if (S.model !== "linear") S.penalty = "none";  // the penalty is on the line's slope only
    Controls.set(S);
    const mid = T && T.kind === S.model && cursor > 0 && cursor < E() && !$("views").classList.contains("stale");
    if (CONTINUE.has(name) && mid) continueFrom(cursor); else restart(playing ? 0 : null);
    url();
  }

  function preset(name) {
    const P = PRESETS[name] || { settings: {}, view: {} }, p = P.view || {};
    pause();
    S = Controls.defaults();
    $("compare").checked = !!p.compare;
    for (const k in P.settings) if (k in S) S[k] = P.settings[k];
    if (p.lrOfBound) afterAnswer = a => { S.lr = +(p.lrOfBound * a.bound).toPrecision(3); Controls.set(S); restart(); url(); };
    Controls.set(S); restart(); url();
  }

  function url() {
    const view = { epoch: T && cursor < E() ? cursor : null, log: $("log-scale").checked ? null : 0,
      compare: $("compare").checked ? 1 : null, text: $("big-text").checked ? "large" : null };
    const replayed = changes.length && T && T.changes.length;
    written = replayed ? Lesson.hash(base, view, lesson, changes) : Lesson.hash(S, view, lesson);
    history.replaceState(null, "", written);
    $("link-note").textContent = replayed ? `The link in the address bar replays this run: it starts with the first ` +
      `settings and changes them at epoch ${[...new Set(changes.map(e => e.k))].join(", ")} (then=...).` : "";
  }

  // Open the lesson of a link (at the start, after a pasted link, back and forward).
  function apply(hash) {
    const L = Lesson.parse(hash);
    pause(true);
    S = L.settings;
    lesson = { title: L.title, prompt: L.prompt, lock: L.lock, hide: L.hide };
    linkProblems = Lesson.problemsText(L.problems);
    $("log-scale").checked = L.view.log !== "0";
    $("compare").checked = L.view.compare === "1";
    $("big-text").checked = L.view.text === "large";
    $("csv-standardise").checked = S.standardize !== false;
    bigText();
    Lesson.show(lesson);
    Controls.set(S);
    showMessage("");
    written = hash;
    restart(L.view.epoch !== undefined ? +L.view.epoch : null, L.then);
  }

  function bigText() {
    document.body.classList.toggle("big", $("big-text").checked);
    Plot.setScale($("big-text").checked ? 1.45 : 1);
    sized(true);
  }

  // Each canvas as many pixels wide as it is shown (readable on a phone and a projector).
  function sized(force) {
    let changed = false;
    for (const id of ["fit", "loss", "surface"]) {
      const c = $(id), w = Math.round(c.clientWidth);
      if (w > 0 && (force || Math.abs(c.width - w) > 2)) {
        c.width = w; c.height = Math.round(w * Math.min(0.69, 0.62 * window.innerHeight / window.innerWidth * 3 / 1.6));
        changed = true;
      }
    }
    if (changed) draw();
  }

  function draw() {
    if (!T) return;
    const c = Math.min(cursor, E());
    fitFrame = Views.drawFit($("fit"), A, drag ? drag.T : T, drag ? 0 : c);
    Views.drawLoss($("loss"), A, T, c, $("log-scale").checked, C);
    surfFrame = Views.drawSurface($("surface"), A, T, c, C);
    $("surface-fig").classList.toggle("hidden", !A.surface);
    $("scrubber").max = E(); $("scrubber").value = c;
    $("scrubber").setAttribute("aria-valuetext", `epoch ${c} of ${E()}`);
    $("epoch-label").textContent = `epoch ${c} of ${E()}`;
    Status.show(A, T, c, C);
    Why.show(A, S, T, c);
    $("loss-title").textContent = "loss per epoch: solid blue training" + (T.test ? ", dotted orange test" : "") +
      (C ? ", dashed grey plain GD" : "") + (T.changes.length ? ", purple dotted: settings changed" : "");
    $("surface-title").textContent = "loss over (m, b), click to start there: red this run" + (C ? ", black dashed plain GD" : "") +
      (A.curvature ? ", dashed lines the directions of lambda_min (blue) and lambda_max (red)" : "");
  }

  function play() {
    if (cursor >= E()) cursor = 0;
    playing = true; $("play").textContent = "Pause";
    const step = Math.max(1, Math.ceil(S.epochs / 150));
    timer = setInterval(() => { cursor = Math.min(E(), cursor + step); draw(); if (cursor >= E()) pause(); }, 40);
  }

  function pause(quiet) { playing = false; clearInterval(timer); $("play").textContent = "Play"; if (S && !quiet) url(); }

  function wire() {
    $("play").onclick = () => (playing ? pause() : play());
    $("step").onclick = () => { pause(); cursor = Math.min(E(), cursor + 1); draw(); url(); };
    $("reset").onclick = () => { pause(); restart(0); };
    $("scrubber").oninput = () => { pause(); cursor = +$("scrubber").value; draw(); url(); };
    $("log-scale").onchange = () => { draw(); url(); };
    $("compare").onchange = () => { C = null; restart(cursor); url(); };
    $("big-text").onchange = () => { bigText(); url(); };
    $("save-png").onclick = () => Export.png(["fit", "loss", "surface", "momap"].filter(id => !$(id).closest(".hidden") &&
      !$(id).classList.contains("hidden")), A);
    $("save-csv").onclick = () => Export.csv(T, A);
    $("copy-link").onclick = () => Classroom.copy();
    for (const b of document.querySelectorAll("#presets button")) b.onclick = () => preset(b.dataset.preset);
    window.addEventListener("hashchange", () => { if (location.hash !== written) apply(location.hash); });
    window.addEventListener("popstate", () => { if (location.hash !== written) apply(location.hash); });
    if (window.ResizeObserver) new ResizeObserver(() => requestAnimationFrame(() => sized(false))).observe($("views"));
    Pointer.wire({ fit: () => fitFrame, surface: () => surfFrame, model: () => S.model,
      line: () => (T ? Views.lineAt(T, Math.min(cursor, E())) : null),
      dragging: d => { drag = d; draw(); },
      start: (m, b, at) => {
        if (Controls.locked.has("m") || Controls.locked.has("b")) return;
        pause(); S.m = +m.toPrecision(5); S.b = +b.toPrecision(5); Controls.set(S); restart(at); url();
      } });
    const toCsv = (text, feature, target, standardize, name) => {
      Object.assign(S, { data: "csv", model: S.model === "logistic" ? "linear" : S.model, csv: text, feature, target,
        standardize, csv_name: name });
      Controls.set(S); restart(); url();
    };
    Upload.wire(null, (text, columns, feature, target, st, name) => { S.m = null; S.b = null; toCsv(text, feature, target, st, name); },
      toCsv, showMessage);
  }

  async function init() {
    const doc = await (await fetch("/api/limits", { headers: Net.headers("application/json") })).json();
    Controls.build(doc, onSetting);
    try { PRESETS = await (await fetch("/api/presets", { headers: Net.headers("application/json") })).json(); } catch (e) { PRESETS = {}; }
    for (const b of document.querySelectorAll("#presets button")) {
      if (!PRESETS[b.dataset.preset]) b.classList.add("hidden");
      else b.title = "the lesson's run: " + PRESETS[b.dataset.preset].lesson;
    }
    if (doc.settings.standardize) $("standardise-why").textContent = "Why: " + doc.settings.standardize.help + ".";
    run = Net.stream("/api/train", { answered: answeredRun, refused, failed });
    comparison = Net.stream("/api/train", { answered: a => { if (a.loss) { C = Views.timelineOf(a, 0); draw(); } },
      refused: () => {}, failed: () => {} });
    wire();
    if (window.matchMedia("(max-width: 900px)").matches) $("drawer").open = false;  // a phone: the plots first
    apply(location.hash);
    sized(true);
    Classroom.show();
    window.playground = { get settings() { return Object.assign({}, S); }, get timeline() { return T; },
      get answer() { return A; }, get cursor() { return cursor; }, get playing() { return playing; },
      get fit() { return fitFrame; }, get surface() { return surfFrame; }, get comparison() { return C; }, get requests() { return Net.log; }, get lesson() { return lesson; },
      get line() { return T ? Views.lineAt(T, Math.min(cursor, E())) : null; } };
  }

  init().catch(e => { $("message").textContent = "The page could not start: " + e.message + ". Reload it, or restart the server."; });
})();
