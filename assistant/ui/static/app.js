() => {
  // After an answer or "Get help now": a notice that has just appeared (or changed) is scrolled to and
  // focused; otherwise the newest question and its answer are brought into view (the page scrolls,
  // the chat has no scrolling box of its own).
  const show = () => {
    const notice = document.querySelector('#pa-notice-panel .pa-notice');
    const key = notice ? notice.querySelector('h2')?.textContent + '|' + notice.className : '';
    const changed = key !== '' && key !== window.paShownNotice;
    window.paShownNotice = key;
    if (changed) {
      notice.setAttribute('tabindex', '-1');
      notice.scrollIntoView({block: 'start'});
      notice.focus({preventScroll: true});
      return;
    }
    const rows = document.querySelectorAll('#pa-chat .message-row');
    const latest = rows[rows.length - 1];
    if (!latest) return;
    const question = rows.length > 1 ? rows[rows.length - 2] : latest;
    const bar = document.querySelector('#pa-ask-row');
    const room = window.innerHeight - (bar ? bar.offsetHeight : 0);
    const span = latest.getBoundingClientRect().bottom - question.getBoundingClientRect().top;
    (span < room ? question : latest).scrollIntoView({block: 'start'});
  };
  requestAnimationFrame(() => setTimeout(show, 30));
}
