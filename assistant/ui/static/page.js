() => {
  // Feedback buttons live inside each answer's HTML. Gradio's chat keeps their classes, not data-
  // attributes, so the answer's turn travels in a class; a click is handed to the app's hidden
  // feedback endpoint as "<rating> <turn>", plus " question" when the person ticked the box.
  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('.pa-fb-btn');
    if (!button) return;
    const box = button.closest('.pa-feedback');
    const turn = box && [...box.classList].map((c) => c.match(/^pa-fb-turn-(\d+)$/)).find(Boolean);
    const rating = ['up', 'down', 'wrong_clause'].find((r) => button.classList.contains('pa-fb-' + r));
    const field = document.querySelector('#pa-fb-request textarea, #pa-fb-request input');
    const send = document.querySelector('#pa-fb-send');
    if (!turn || !rating || !field || !send) return;
    const include = box.querySelector('.pa-fb-include-box');
    field.value = rating + ' ' + turn[1] + (include && include.checked ? ' question' : '');
    field.dispatchEvent(new Event('input', {bubbles: true}));
    box.querySelectorAll('button, input').forEach((b) => { b.disabled = true; });
    setTimeout(() => send.click(), 0);
  });
  // Radio groups (who you are, the quiz): the arrow keys move the choice, as in any radio group.
  document.addEventListener('keydown', (event) => {
    const radio = event.target.closest && event.target.closest('#pa-role input[type=radio], .pa-quiz-q input[type=radio]');
    const keys = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1};
    if (!radio || !(event.key in keys)) return;
    const group = [...radio.closest('#pa-role, .pa-quiz-q').querySelectorAll('input[type=radio]')];
    const next = group[(group.indexOf(radio) + keys[event.key] + group.length) % group.length];
    event.preventDefault();
    next.focus();
    next.click();
  });
}
