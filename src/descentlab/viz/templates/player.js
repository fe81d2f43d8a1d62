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
