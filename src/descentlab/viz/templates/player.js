(function () {
  "use strict";
  // Every <div class="player"> on the page: its frames (base64 PNGs), an epoch slider
  // and a Play button. The parts are found by class inside each player.
  function player(root) {
    function part(name) { return root.querySelector("." + name); }
    var frames = JSON.parse(part("frames-data").textContent);
    var epochs = JSON.parse(part("frames-epochs").textContent);
    var image = part("frame");
    var slider = part("epoch-slider");
    var label = part("epoch-label");
    var button = part("play");
    var timer = null;
    function show(i) {
      i = Math.max(0, Math.min(frames.length - 1, i));
      slider.value = i;
      image.src = "data:image/png;base64," + frames[i];
      label.textContent = "Epoch " + epochs[i] + " (frame " + (i + 1) + " of " + frames.length + ")";
    }
    function stop() {
      if (timer !== null) { clearInterval(timer); timer = null; }
      button.textContent = "Play";
    }
    function play() {
      if (Number(slider.value) >= frames.length - 1) { show(0); }
      button.textContent = "Pause";
      timer = setInterval(function () {
        var next = Number(slider.value) + 1;
        if (next >= frames.length) { stop(); return; }
        show(next);
      }, 100);
    }
    slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
    // the player's own keys: arrows step, Home/End jump, space plays; kept from the page
    // (JupyterLab would take them as its shortcuts)
    root.addEventListener("keydown", function (event) {
      var step = {ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1}[event.key];
      var i = Number(slider.value);
      if (step !== undefined) { stop(); show(i + step); }
      else if (event.key === "Home") { stop(); show(0); }
      else if (event.key === "End") { stop(); show(frames.length - 1); }
      else if (event.key === " " && event.target !== button) { if (timer === null) { play(); } else { stop(); } }
      else { return; }
      event.preventDefault();
      event.stopPropagation();
    });
    var waiting = root.querySelector(".needs-javascript");
    if (waiting) { waiting.parentNode.removeChild(waiting); }
    button.addEventListener("click", function () { if (timer === null) { play(); } else { stop(); } });
    show(0);
    root.setAttribute("data-ready", String(frames.length));
  }
  var players = document.querySelectorAll(".player");
  for (var i = 0; i < players.length; i++) {
    // started already (a notebook or a page with several inline players runs this again)
    if (!players[i].hasAttribute("data-ready")) { player(players[i]); }
  }
  document.body.setAttribute("data-players-ready", String(players.length));
})();
