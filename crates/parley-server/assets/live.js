// The live interview screen. Without this script every question is a plain form that saves
// on submit. With it: one block at a time, timers and a pacing hint, keyboard shortcuts, and
// notes saved as they are typed. Every change is first written to this device (localStorage)
// with a revision that only grows, then sent to the server, which keeps the newest revision per
// question and member: a dropped network, a reload or a closed tab loses nothing, and a save
// sent twice is one save.
(() => {
  "use strict";
  const root = document.getElementById("live");
  if (!root) return;
  const iv = root.dataset.interview;
  const csrf = root.dataset.csrf;
  const active = root.dataset.active === "1";
  const started = Number(root.dataset.started) || 0;
  const length = Number(root.dataset.length) || 0;
  const scale = Number(root.dataset.scale) || 0;
  const key = `parley.live.${iv}.${root.dataset.user}`;
  const server = JSON.parse(root.dataset.entries || "{}");
  const blocks = [...root.querySelectorAll(".live-block")];
  const cards = [...root.querySelectorAll("form.card")];
  const syncEl = document.getElementById("sync");
  const paceEl = document.getElementById("pace");
  const clockEl = document.getElementById("clock");

  let local = {};
  let view = { block: 0, spent: {} };
  try {
    local = JSON.parse(localStorage.getItem(key) || "{}") || {};
    view = Object.assign(view, JSON.parse(localStorage.getItem(key + ".view") || "{}"));
  } catch (_) {
    local = {};
  }

  const read = (card) => {
    const r = card.querySelector("input[name=rating]:checked");
    const notes = card.querySelector("textarea[name=notes]");
    return {
      notes: notes ? notes.value : "",
      rating: r ? Number(r.value) : null,
      checked: [...card.querySelectorAll("input[name=checked]:checked")].map((x) => Number(x.value)),
    };
  };
  const write = (card, e) => {
    const notes = card.querySelector("textarea[name=notes]");
    if (notes) notes.value = e.notes || "";
    for (const r of card.querySelectorAll("input[name=rating]")) r.checked = Number(r.value) === e.rating;
    for (const c of card.querySelectorAll("input[name=checked]")) c.checked = (e.checked || []).includes(Number(c.value));
  };
  const persist = () => {
    try {
      // Only what the server does not have yet stays on the device: once saved there, a
      // note has no business lingering in the browser.
      const unsaved = Object.fromEntries(Object.entries(local).filter(([, e]) => !e.synced));
      localStorage.setItem(key, JSON.stringify(unsaved));
      localStorage.setItem(key + ".view", JSON.stringify(view));
    } catch (err) {
      say(`This browser cannot keep notes on the device (${err.message}); keep the network up.`);
    }
  };
  const say = (text) => { if (syncEl) syncEl.textContent = text; };

  // What this device kept and the server did not get wins; otherwise the server's copy.
  for (const card of cards) {
    const item = card.dataset.item;
    const s = server[item];
    const l = local[item];
    if (l && (!s || l.rev > s.client_rev)) {
      write(card, l);
      l.synced = false;
    } else if (s) {
      local[item] = { notes: s.notes, rating: s.rating, checked: s.checked, rev: s.client_rev, synced: true };
      write(card, local[item]);
    }
  }
  persist();

  let timer = null;
  let inflight = false;
  let backoff = 1000;
  const pending = () => Object.entries(local).filter(([, e]) => !e.synced && !e.rejected);
  const schedule = (ms) => { clearTimeout(timer); timer = setTimeout(sync, ms); };

  const edit = (card) => {
    const item = card.dataset.item;
    const prev = local[item];
    const rev = Math.max((prev ? prev.rev : 0) + 1, Date.now());
    local[item] = Object.assign(read(card), { rev, synced: false });
    persist();
    say("Saving…");
    schedule(400);
    pace();
  };

  async function sync() {
    if (inflight) { schedule(300); return; }
    const todo = pending();
    if (!todo.length) {
      const bad = Object.values(local).filter((e) => e.rejected);
      say(bad.length ? `Not saved: ${bad[0].rejected}` : "All notes saved");
      return;
    }
    inflight = true;
    say("Saving…");
    try {
      for (const [item, e] of todo) {
        const res = await fetch(`/api/v1/interviews/${iv}/entries/${item}`, {
          method: "PUT",
          credentials: "same-origin",
          headers: { "content-type": "application/json", "x-csrf-token": csrf },
          body: JSON.stringify({ notes: e.notes, rating: e.rating, checked: e.checked, client_rev: e.rev }),
        });
        if (res.status >= 500 || res.status === 429) throw new Error(`server answered ${res.status}`);
        const body = await res.json().catch(() => null);
        const cur = local[item];
        if (!res.ok) {
          // Refused for what it says (the interview ended, say): kept here, shown, not retried
          // until it is edited again.
          cur.rejected = (body && body.error && body.error.message) || `refused (${res.status})`;
        } else if (body.client_rev > cur.rev) {
          // Another screen of the same member saved something newer: take it.
          local[item] = { notes: body.notes, rating: body.rating, checked: body.checked, rev: body.client_rev, synced: true };
          const card = cards.find((c) => c.dataset.item === item);
          if (card) write(card, local[item]);
        } else if (body.client_rev === cur.rev) {
          cur.synced = true;
        }
        persist();
      }
      backoff = 1000;
      inflight = false;
      if (pending().length) schedule(0); else sync();
    } catch (err) {
      inflight = false;
      const n = pending().length;
      say(`Offline: ${n} unsaved change${n === 1 ? "" : "s"} kept on this device; retrying`);
      schedule(backoff);
      backoff = Math.min(backoff * 2, 10000);
    }
  }
  window.addEventListener("online", () => { backoff = 1000; sync(); });

  // One block at a time.
  const nav = root.querySelector(".block-nav");
  const goButtons = nav ? [...nav.querySelectorAll("[data-go]")] : [];
  let entered = Date.now();
  let current = null;
  const show = (i) => {
    const now = Date.now();
    view.spent[view.block] = (view.spent[view.block] || 0) + (now - entered);
    entered = now;
    view.block = Math.max(0, Math.min(blocks.length - 1, i));
    blocks.forEach((b, k) => { b.hidden = k !== view.block; });
    goButtons.forEach((g, k) => {
      if (k === view.block) g.setAttribute("aria-current", "step"); else g.removeAttribute("aria-current");
    });
    current = blocks[view.block].querySelector("form.card");
    persist();
    tick();
  };
  if (nav) nav.hidden = false;
  const keysHint = root.querySelector(".keys");
  if (keysHint) keysHint.hidden = false;
  for (const g of goButtons) g.addEventListener("click", () => show(Number(g.dataset.go)));
  for (const b of blocks) {
    const last = b.dataset.block;
    if (Number(last) < blocks.length - 1) {
      const next = document.createElement("button");
      next.type = "button";
      next.className = "secondary next-block";
      next.textContent = `Next: ${blocks[Number(last) + 1].dataset.title}`;
      next.addEventListener("click", () => { show(Number(last) + 1); window.scrollTo(0, 0); });
      b.appendChild(next);
    }
  }
  const fromHash = location.hash && document.querySelector(location.hash);
  const hashBlock = fromHash && fromHash.closest(".live-block");
  show(hashBlock ? Number(hashBlock.dataset.block) : view.block || 0);

  if (active) {
    for (const s of root.querySelectorAll("button.save")) s.hidden = true;
    root.addEventListener("input", (ev) => { const c = ev.target.closest("form.card"); if (c) edit(c); });
    root.addEventListener("change", (ev) => { const c = ev.target.closest("form.card"); if (c) edit(c); });
    root.addEventListener("submit", (ev) => { ev.preventDefault(); const c = ev.target.closest("form.card"); if (c) edit(c); });
    root.addEventListener("focusin", (ev) => { const c = ev.target.closest("form.card"); if (c) current = c; });
    if (pending().length) sync(); else say("All notes saved");
  } else {
    for (const el of root.querySelectorAll("form.card input, form.card textarea, form.card button")) el.disabled = true;
    // Notes can no longer be saved here: nothing of this interview stays on the device.
    try { localStorage.removeItem(key); } catch (_) { /* nothing stored */ }
  }

  // Function declarations, not constants: the first show() above already calls them.
  function covered(block) {
    return [...block.querySelectorAll("form.card")].some((c) => {
      const e = local[c.dataset.item];
      return e && (e.rating || (e.notes && e.notes.trim()) || (e.checked && e.checked.length));
    });
  }
  function mmss(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }
  function pace() {
    if (!paceEl) return;
    if (!started) { paceEl.textContent = "Not started yet."; return; }
    const elapsed = (Date.now() - started) / 60000;
    const left = Math.max(0, Math.round(length - elapsed));
    const open = blocks.filter((b) => b.dataset.required === "1" && !covered(b)).map((b) => b.dataset.title);
    const cur = blocks[view.block];
    const end = Number(cur.dataset.start) + Number(cur.dataset.minutes);
    const behind = Math.round(elapsed - end);
    let text = open.length ? `${open.join(", ")} not covered yet, ${left} min left.` : `${left} min left.`;
    if (left === 0) text = open.length ? `Time is up; ${open.join(", ")} not covered.` : "Time is up.";
    else if (behind > 0) text += ` ${behind} min behind the plan for ${cur.dataset.title}.`;
    paceEl.textContent = text;
  }
  function tick() {
    const now = Date.now();
    if (clockEl) clockEl.textContent = started ? `${mmss(now - started)} of ${length}:00` : "";
    blocks.forEach((b, k) => {
      const t = b.querySelector(".block-timer");
      const ms = (view.spent[k] || 0) + (k === view.block ? now - entered : 0);
      if (t) t.textContent = `· ${mmss(ms)} spent`;
    });
    pace();
  }
  setInterval(tick, 1000);

  // Keyboard: never while typing, except Esc to leave the notes.
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    const typing = t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && t.type === "text");
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing) {
      if (e.key === "Escape") { const c = t.closest("form.card"); t.blur(); if (c) c.focus(); }
      return;
    }
    const inBlock = [...blocks[view.block].querySelectorAll("form.card")];
    const at = Math.max(0, inBlock.indexOf(current));
    if (e.key === "n" || e.key === "ArrowRight") { show(view.block + 1); }
    else if (e.key === "p" || e.key === "ArrowLeft") { show(view.block - 1); }
    else if (e.key === "j" || e.key === "k") {
      const next = inBlock[Math.max(0, Math.min(inBlock.length - 1, at + (e.key === "j" ? 1 : -1)))];
      if (next) { current = next; next.focus(); }
    } else if (/^[1-9]$/.test(e.key) && Number(e.key) <= scale && current && active) {
      const r = current.querySelector(`input[name=rating][value="${e.key}"]`);
      if (r) { r.checked = true; edit(current); }
    } else if (e.key === "e" && current) {
      const n = current.querySelector("textarea[name=notes]");
      if (n) { n.focus(); }
    } else if (e.key === "?" && keysHint) {
      keysHint.hidden = !keysHint.hidden;
    } else {
      return;
    }
    e.preventDefault();
  });
})();
