// Requests to the server, one stream per purpose (the run, the comparison): at most one
// request every GAP ms while a slider moves (the latest settings win: older unsent ones are
// dropped), each new one aborts the one before (the server stops training a request whose
// client went away), and every request carries this tab's client id, so that the server
// keeps one queue per student. "training..." shows when an answer takes over BUSY_MS.
"use strict";

const Net = (function () {
  const GAP = 120, BUSY_MS = 150;
  const CLIENT = (function () {
    const fresh = () => Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
    try {
      let id = sessionStorage.getItem("descentlab-client");
      if (!id) { id = fresh(); sessionStorage.setItem("descentlab-client", id); }
      return id;
    } catch (e) { return fresh(); }
  })();
  const log = [];  // every request sent: {url, body (without the CSV text), at}
  let busyCount = 0;

  function headers(type) { return { "Content-Type": type, "X-Client-Id": CLIENT }; }

  let polling = null;

  function busy(delta) {
    busyCount = Math.max(0, busyCount + delta);
    const el = document.getElementById("busy");
    el.textContent = busyCount ? "training..." : "";
    document.body.classList.toggle("busy", busyCount > 0);
    clearTimeout(polling); polling = null;
    if (busyCount) poll();
  }

  // While an answer is slow: where this page's request is (GET /api/progress), every 300 ms.
  function poll() {
    polling = setTimeout(async () => {
      let p = null;
      try { p = await (await fetch("/api/progress", { headers: headers("application/json") })).json(); } catch (e) { /* none */ }
      if (!busyCount) return;
      const el = document.getElementById("busy");
      if (p && p.state === "training") el.textContent = `training... epoch ${p.epoch} of ${p.epochs}`;
      else if (p && p.state === "queued") el.textContent = `training... waiting for ${p.ahead} other run${p.ahead === 1 ? "" : "s"} first`;
      poll();
    }, 300);
  }

  // A stream of POSTs to `url`; opts.answered(json, ctx), opts.refused(error, status, ctx),
  // opts.failed(error). Only the answer to the latest request sent is passed on.
  function stream(url, opts) {
    let controller = null, pending = null, gate = null, seq = 0, timer = null, shown = false;

    function settle() {
      clearTimeout(timer); timer = null;
      if (shown) { shown = false; busy(-1); }
    }

    function fire() {
      gate = null;
      if (!pending) return;
      const { body, ctx } = pending;
      pending = null;
      if (controller) controller.abort();
      settle();
      controller = new AbortController();
      const mine = ++seq, signal = controller.signal;
      gate = setTimeout(fire, GAP);
      timer = setTimeout(() => { shown = true; busy(1); }, BUSY_MS);
      const logged = Object.assign({}, body);
      if (logged.csv) logged.csv = "(" + logged.csv.length + " characters)";
      log.push({ url, body: logged, at: Date.now() });
      fetch(url, { method: "POST", headers: headers("application/json"), body: JSON.stringify(body), signal })
        .then(async r => {
          let j;
          try { j = await r.json(); } catch (e) { j = { error: "the server answered " + r.status + " without an explanation" }; }
          if (mine !== seq) return;
          settle();
          if (!r.ok) opts.refused(j.error || "the server refused the request", r.status, ctx);
          else opts.answered(j, ctx);
        })
        .catch(e => {
          if (mine !== seq || e.name === "AbortError") return;
          settle();
          opts.failed(e);
        });
    }

    return {
      // Ask for `body`; `ctx` comes back with its answer. Sent now, or when the gate opens.
      send(body, ctx) { pending = { body, ctx }; if (!gate) fire(); },
      // Forget the request in flight and any waiting one.
      cancel() { pending = null; seq++; if (controller) controller.abort(); settle(); },
    };
  }

  return { stream, log, headers, CLIENT };
})();
