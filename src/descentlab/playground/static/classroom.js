// A class (`descentlab playground --class`): the class link and its QR code for the
// students' phones (click the code to fill the screen), and on the teacher's page how many
// students were seen in the last minute. Nothing shows on a page that is not a class's.
"use strict";

const Classroom = (function () {
  async function show() {
    let info;
    try { info = await (await fetch("/api/class", { headers: Net.headers("application/json") })).json(); } catch (e) { return; }
    if (!info || !info.class) return;
    const box = document.getElementById("class-box"), qr = document.getElementById("class-qr");
    const link = document.getElementById("class-link");
    box.classList.remove("hidden");
    link.textContent = info.url || "(no network address: loopback only)";
    if (info.url) { link.href = info.url; classUrl = info.url; }
    if (info.qr_svg) qr.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(info.qr_svg);
    else qr.classList.add("hidden");
    qr.tabIndex = 0;
    qr.setAttribute("role", "button");
    const toggle = () => qr.classList.toggle("large");
    qr.onclick = toggle;
    qr.onkeydown = e => { if (e.key === "Enter" || e.key === " " || e.key === "Escape") toggle(); };
    if (info.teacher) count(info);
  }

  function count(info) {
    const out = document.getElementById("class-count");
    out.textContent = `${info.students} student${info.students === 1 ? "" : "s"} connected`;
    setTimeout(async () => {
      try { count(await (await fetch("/api/class", { headers: Net.headers("application/json") })).json()); } catch (e) { /* the server stopped */ }
    }, 10000);
  }

  let classUrl = null;

  // The link to this lesson: the class link (with its code) when there is a class.
  function lessonLink() {
    const page = classUrl || location.origin + location.pathname;
    return page + location.hash;
  }

  async function copy() {
    const box = document.getElementById("share"), out = document.getElementById("share-url");
    const said = document.getElementById("share-said");
    box.classList.remove("hidden");
    out.value = lessonLink();
    out.focus(); out.select();
    try { await navigator.clipboard.writeText(out.value); said.textContent = "copied"; }
    catch (e) { said.textContent = "select it and copy (Ctrl+C)"; }
  }

  return { show, copy };
})();
