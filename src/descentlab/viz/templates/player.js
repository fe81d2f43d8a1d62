(function () {
  "use strict";
  var frames = JSON.parse(document.getElementById("frames-data").textContent);
  var epochs = JSON.parse(document.getElementById("frames-epochs").textContent);
  var image = document.getElementById("frame");
  var slider = document.getElementById("epoch-slider");
  var label = document.getElementById("epoch-label");
  var button = document.getElementById("play");
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
  document.body.setAttribute("data-player-ready", String(frames.length));
})();
