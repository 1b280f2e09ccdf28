/**
 * The page's wiring (runs after the engine's `const E`): the period control and filters recompute the
 * figures from the embedded data and redraw every part; the sessions table searches, sorts and pages.
 * Plain JavaScript text: this project compiles without DOM types, and the browser tests exercise it.
 */
export const BOOT_SCRIPT = `(async () => {
  const encoded = atob(document.getElementById('report-data').textContent);
  const bytes = new Uint8Array(encoded.length);
  for (let i = 0; i < encoded.length; i++) bytes[i] = encoded.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  const payload = E.unpackPayload(JSON.parse(await new Response(stream).text()));
  const byId = (id) => document.getElementById(id);
  const PAGE = 100;
  document.documentElement.classList.add('js');
  for (const details of document.querySelectorAll('details.chart-data')) details.open = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#444';
  const charts = new Map();
  const view = { period: byId('period').value, from: null, to: null, actor: -1, origin: -1, category: -1 };
  const table = { sort: 'created', descending: true, query: '', page: 0 };
  let figures = null;
  let order = [];

  function drawCharts() {
    for (const spec of E.chartSpecs(figures)) {
      const canvas = byId(spec.id);
      if (!canvas) continue;
      const chart = charts.get(spec.id);
      if (chart) {
        chart.data = spec.config.data;
        chart.options = spec.config.options;
        chart.update();
      } else charts.set(spec.id, new Chart(canvas, spec.config));
    }
    window.reportCharts = [...charts.values()];
  }

  function drawTable() {
    order = E.sessionOrder(payload, figures.matched, table);
    const pages = Math.max(1, Math.ceil(order.length / PAGE));
    table.page = Math.min(table.page, pages - 1);
    byId('sessions-body').innerHTML = E.sessionRows(E, payload, order, table.page * PAGE, PAGE);
    byId('sessions-count').textContent =
      E.fmtNumber(order.length) + ' sessions · page ' + (table.page + 1) + ' of ' + pages;
    byId('sessions-prev').disabled = table.page === 0;
    byId('sessions-next').disabled = table.page >= pages - 1;
    for (const button of document.querySelectorAll('#sessions thead button')) {
      const sorted = button.dataset.sort === table.sort;
      button.parentElement.setAttribute('aria-sort', sorted ? (table.descending ? 'descending' : 'ascending') : 'none');
    }
  }

  function update(computed) {
    figures = computed ?? E.computeView(E, payload, view);
    const parts = E.renderParts(E, payload, figures);
    for (const [id, html] of Object.entries(parts)) {
      const element = byId(id);
      if (element) element.innerHTML = html;
    }
    byId('period-text').textContent = figures.period.text;
    drawCharts();
    table.page = 0;
    drawTable();
  }

  function fillSelect(id, options) {
    const select = byId(id);
    for (const [value, label] of options) select.add(new Option(E.plainText(label, 80), String(value)));
  }

  figures = E.computeView(E, payload, view);
  const people = figures.people.concat(figures.serviceUsers);
  fillSelect('filter-user', people.slice(0, 500).map((p) => [p.actor, p.label]));
  fillSelect('filter-origin', payload.dims.origin.map((name, i) => [i, name]).sort((a, b) => a[1].localeCompare(b[1])));
  fillSelect('filter-category', payload.dims.category.map((name, i) => [i, name]).sort((a, b) => a[1].localeCompare(b[1])));
  const first = payload.meta.firstDay;
  const last = payload.meta.lastDay;
  for (const id of ['period-from', 'period-to']) {
    if (first !== null) byId(id).min = E.dayText(first);
    if (last !== null) byId(id).max = E.dayText(last);
  }
  if (first !== null) byId('period-from').value = E.dayText(first);
  if (last !== null) byId('period-to').value = E.dayText(last);

  byId('period').addEventListener('change', (event) => {
    view.period = event.target.value;
    byId('custom-dates').hidden = view.period !== 'custom';
    if (view.period === 'custom') {
      view.from = E.textDay(byId('period-from').value);
      view.to = E.textDay(byId('period-to').value);
    }
    update();
  });
  for (const id of ['period-from', 'period-to']) {
    byId(id).addEventListener('change', () => {
      view.period = 'custom';
      byId('period').value = 'custom';
      byId('custom-dates').hidden = false;
      view.from = E.textDay(byId('period-from').value);
      view.to = E.textDay(byId('period-to').value);
      update();
    });
  }
  for (const [id, key] of [['filter-user', 'actor'], ['filter-origin', 'origin'], ['filter-category', 'category']]) {
    byId(id).addEventListener('change', (event) => {
      view[key] = Number(event.target.value);
      update();
    });
  }
  byId('sessions-search').addEventListener('input', (event) => {
    table.query = event.target.value;
    table.page = 0;
    drawTable();
  });
  for (const button of document.querySelectorAll('#sessions thead button')) {
    button.addEventListener('click', () => {
      const key = button.dataset.sort;
      table.descending = table.sort === key ? !table.descending : key === 'acus' || key === 'prs';
      table.sort = key;
      table.page = 0;
      drawTable();
    });
  }
  byId('sessions-prev').addEventListener('click', () => { table.page -= 1; drawTable(); });
  byId('sessions-next').addEventListener('click', () => { table.page += 1; drawTable(); });
  update(figures);
  window.reportReady = true;
})();`;
