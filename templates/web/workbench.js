// Progressive enhancement for the workbench; every page works without it.
// - Findings table: ArrowDown/ArrowUp move between rows, Home/End to the first and last row, Enter opens the finding.
// - A form's submit button is disabled once sent, so a double click does not record a response twice.

document.addEventListener('DOMContentLoaded', () => {
  const table = document.querySelector('table.findings');
  if (table) {
    const links = () => Array.from(table.querySelectorAll('tbody tr td:first-child a'));
    table.addEventListener('keydown', (event) => {
      const all = links();
      const at = all.indexOf(document.activeElement);
      if (at < 0) return;
      let next = -1;
      if (event.key === 'ArrowDown') next = Math.min(all.length - 1, at + 1);
      else if (event.key === 'ArrowUp') next = Math.max(0, at - 1);
      else if (event.key === 'Home') next = 0;
      else if (event.key === 'End') next = all.length - 1;
      if (next < 0) return;
      event.preventDefault();
      all[next].focus();
    });
    table.addEventListener('focusin', (event) => {
      for (const row of table.querySelectorAll('tbody tr.focused')) row.classList.remove('focused');
      const row = event.target.closest('tbody tr');
      if (row) row.classList.add('focused');
    });
  }
  for (const form of document.querySelectorAll('form[method="post"]')) {
    form.addEventListener('submit', () => {
      for (const button of form.querySelectorAll('button[type="submit"]')) button.disabled = true;
    });
  }
});
