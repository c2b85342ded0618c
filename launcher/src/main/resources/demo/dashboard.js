// The demo dashboard: polls /api/status every two seconds and redraws five uPlot charts from its
// aligned columns (series.t in epoch seconds). window.dashboard exposes the charts for the
// browser test.
const PALETTE = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#57606a'];
const charts = {};
let drifts = [];
window.dashboard = { charts, updates: 0 };

function driftLines() {
  return {
    hooks: {
      draw: [u => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#cf222e';
        ctx.setLineDash([4, 4]);
        for (const d of drifts) {
          const x = u.valToPos(d.timeMillis / 1000, 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.fillStyle = '#cf222e';
          ctx.fillText(d.label, x + 4, u.bbox.top + 12);
        }
        ctx.restore();
      }],
    },
  };
}

// specs: [{key, label, color, dash, scale}]; one chart per element id, rebuilt when its series change.
function draw(id, specs, series, axes) {
  const keys = specs.map(s => s.key).join('|');
  const data = [series.t || []].concat(specs.map(s => series[s.key] || []));
  const el = document.getElementById(id);
  if (!charts[id] || charts[id].keys !== keys) {
    if (charts[id]) charts[id].chart.destroy();
    const opts = {
      width: el.clientWidth || 600,
      height: 240,
      series: [{}].concat(specs.map(s => ({
        label: s.label, stroke: s.color, dash: s.dash, scale: s.scale || 'y', spanGaps: true,
        width: 2, points: { show: false },
      }))),
      axes: axes || [{}, {}],
      scales: { x: { time: true } },
      plugins: [driftLines()],
    };
    charts[id] = { keys, chart: new uPlot(opts, data, el) };
  } else {
    charts[id].chart.setData(data);
  }
}

function modelNames(status) { return status.models.map(m => m.model); }

function fmt(v, digits) { return v === null || v === undefined ? '-' : Number(v).toFixed(digits); }

function render(status) {
  drifts = status.drifts;
  const s = status.series;
  const names = modelNames(status);
  const perModel = (prefix, dashedPrefix) => names.flatMap((n, i) => {
    const out = [{ key: prefix + ':' + n, label: n, color: PALETTE[i % PALETTE.length] }];
    if (dashedPrefix) out.push({ key: dashedPrefix + ':' + n, label: n + ' (window)', color: PALETTE[i % PALETTE.length], dash: [6, 4] });
    return out;
  });
  draw('auc', perModel('auc', 'windowAuc'), s);
  draw('logloss', perModel('logLoss', 'windowLogLoss'), s);
  draw('throughput', [{ key: 'eventsPerSecond', label: 'events/s', color: PALETTE[0] }], s);
  draw('versions',
    perModel('version').concat([
      { key: 'servedVersion', label: 'served version', color: '#000', dash: [2, 3] },
      { key: 'refreshLagSeconds', label: 'refresh lag (s)', color: PALETTE[4], scale: 'lag' },
    ]), s,
    [{}, { label: 'version' }, { scale: 'lag', side: 1, label: 'lag s', grid: { show: false } }]);
  draw('labels', [
    { key: 'queueDepth', label: 'queue depth', color: PALETTE[3] },
    { key: 'labelsPerMinute', label: 'labels/min', color: PALETTE[2], scale: 'rate' },
  ], s, [{}, { label: 'tasks' }, { scale: 'rate', side: 1, label: 'labels/min', grid: { show: false } }]);

  const served = status.served ? status.served.model + ' v' + status.served.version : '-';
  document.getElementById('headline').textContent =
    Math.round(status.eventsPerSecond) + ' events/s | served ' + served + ' | queue ' +
    status.queueDepth + ' | ' + Math.round(status.labelsPerMinute) + ' labels/min | human labels trained on: ' +
    status.humanExamplesTrained;
  document.getElementById('links').innerHTML = Object.entries(status.links)
    .map(([name, url]) => '<a target="_blank" href="' + url + '">' + name + '</a>').join('');
  document.querySelector('#components tbody').innerHTML = status.components.map(c =>
    '<tr><td>' + (c.url ? '<a href="' + c.url + '">' + c.name + '</a>' : c.name) + '</td><td class="' +
    c.state + '">' + c.state + '</td><td>' + c.detail + '</td></tr>').join('');
  document.querySelector('#models tbody').innerHTML = status.models.map(m =>
    '<tr><td>' + m.model + '</td><td>' + m.trainedVersion + '</td><td>' + m.versionsPublished +
    '</td><td>' + m.examplesTrained + '</td><td>' + fmt(m.auc, 4) + '</td><td>' + fmt(m.logLoss, 4) +
    '</td><td>' + fmt(m.windowAuc, 4) + '</td></tr>').join('');
  window.dashboard.updates++;
}

async function poll() {
  try {
    const r = await fetch('/api/status');
    if (r.ok) render(await r.json());
  } catch (e) {
    document.getElementById('headline').textContent = 'the demo is not answering (stopped?): ' + e;
  }
}

poll();
setInterval(poll, 2000);
