() => {
  const replies = document.querySelectorAll('#pa-chat .pa-bubble');
  const latest = replies[replies.length - 1];
  const notice = document.querySelector('#pa-notice-panel .pa-notice');
  if (notice && latest && latest.classList.contains('pa-disclosure-pointer')) {
    notice.scrollIntoView({behavior: 'smooth', block: 'start'});
  }
}
