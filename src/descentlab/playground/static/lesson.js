// A link is a lesson: the settings after "#" (only what differs from the defaults), the view
// (epoch, log, compare, text), and a teacher's title, prompt, locked and hidden controls:
//   #lr=1.8&epochs=100&title=Past%20the%20bound&prompt=Why%20does%20it%20grow%3F&lock=lr&hide=penalty
// A value the page cannot use is named in a message and replaced by its default; the rest
// of the lesson still shows.
"use strict";

const Lesson = (function () {
  const VIEW = ["epoch", "log", "compare", "text"], TEXT = ["title", "prompt"], LISTS = ["lock", "hide"];
  const CONTINUABLE = new Set(["lr", "optimizer", "momentum", "schedule", "batch_size"]);
  const CONTROLS = new Set(["lr", "presets", "csv"]);

  // "#..." -> {settings, view, title, prompt, lock, hide, problems: [sentences]}
  function parse(hash) {
    const doc = Controls.doc, q = new URLSearchParams(hash.replace(/^#/, ""));
    const out = { settings: Controls.defaults(), view: {}, title: "", prompt: "", lock: [], hide: [], problems: [], then: [] };
    for (const [k, v] of q) {
      if (k === "then") { out.then = edits(v, out.problems); continue; }
      const f = doc.settings[k];
      if (TEXT.includes(k)) { out[k] = v.slice(0, 500); continue; }
      if (LISTS.includes(k)) {
        for (const n of v.split(",").map(x => x.trim()).filter(Boolean)) {
          if (doc.settings[n] || CONTROLS.has(n)) out[k].push(n);
          else out.problems.push(`${k}=${n} names no control`);
        }
        continue;
      }
      if (VIEW.includes(k)) {
        if (k === "epoch" && !/^\d+$/.test(v)) out.problems.push(`epoch=${v} is not a whole number of epochs`);
        else out.view[k] = v;
        continue;
      }
      if (!f || ["csv", "csv_name", "params", "velocity", "start_epoch"].includes(k)) { out.problems.push(`"${k}" is not a setting of the playground`); continue; }
      const r = value(k, f, v);
      if (r.problem) out.problems.push(r.problem); else out.settings[k] = r.value;
    }
    return out;
  }

  // "50:lr=0.2;120:optimizer=momentum" -> [{k: 50, name: "lr", value: 0.2}, ...]: the
  // changes made during the run (each continued it from its epoch), in order.
  function edits(text, problems) {
    const out = [];
    for (const part of text.split(";").filter(Boolean)) {
      const m = /^(\d+):([a-z_0-9]+)=(.*)$/.exec(part), f = m && Controls.doc.settings[m[2]];
      if (!m || !f || !CONTINUABLE.has(m[2])) { problems.push(`then=${part} is not a change the page can replay (epoch:setting=value)`); return []; }
      const r = value(m[2], f, m[3]);
      if (r.problem) { problems.push(r.problem + " (in then=)"); return []; }
      if (out.length && +m[1] < out[out.length - 1].k) { problems.push(`then=${part} goes back in time`); return []; }
      out.push({ k: +m[1], name: m[2], value: r.value });
    }
    return out;
  }

  function value(k, f, v) {
    if (v === "" && f.nullable) return { value: null };
    if (f.kind === "choice") {
      return f.choices.includes(v) ? { value: v } : { problem: `${k}=${v} is not one of ${f.choices.join(", ")}` };
    }
    if (f.kind === "text") return { value: v };
    if (f.kind === "bool") return { value: v === "1" || v === "true" };
    if (k === "batch_size" && v === "") return { value: null };
    const n = Number(v);
    if (v.trim() === "" || !isFinite(n)) return { problem: `${k}=${v} is not a number` };
    if (f.kind === "int" && !Number.isInteger(n)) return { problem: `${k}=${v} is not a whole number` };
    if (f.min !== null && f.min !== undefined && n < f.min) return { problem: `${k}=${v} is below its smallest value ${f.min}` };
    if (f.max !== null && f.max !== undefined && n > f.max) return { problem: `${k}=${v} is above its largest value ${f.max}` };
    return { value: n };
  }

  // The settings, the view and the lesson -> "#..."
  function hash(s, view, lesson, changes) {
    const doc = Controls.doc, q = new URLSearchParams();
    for (const name in doc.settings) {
      if (["csv", "csv_name", "params", "velocity", "start_epoch"].includes(name)) continue;
      const v = s[name], d = doc.settings[name].default;
      if (v !== d && v !== undefined) q.set(name, v === null ? "" : v);
    }
    for (const k in view) if (view[k] !== null && view[k] !== undefined) q.set(k, view[k]);
    if (lesson) {
      for (const k of TEXT) if (lesson[k]) q.set(k, lesson[k]);
      for (const k of LISTS) if (lesson[k] && lesson[k].length) q.set(k, lesson[k].join(","));
    }
    if (changes && changes.length) q.set("then", changes.map(e => `${e.k}:${e.name}=${e.value === null ? "" : e.value}`).join(";"));
    return "#" + q.toString().replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%3B/g, ";").replace(/%3D/g, "=");
  }

  // Show the title and the prompt above the plots, and apply the locks.
  function show(lesson) {
    const box = document.getElementById("lesson");
    document.getElementById("lesson-title").textContent = lesson.title;
    document.getElementById("lesson-prompt").textContent = lesson.prompt;
    box.classList.toggle("hidden", !lesson.title && !lesson.prompt);
    Controls.restrict(lesson.lock, lesson.hide);
  }

  function problemsText(problems) {
    if (!problems.length) return "";
    return "This link has " + (problems.length === 1 ? "a value" : "values") + " the page cannot use: " +
      problems.join("; ") + ". Those are left at their defaults (or ignored); the rest of the lesson is as the link says.";
  }

  return { parse, hash, show, problemsText };
})();
