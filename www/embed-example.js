// The example page of embedding (embed-example.html): buttons that drive the framed scene with
// postMessage, and its answers shown.
const scene = document.getElementById('scene');
const send = (message) => scene.contentWindow.postMessage(message, '*');
document.getElementById('play').onclick = () => send({ optiviz: 'play' });
document.getElementById('pause').onclick = () => send({ optiviz: 'pause' });
document.getElementById('start').onclick = () => send({ optiviz: 'step', step: 0 });
document.getElementById('fifty').onclick = () => send({ optiviz: 'step', step: 50 });
addEventListener('message', (e) => {
  if (e.source !== scene.contentWindow) return;
  const m = e.data;
  document.body.dataset.ready = 'true'; // the scene has answered
  document.getElementById('state').textContent = m.optiviz === 'state'
    ? `step ${m.step} of ${m.steps}, ${m.playing ? 'playing' : 'paused'}`
    : m.message;
});
