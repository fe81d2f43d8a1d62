// The controls, built from GET /api/limits (the server's one declaration of every setting,
// its default, range and caps), and the learning-rate slider coloured against the bound.
// Typed numbers apply on Enter, on leaving the field, or once a complete valid number has
// stood for TYPE_MS; a field is never rewritten while it has the focus, and a value that is
// not a number or is out of range gets a message beside its field and is not sent.
"use strict";

const Controls = (function () {
  const TYPE_MS = 700, BASE_LR_MIN = 1e-5;  // the slider's usual low end; a tiny bound takes it lower
  const SPEC = {
    data: { widget: "select" },
    model: { widget: "select" },
    optimizer: { widget: "select" },
    momentum: { widget: "range", step: 0.01, show: s => s.optimizer !== "gd" },
    schedule: { widget: "select" },
    epochs: { widget: "range", step: 1 },
    batch_size: { widget: "batch", options: [null, 1, 4, 16, 64] },
    samples: { widget: "range", step: 10, show: s => s.data !== "csv" },
    noise: { widget: "range", step: 0.05, show: s => s.data !== "csv" },
    seed: { widget: "number" },
    data_seed: { widget: "number", show: s => s.data !== "csv" },
    hidden: { widget: "range", step: 1, show: s => s.model === "network" },
    activation: { widget: "select", show: s => s.model === "network" },
    bias_form: { widget: "select", show: s => s.model === "network" && s.activation === "identity" },
    penalty: { widget: "select", show: s => s.model === "linear" },
    alpha: { widget: "number", show: s => s.model === "linear" && s.penalty !== "none" },
    l1_ratio: { widget: "range", step: 0.05, show: s => s.model === "linear" && s.penalty === "elasticnet" },
    m: { widget: "number", show: s => s.model === "linear" },
    b: { widget: "number", show: s => s.model === "linear" },
    test_size: { widget: "range", step: 0.05, show: s => s.data !== "csv" },
  };
  const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i, PARTIAL = /^[+-]?(\d*\.?\d*)(e[+-]?)?$/i;
  const COLORS = { "too small": "#56B4E9", "good": "#009E73", "near the bound": "#E69F00", "beyond the bound": "#D55E00" };
  let doc = null, onChange = null, current = null, locked = new Set(), lrRange = null;
  const inputs = {}, typing = {};

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  const label = name => name.replace("_", " ");
  const shown = v => String(v);

  // A typed text -> {value} or {error} (a sentence) or {partial: true} (not finished yet).
  function check(name, text) {
    const f = doc.settings[name];
    let t = text.trim();
    if (/^[+-]?\d*,\d*$/.test(t)) t = t.replace(",", ".");  // a phone's decimal comma: 0,5 is 0.5
    if (t === "") return f.nullable ? { value: null } : { error: `Type a number for ${label(name)}.` };
    if (!NUMBER.test(t)) {
      if (PARTIAL.test(t)) return { partial: true, error: `"${t}" is not a number yet: finish it, e.g. ${shown(f.default ?? 0)}.` };
      return { error: `"${t}" is not a number: type digits, e.g. ${shown(f.default ?? 1)}.` };
    }
    const v = +t;
    if (f.kind === "int" && !Number.isInteger(v)) return { error: `${label(name)} must be a whole number.` };
    if (f.min !== null && f.min !== undefined && v < f.min) return { error: `${label(name)} ${t} is below its smallest value ${shown(f.min)}: not applied.` };
    if (f.max !== null && f.max !== undefined && v > f.max) return { error: `${label(name)} ${t} is above its largest value ${shown(f.max)}: not applied.` };
    return { value: v };
  }

  function say(name, text) {
    const m = document.getElementById(name + "-msg");
    m.textContent = text || "";
    inputs[name].setAttribute("aria-invalid", text ? "true" : "false");
  }

  function wireNumber(name, input) {
    const apply = (final) => {
      clearTimeout(typing[name]);
      const r = check(name, input.value);
      if (r.error && (final || !r.partial)) {
        say(name, r.error + (current && current[name] !== undefined ? ` The run keeps ${label(name)} = ${current[name] === null ? "(from the seed)" : current[name]}.` : ""));
        return;
      }
      if (r.error) { say(name, ""); return; }
      say(name, "");
      if (current && current[name] === r.value) return;
      if (final) onChange(name, r.value);
      else typing[name] = setTimeout(() => onChange(name, r.value), TYPE_MS);
    };
    input.addEventListener("input", () => apply(false));
    input.addEventListener("change", () => apply(true));
    input.addEventListener("keydown", e => { if (e.key === "Enter") apply(true); });
  }

  function build(limitsDoc, changed) {
    doc = limitsDoc; onChange = changed;
    const box = document.getElementById("fields");
    for (const name in SPEC) {
      const f = doc.settings[name], spec = SPEC[name];
      if (!f) continue;  // a setting this server does not have
      const row = el("div", { class: "field", id: "field-" + name, title: f.help });
      row.appendChild(el("label", { for: name }, label(name)));
      let input;
      const out = el("output", { id: name + "-out", for: name });
      if (spec.widget === "select" || spec.widget === "batch") {
        input = el("select", { id: name });
        const options = spec.widget === "batch" ? spec.options : f.choices;
        for (const o of options) input.appendChild(el("option", { value: o === null ? "" : o }, o === null ? "full batch" : o));
        const pick = () => { const v = read(name); if (!current || current[name] !== v) changed(name, v); };
        input.addEventListener("input", pick); input.addEventListener("change", pick);
      } else if (spec.widget === "range") {
        input = el("input", { id: name, type: "range", min: f.min, max: f.max, step: spec.step });
        input.addEventListener("input", () => {
          out.textContent = input.value;
          input.setAttribute("aria-valuetext", `${label(name)} ${input.value}`);
          changed(name, read(name));
        });
      } else {
        input = el("input", { id: name, type: "text", inputmode: f.kind === "int" ? "numeric" : "decimal",
          autocomplete: "off", spellcheck: "false", "aria-describedby": name + "-msg" });
        if (f.nullable) input.placeholder = "from seed";
        wireNumber(name, input);
      }
      row.appendChild(input); row.appendChild(out);
      row.appendChild(el("span", { class: "field-msg", id: name + "-msg", "aria-live": "polite" }));
      box.appendChild(row);
      inputs[name] = input;
    }
    const L = doc.limits;
    document.getElementById("caps").textContent =
      `Caps: ${L.epochs} epochs, ${L.samples} samples (or CSV rows), ${L.hidden} hidden units, ` +
      `${L.updates} updates per run, CSV files up to ${L.upload_bytes / 1024} KiB.`;
    const lr = document.getElementById("lr");
    lrRange = [Math.max(doc.settings.lr.min, BASE_LR_MIN), doc.settings.lr.max];
    lr.min = Math.log10(lrRange[0]); lr.max = Math.log10(lrRange[1]);
    lr.addEventListener("input", () => { showLr(); changed("lr", read("lr")); });
    lr.addEventListener("keydown", e => {  // the keyboard's big steps: a tenth of a decade
      const step = { PageUp: 0.1, PageDown: -0.1 }[e.key] ?? (e.shiftKey ? { ArrowRight: 0.1, ArrowUp: 0.1, ArrowLeft: -0.1, ArrowDown: -0.1 }[e.key] : undefined);
      if (step === undefined) return;
      e.preventDefault();
      lr.value = Math.min(+lr.max, Math.max(+lr.min, +lr.value + step));
      lr.dispatchEvent(new Event("input"));
    });
  }

  function read(name) {
    if (name === "lr") return +Math.pow(10, +document.getElementById("lr").value).toPrecision(3);
    const input = inputs[name], f = doc.settings[name];
    if (f.kind === "choice") return input.value;
    if (input.value === "") return null;
    return f.kind === "int" ? Math.round(+input.value) : +input.value;
  }

  // Show the settings s; a field with the focus keeps what is being typed.
  function set(s) {
    current = Object.assign({}, s);
    for (const name in inputs) {
      const input = inputs[name], v = s[name];
      if (document.activeElement !== input) {
        input.value = v === null || v === undefined ? "" : v;
        if (SPEC[name].widget === "number") say(name, "");
      }
      document.getElementById(name + "-out").textContent = SPEC[name].widget === "range" ? input.value : "";
      if (SPEC[name].widget === "range") input.setAttribute("aria-valuetext", `${label(name)} ${input.value}`);
      const show = SPEC[name].show;
      document.getElementById("field-" + name).classList.toggle("hidden", !!show && !show(s));
    }
    const lr = document.getElementById("lr");
    if (s.lr < lrRange[0]) { lrRange[0] = s.lr; lr.min = Math.log10(s.lr); }
    lr.value = Math.log10(s.lr);
    showLr();
  }

  let boundNow = null, regimeNow = null, boundShown = null;

  function showLr() {
    const v = read("lr"), lr = document.getElementById("lr");
    document.getElementById("lr-out").textContent = v;
    const where = boundNow ? `, ${regimeNow || ""} (stable bound ${boundShown})` : "";
    lr.setAttribute("aria-valuetext", `learning rate ${v}${where}`);
  }

  // The rate slider's range: 1e-5 to the API's largest, reaching down with the server's
  // lr_range when this data's bound is tiny (never below the rate in use).
  function fitRange(A) {
    const lr = document.getElementById("lr");
    let lo = Math.max(doc.settings.lr.min, BASE_LR_MIN);
    if (A && A.lr_range) lo = Math.min(lo, A.lr_range[0]);
    lrRange[0] = Math.min(lo, current ? current.lr : lo);
    lr.min = Math.log10(lrRange[0]);
    if (current) lr.value = Math.log10(current.lr);
  }

  // Colour the rate slider by regime against the bound, mark 1/lambda_max and the bound,
  // and put each label of the legend under its band.
  function showBound(A) {
    fitRange(A);
    const bound = A.bound, note = A.bound_note, regime = A.regime;
    const lr = document.getElementById("lr"), mark = document.getElementById("bound-mark");
    const half = document.getElementById("half-mark"), legend = document.getElementById("lr-legend");
    const line = document.getElementById("bound-line");
    boundNow = bound; regimeNow = regime; boundShown = A.bound_display || null;
    const lo = +lr.min, hi = +lr.max, pos = v => Math.max(0, Math.min(100, 100 * (Math.log10(v) - lo) / (hi - lo)));
    legend.innerHTML = "";
    if (bound === null || bound === undefined) {
      lr.style.background = "#ccc"; mark.style.display = "none"; half.style.display = "none";
      line.textContent = "No stable bound: " + note;
      showLr();
      return;
    }
    const E = doc.regime_edges, C = COLORS;
    const edges = [0, pos(E["too small"] * bound), pos(E["good"] * bound), pos(E["near the bound"] * bound), 100];
    const names = ["too small", "good", "near the bound", "beyond the bound"];
    const stops = names.map((n, i) => `${C[n]} ${edges[i]}%, ${C[n]} ${edges[i + 1]}%`).join(", ");
    lr.style.background = `linear-gradient(to right, ${stops})`;
    mark.style.display = "block";
    // 1 / lambda_max: steps start to overshoot; 2 / lambda_max: plain GD diverges (the bound
    // of GD; momentum's bound is further right, where the bands change colour)
    const cv = A.curvature, gd = !current || current.optimizer === "gd";
    const over = cv ? cv.overshoot_lr : gd ? bound / 2 : null, diverge = cv ? cv.diverge_lr : bound;
    half.style.display = over ? "block" : "none"; if (over) half.style.left = `calc(${pos(over)}% - 1px)`;
    mark.style.left = `calc(${pos(diverge)}% - 1px)`;
    names.forEach((n, i) => {
      const w = edges[i + 1] - edges[i];
      if (w <= 0) return;
      const tag = el("span", { class: "band " + regimeClass(n) }, n === "beyond the bound" ? "diverges" : n);
      tag.style.left = `${edges[i]}%`; tag.style.width = `${w}%`;
      legend.appendChild(tag);
    });
    line.innerHTML = "";
    line.append("stable bound ", el("b", { id: "bound-value" }, A.bound_display), ` (${note}); this rate: `,
      el("span", { class: "regime " + regimeClass(regime), id: "regime" }, regime));
    // what the steps do at this rate, in the library's words (core/regimes.py, via the server)
    if (A.steps) line.append("; its steps: ", el("span", { id: "steps", title: A.steps.regimes }, A.steps.sentence));
    showLr();
  }

  function regimeClass(regime) {
    return { "too small": "r-small", "good": "r-good", "near the bound": "r-near", "beyond the bound": "r-beyond" }[regime] || "";
  }

  function defaults() {
    const s = {};
    for (const name in doc.settings) s[name] = doc.settings[name].default;
    return s;
  }

  // The lesson's locks and hidden controls (names of settings, or "lr", "presets", "csv").
  function restrict(lock, hide) {
    locked = new Set(lock);
    const rowOf = n => n === "lr" ? document.getElementById("lr-box") : n === "presets" ? document.getElementById("presets")
      : n === "csv" ? document.getElementById("csv-box") : document.getElementById("field-" + n);
    for (const e of document.querySelectorAll(".locked, .lesson-hidden")) e.classList.remove("locked", "lesson-hidden");
    for (const name of Object.keys(inputs).concat(["lr"])) {
      const input = name === "lr" ? document.getElementById("lr") : inputs[name];
      input.disabled = locked.has(name);
    }
    for (const n of lock) { const r = rowOf(n); if (r) r.classList.add("locked"); }
    for (const n of hide) { const r = rowOf(n); if (r) r.classList.add("lesson-hidden"); }
    for (const b of document.querySelectorAll("#presets button")) b.disabled = lock.length > 0;
  }

  return { build, set, read, check, showBound, regimeClass, defaults, restrict, el, COLORS,
    get doc() { return doc; }, get locked() { return locked; } };
})();
