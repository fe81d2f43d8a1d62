// The controls, built from GET /api/limits (the server's one declaration of every setting,
// its default, range and caps), the learning-rate slider coloured against the bound, and
// the settings <-> URL hash.
"use strict";

const Controls = (function () {
  // How each setting is shown; its range, choices and default come from the server.
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
    penalty: { widget: "select", show: s => s.model === "linear" },
    alpha: { widget: "number", step: "any", show: s => s.model === "linear" && s.penalty !== "none" },
    l1_ratio: { widget: "range", step: 0.05, show: s => s.model === "linear" && s.penalty === "elasticnet" },
    m: { widget: "number", step: "any", show: s => s.model === "linear" },
    b: { widget: "number", step: "any", show: s => s.model === "linear" },
  };
  const IN_URL = Object.keys(SPEC).concat(["lr", "feature", "target"]);
  let doc = null, onChange = null;
  const inputs = {};

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function build(limitsDoc, changed) {
    doc = limitsDoc; onChange = changed;
    const box = document.getElementById("fields");
    for (const name in SPEC) {
      const f = doc.settings[name], spec = SPEC[name];
      const row = el("div", { class: "field", id: "field-" + name, title: f.help });
      row.appendChild(el("label", { for: name }, name.replace("_", " ")));
      let input, out = el("output", { id: name + "-out" });
      if (spec.widget === "select" || spec.widget === "batch") {
        input = el("select", { id: name });
        const options = spec.widget === "batch" ? spec.options : f.choices;
        for (const o of options) input.appendChild(el("option", { value: o === null ? "" : o }, o === null ? "full batch" : o));
      } else if (spec.widget === "range") {
        input = el("input", { id: name, type: "range", min: f.min, max: f.max, step: spec.step });
      } else {
        input = el("input", { id: name, type: "number", min: f.min, max: f.max, step: spec.step || 1 });
        if (f.nullable) input.placeholder = "from seed";
      }
      input.addEventListener("input", () => {
        if (spec.widget === "range") out.textContent = input.value;
        if (spec.widget !== "number" || input.value === "" || input.checkValidity()) changed(name, read(name));
      });
      row.appendChild(input); row.appendChild(out);
      box.appendChild(row);
      inputs[name] = input;
    }
    const L = doc.limits;
    document.getElementById("caps").textContent =
      `Caps: ${L.epochs} epochs, ${L.samples} samples (or CSV rows), ${L.hidden} hidden units, ` +
      `${L.updates} updates per run, CSV files up to ${L.upload_bytes / 1024} KiB.`;
    const lr = document.getElementById("lr");
    lr.min = Math.log10(doc.settings.lr.min); lr.max = Math.log10(doc.settings.lr.max);
    lr.addEventListener("input", () => { showLr(); changed("lr", read("lr")); });
  }

  function read(name) {
    if (name === "lr") return +Math.pow(10, +document.getElementById("lr").value).toPrecision(3);
    const input = inputs[name], f = doc.settings[name];
    if (f.kind === "choice") return input.value;
    if (input.value === "") return null;
    return f.kind === "int" ? Math.round(+input.value) : +input.value;
  }

  function set(s) {
    for (const name in SPEC) {
      const input = inputs[name], v = s[name];
      input.value = v === null || v === undefined ? "" : v;
      const out = document.getElementById(name + "-out");
      out.textContent = SPEC[name].widget === "range" ? input.value : "";
      const show = SPEC[name].show;
      document.getElementById("field-" + name).classList.toggle("hidden", !!show && !show(s));
    }
    document.getElementById("lr").value = Math.log10(s.lr);
    showLr();
  }

  function showLr() {
    document.getElementById("lr-out").textContent = read("lr");
  }

  // Colour the rate slider by regime against the bound, and mark the bound.
  function showBound(bound, note, regime) {
    const lr = document.getElementById("lr"), mark = document.getElementById("bound-mark");
    const line = document.getElementById("bound-line");
    const lo = +lr.min, hi = +lr.max, pos = v => 100 * (Math.log10(v) - lo) / (hi - lo);
    if (bound === null || bound === undefined) {
      lr.style.background = "#ccc"; mark.style.display = "none";
      line.textContent = "No stable bound: " + note;
      return;
    }
    const E = doc.regime_edges;
    const a = pos(E["too small"] * bound), b = pos(E["good"] * bound), c = pos(E["near the bound"] * bound);
    lr.style.background = `linear-gradient(to right, #b9c9e3 ${a}%, #9ed6a0 ${a}%, #9ed6a0 ${b}%, ` +
      `#ffcc80 ${b}%, #ffcc80 ${c}%, #ef9a9a ${c}%)`;
    mark.style.display = "block";
    mark.style.left = `calc(${c}% - 1px)`;
    line.innerHTML = "";
    line.append("stable bound ", el("b", { id: "bound-value" }, Plot.fmt(bound)), ` (${note}); this rate: `,
      el("span", { class: "regime " + regimeClass(regime), id: "regime" }, regime));
  }

  function regimeClass(regime) {
    return { "too small": "r-small", "good": "r-good", "near the bound": "r-near", "beyond the bound": "r-beyond" }[regime] || "";
  }

  function defaults() {
    const s = {};
    for (const name in doc.settings) s[name] = doc.settings[name].default;
    return s;
  }

  // Settings and view -> "#lr=0.05&..." (only what differs from the defaults) and back.
  function toHash(s, view) {
    const q = new URLSearchParams();
    for (const name of IN_URL) {
      const v = s[name], d = doc.settings[name].default;
      if (v !== d) q.set(name, v === null ? "" : v);
    }
    for (const k in view) if (view[k] !== null && view[k] !== undefined) q.set(k, view[k]);
    return "#" + q.toString();
  }

  function fromHash(hash) {
    const q = new URLSearchParams(hash.replace(/^#/, "")), s = defaults(), view = {};
    for (const [k, v] of q) {
      const f = doc.settings[k];
      if (f && IN_URL.includes(k)) s[k] = v === "" ? null : f.kind === "number" || f.kind === "int" ? +v : v;
      else view[k] = v;
    }
    return { settings: s, view };
  }

  return { build, set, read, showBound, regimeClass, defaults, toHash, fromHash, el };
})();
