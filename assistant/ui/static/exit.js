() => {
  // Quick exit: hide the page at once, then replace it (and its place in the tab's history) with a
  // neutral page. The app clears this session's conversation on the server as the page goes.
  document.documentElement.style.visibility = 'hidden';
  document.title = 'New tab';
  setTimeout(() => window.location.replace(__QUICK_EXIT_URL__), 150);
  return [];
}
