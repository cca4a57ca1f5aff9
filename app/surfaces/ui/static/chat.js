// js_on_load for the chat and passage panels (gr.HTML): one delegated listener,
// so it keeps working when the panel's HTML is re-rendered.
element.addEventListener('click', (event) => {
  const cite = event.target.closest('[data-cite]');
  if (cite) {
    event.preventDefault();
    element.querySelectorAll('.nq-cite-selected').forEach((b) => b.classList.remove('nq-cite-selected'));
    cite.classList.add('nq-cite-selected');
    trigger('select', { cite: cite.dataset.cite });
    return;
  }
  const ask = event.target.closest('[data-ask]');
  if (ask) {
    event.preventDefault();
    trigger('submit', { ask: ask.dataset.ask });
    return;
  }
  const copy = event.target.closest('[data-copy]');
  if (copy) {
    event.preventDefault();
    const source = copy.closest('.nq-turn').querySelector('textarea.nq-md');
    const markdown = source ? source.value : '';
    const done = () => {
      copy.textContent = 'Copied ✓';
      copy.classList.add('nq-copied');
      setTimeout(() => { copy.textContent = 'Copy as Markdown'; copy.classList.remove('nq-copied'); }, 1800);
    };
    const fallback = () => {
      const area = document.createElement('textarea');
      area.value = markdown;
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      try { document.execCommand('copy'); } finally { area.remove(); }
      done();
    };
    window.__newsqaLastCopy = markdown;  // lets the browser test read what was copied
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(markdown).then(done, fallback);
    } else {
      fallback();
    }
  }
});

// In the passage panel, bring the highlighted claim into view inside its scroll box.
if (typeof watch === 'function') {
  watch('value', () => {
    const mark = element.querySelector('.nq-context mark');
    if (mark) {
      const box = mark.closest('.nq-context');
      box.scrollTop = Math.max(0, mark.offsetTop - 48);  // the box is position: relative
    }
  });
}
