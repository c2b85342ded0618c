// The labeler page's state, as an Alpine.js component. The API token stays in this tab's
// sessionStorage; it may be handed over in the URL fragment (#token=...), which browsers never
// send to the server, and is removed from the address bar at once.
function labeler() {
  return {
    token: null,
    task: null,
    stats: {},
    done: 0,
    message: '',
    busy: false,

    init() {
      const m = location.hash.match(/token=([^&]+)/);
      if (m) {
        sessionStorage.setItem('ctrflow-token', decodeURIComponent(m[1]));
        history.replaceState(null, '', location.pathname);
      }
      this.token = sessionStorage.getItem('ctrflow-token');
      if (this.token) this.next();
      setInterval(() => { if (this.token) { this.refreshStats(); if (!this.task) this.next(); } }, 3000);
    },

    saveToken(t) {
      sessionStorage.setItem('ctrflow-token', t);
      this.token = t;
      this.next();
    },

    async call(method, path, body) {
      const r = await fetch(path, {
        method,
        headers: { 'Authorization': 'Bearer ' + this.token, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (r.status === 401) { sessionStorage.removeItem('ctrflow-token'); this.token = null; throw new Error('token rejected'); }
      if (r.status === 204) return null;
      const json = await r.json();
      if (!r.ok) throw new Error(json.error || ('HTTP ' + r.status));
      return json;
    },

    async next() {
      try {
        this.task = await this.call('POST', '/api/tasks/lease', {});
        this.message = '';
      } catch (e) { this.message = e.message; }
      this.refreshStats();
    },

    async refreshStats() {
      try { this.stats = await this.call('GET', '/api/stats'); } catch (e) { /* shown by next() */ }
    },

    async label(value) {
      if (!this.task || this.busy) return;
      this.busy = true;
      try {
        await this.call('POST', '/api/tasks/' + encodeURIComponent(this.task.request.sampleId) + '/label', { label: value });
        this.done++;
        this.task = null;
        await this.next();
      } catch (e) { this.message = e.message; } finally { this.busy = false; }
    },

    async skip() {
      if (!this.task || this.busy) return;
      this.busy = true;
      try {
        await this.call('POST', '/api/tasks/' + encodeURIComponent(this.task.request.sampleId) + '/skip');
        this.task = null;
        await this.next();
      } catch (e) { this.message = e.message; } finally { this.busy = false; }
    },
  };
}
