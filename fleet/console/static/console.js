// Fleet console page script: live fragments over server-sent events, confirmations, actions.
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new Error((data && data.detail) || response.statusText);
  return data;
}

// -- live regions: <div data-live="alerts kiosks" data-src="/fragments/..."> --------------
const pending = new Map();

function refresh(region) {
  if (pending.has(region)) return;
  pending.set(region, setTimeout(async () => {
    pending.delete(region);
    const response = await fetch(region.dataset.src, { credentials: "same-origin" });
    if (response.status === 401) { location.assign("/login?next=" + encodeURIComponent(location.pathname)); return; }
    if (response.ok) {
      region.innerHTML = await response.text();
      region.dispatchEvent(new CustomEvent("refreshed", { bubbles: true }));
    }
  }, 50));
}

function connectLive() {
  const regions = [...document.querySelectorAll("[data-live]")];
  const dot = document.getElementById("live-state");
  if (!regions.length || !window.EventSource) return;
  const source = new EventSource("/live");
  const channels = new Set(regions.flatMap((r) => r.dataset.live.split(" ")));
  source.addEventListener("hello", () => { if (dot) { dot.classList.add("up"); dot.classList.remove("down"); } });
  source.onerror = () => { if (dot) { dot.classList.remove("up"); dot.classList.add("down"); } };
  for (const channel of channels) {
    source.addEventListener(channel, () => {
      for (const r of regions) if (r.dataset.live.split(" ").includes(channel)) refresh(r);
    });
  }
}

// -- alerts: acknowledge and resolve ---------------------------------------------------
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.alert-move");
  if (!button) return;
  const status = document.getElementById("alert-status");
  button.disabled = true;
  try {
    const a = await api("POST", `/api/alerts/${button.dataset.alert}/${button.dataset.to}`);
    if (status) status.textContent = `Alert ${a.id} ${a.status}.`;
    const region = button.closest("[data-live]");
    if (region) refresh(region);
  } catch (e) {
    if (status) status.textContent = `Not done: ${e.message}`;
    button.disabled = false;
  }
});

// -- kiosk commands, with a confirmation -----------------------------------------------
function setupCommands() {
  const box = document.querySelector("section.commands");
  const dialog = document.getElementById("confirm");
  if (!box || !dialog) return;
  const status = document.getElementById("command-status");
  let action = null;
  box.addEventListener("click", (event) => {
    const button = event.target.closest("button.cmd");
    if (!button) return;
    action = button.dataset.action;
    document.getElementById("confirm-text").textContent = `Send "${action}" to kiosk ${box.dataset.kiosk}?`;
    document.getElementById("reason-row").hidden = !["lock", "restart"].includes(action);
    document.getElementById("seq-row").hidden = action !== "resend";
    dialog.showModal();
  });
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "ok" || !action) return;
    const body = { action, reason: document.getElementById("confirm-reason").value };
    if (action === "resend") body.from_seq = Number(document.getElementById("confirm-seq").value) || 1;
    try {
      const c = await api("POST", `/api/kiosks/${encodeURIComponent(box.dataset.kiosk)}/commands`, body);
      status.dataset.command = c.command_id;
      status.textContent = `${action} sent; waiting for the kiosk's answer…`;
      watchCommand(c.command_id, status);
    } catch (e) {
      status.textContent = `Not sent: ${e.message}`;
    }
  });
}

function watchCommand(id, status) {
  const show = async () => {
    const c = await api("GET", `/api/commands/${id}`);
    if (c.status === "sent") return false;
    status.textContent = `Kiosk answered ${c.action}: ${c.status}${c.result_detail ? " — " + c.result_detail : ""}`;
    status.className = `answer s-${c.status}`;
    return true;
  };
  const region = document.getElementById("kiosk-live");
  const onRefresh = async () => { if (await show()) region.removeEventListener("refreshed", onRefresh); };
  if (region) region.addEventListener("refreshed", onRefresh);
}

// -- charts (plotly.js from the plotly package, served at /vendor/plotly.min.js) ----------
function chart(id, traces, title, yTitle, extra) {
  const el = document.getElementById(id);
  if (!el || !window.Plotly) return;
  window.Plotly.newPlot(el, traces, Object.assign({
    title: { text: title }, margin: { t: 40, r: 50, b: 40, l: 50 }, height: 280,
    yaxis: { title: { text: yTitle } }, legend: { orientation: "h" },
  }, extra || {}), { displayModeBar: false, responsive: true });
}

function drawCharts() {
  const health = document.getElementById("health-data");
  if (health) {
    const h = JSON.parse(health.textContent);
    chart("chart-load", ["cpu", "memory", "disk"].map((k) => ({ x: h.at, y: h[k], name: k, mode: "lines" })), "CPU, memory, disk", "%");
    chart("chart-temp", [{ x: h.at, y: h.temperature, name: "°C", mode: "lines" }, { x: h.at, y: h.backlog, name: "backlog", mode: "lines", yaxis: "y2" }], "Temperature and backlog", "°C",
      { yaxis2: { title: { text: "events" }, overlaying: "y", side: "right", rangemode: "tozero" } });
  }
  const sales = document.getElementById("sales-data");
  if (sales) {
    const s = JSON.parse(sales.textContent);
    chart("chart-hour", [{ x: s.hour.x, y: s.hour.y, type: "bar", name: "revenue" }], "Revenue per hour", "revenue");
    chart("chart-day", [{ x: s.day.x, y: s.day.y, type: "bar", name: "revenue" }], "Revenue per day", "revenue", { xaxis: { type: "category" } });
  }
}

window.addEventListener("DOMContentLoaded", () => {
  connectLive();
  setupCommands();
  drawCharts();
});
