// Embedding (`&embed` in the link): the scene alone in an iframe, sized to its frame, and a
// small postMessage protocol for the page that embeds it (README, "Embedding"; an example in
// embed-example.html). Messages in: {optiviz: 'play'}, {optiviz: 'pause'},
// {optiviz: 'step', step: k} (k a whole number from 0 to the steps simulated) and
// {optiviz: 'state'}. Each is answered to its sender with {optiviz: 'state', step, steps,
// playing}, or {optiviz: 'error', message} naming what was wrong; the page also sends its
// state to its parent when it is ready and whenever it pauses.
import { trapped } from './runs.js';

/** The embedded page's state as it answers it. */
function state(page) {
  return { optiviz: 'state', step: page.app.step(), steps: page.app.max_steps(), playing: page.playing };
}

/** Turns `page` into an embedded scene when its link asks for it. */
export function wireEmbed(page) {
  if (!page.app.embed()) return;
  document.body.classList.add('embed');
  const parentWindow = window.parent !== window ? window.parent : null;
  const tell = (target, message) => target?.postMessage(message, '*');
  let answering = false; // a message's own pause is answered to its sender, not announced
  window.addEventListener('message', (e) => {
    const m = e.data;
    if (m === null || typeof m !== 'object' || typeof m.optiviz !== 'string') return;
    answering = true;
    try {
      switch (m.optiviz) {
        case 'play': page.setPlaying(true); break;
        case 'pause': page.setPlaying(false); break;
        case 'step':
          page.app.seek(typeof m.step === 'number' ? m.step : Number.NaN);
          page.setPlaying(false);
          break;
        case 'state': break;
        default:
          tell(e.source, { optiviz: 'error', message: `unknown message '${String(m.optiviz).slice(0, 40)}': allowed are play, pause, step, state` });
          return;
      }
      tell(e.source, state(page));
    } catch (err) {
      if (trapped(err)) throw err;
      tell(e.source, { optiviz: 'error', message: err.message ?? String(err) });
    } finally {
      answering = false;
    }
  });
  // The parent hears when the scene is ready and when it stops.
  page.onPause = () => {
    if (!answering) tell(parentWindow, state(page));
  };
  tell(parentWindow, state(page));
}
