/* Wijkteam: forms that lose nothing, and contacts that wait on the device (issue 17).
 *
 * One piece for every form of the app:
 * - An htmx request that meets an expired session (the server answers 401, wijkteam/middleware.py)
 *   or no connection swaps nothing: the form keeps what was typed and says what happened, with
 *   a way on ("Log in again" opens the login in a second tab; wijkteam/offline.py tells this tab
 *   when it is done, and the page's security token is renewed).
 * - A plain form (no htmx) checks the session before it is sent, for the same reasons.
 * - A contact form (form[data-outbox]) without a connection goes to the outbox: an IndexedDB
 *   queue on the device, bound to the user (an owner tag, never a name), its text encrypted with
 *   AES-GCM under a key the server hands the logged-in session and that is only kept in memory.
 *   Each item carries its own id (the form's submission id, or a new random UUID): the server
 *   creates a contact once per id however often it is sent. The queue is sent in the order
 *   logged, with the time logged, when the connection returns and on every page load.
 * No inline script anywhere: the Content Security Policy stays as it is.
 */
(function () {
  "use strict";

  const body = document.body;
  const MESSAGES = JSON.parse(document.getElementById("wijkteam-messages")?.textContent || "{}");
  const OWNER = body.dataset.owner || "";
  const SESSION_URL = body.dataset.sessionUrl;
  const LOGIN_URL = body.dataset.loginUrl;
  const OUTBOX_HEADER = "X-Wijkteam-Outbox";
  const OWNER_KEY = "wijkteam.outbox.owner";
  const DB_NAME = "wijkteam-outbox";
  const STORE = "contacts";
  // Whose queue this page shows: the logged-in user's; on the offline page (no session), the
  // last user's on this browser, by count and time only (its text needs the key).
  const OFFLINE_PAGE = Boolean(document.querySelector("[data-offline-page]"));
  const owner = () => OWNER || (OFFLINE_PAGE ? localStorage.getItem(OWNER_KEY) : "");

  function say(key, values) {
    let text = MESSAGES[key] || key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.replace(`%(${name})s`, value);
    }
    return text;
  }

  function counted(stem, n) {
    return say(n === 1 ? `${stem}_one` : `${stem}_many`, { n });
  }

  // --- The session -----------------------------------------------------------------------------

  let key = null; // the outbox key of this session's user: memory only
  let sessionOwner = OWNER;

  /** The server's word on this browser's session: {owner, key, csrf}, or null (401), or
   *  throws on no connection. */
  async function sessionState() {
    const response = await fetch(SESSION_URL, {
      credentials: "same-origin",
      headers: { [OUTBOX_HEADER]: "1" },
      cache: "no-store",
    });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error(`session ${response.status}`);
    const state = await response.json();
    sessionOwner = state.owner;
    localStorage.setItem(OWNER_KEY, state.owner);
    key = await crypto.subtle.importKey(
      "raw",
      Uint8Array.from(atob(state.key), (c) => c.charCodeAt(0)),
      "AES-GCM",
      false,
      ["encrypt", "decrypt"],
    );
    body.dataset.outboxKey = "ready"; // the browser tests wait for this before going offline
    useToken(state.csrf);
    return state;
  }

  /** A new CSRF token (after a login in another tab) on every form and on htmx's header. */
  function useToken(token) {
    if (!token) return;
    const headers = JSON.parse(body.getAttribute("hx-headers") || "{}");
    headers["X-CSRFToken"] = token;
    body.setAttribute("hx-headers", JSON.stringify(headers));
    for (const input of document.querySelectorAll("input[name=csrfmiddlewaretoken]")) {
      input.value = token;
    }
  }

  async function ensureKey() {
    if (key) return key;
    try {
      await sessionState();
    } catch (error) {
      return null; // offline: there is no key to be had
    }
    return key;
  }

  // --- Notices at the form ---------------------------------------------------------------------

  function notice(anchor, text, { kind = "warning", login = false } = {}) {
    const form = anchor.closest("form") || anchor;
    clearNotice(form);
    const box = document.createElement("div");
    box.className = `alert alert-${kind} form-notice`;
    box.setAttribute("role", kind === "success" ? "status" : "alert");
    box.dataset.notice = "";
    const words = document.createElement("span");
    words.textContent = text;
    box.append(words);
    if (login) {
      box.dataset.session = "expired";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-primary btn-sm ms-2";
      button.textContent = say("login");
      button.addEventListener("click", () => window.open(LOGIN_URL, "wijkteam-login"));
      box.append(" ", button);
    }
    form.before(box);
    box.tabIndex = -1;
    box.focus({ preventScroll: false });
    return box;
  }

  function clearNotice(form) {
    const previous = form.previousElementSibling;
    if (previous && previous.dataset.notice !== undefined) previous.remove();
  }

  /** A login in another tab ended: renew the token, tell each waiting form. */
  async function sessionRestored() {
    const waiting = document.querySelectorAll("[data-session=expired]");
    let state;
    try {
      state = await sessionState();
    } catch (error) {
      return;
    }
    if (!state) return;
    if (OWNER && state.owner !== OWNER) {
      window.location.reload(); // someone else logged in: this page is not theirs
      return;
    }
    for (const box of waiting) {
      const form = box.nextElementSibling;
      const text = box.querySelector("span");
      box.className = "alert alert-success form-notice";
      delete box.dataset.session;
      box.querySelector("button")?.remove();
      text.textContent = say("restored");
      form?.querySelector("[type=submit]")?.focus();
    }
    flush();
  }

  const channel = "BroadcastChannel" in window ? new BroadcastChannel("wijkteam-session") : null;
  channel?.addEventListener("message", (event) => {
    if (event.data === "restored") sessionRestored();
  });
  window.addEventListener("focus", () => {
    if (document.querySelector("[data-session=expired]")) sessionRestored();
  });
  if (document.querySelector("[data-session-restored]")) {
    channel?.postMessage("restored");
    if (window.opener) window.setTimeout(() => window.close(), 1500);
  }

  // --- htmx: nothing swapped but what was asked for ----------------------------------------------

  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 401) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      notice(event.detail.elt, say("session"), { login: true });
    } else if (status === 403 && event.detail.xhr.getResponseHeader("X-Wijkteam-Csrf")) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      notice(event.detail.elt, say("stale"));
      sessionState().catch(() => undefined);
    } else if ((status === 400 || status === 409) && !/<html/i.test(event.detail.xhr.responseText)) {
      // A form sent back with the message at the field: swapped like any answer.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (status >= 400) {
      // An error page never lands inside the page: a message at the form instead.
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      const forbidden = status === 403 || status === 404;
      notice(event.detail.elt, forbidden ? say("forbidden") : say("failed", { status }));
    }
  });

  const lastSubmit = new WeakMap(); // form -> the FormData it sent (with the button tapped)

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      const data = new FormData(form, event.submitter || undefined);
      clearNotice(form);
      if (form.matches("[data-outbox]")) {
        lastSubmit.set(form, { data, submitter: event.submitter });
        if (!navigator.onLine) {
          event.preventDefault();
          event.stopImmediatePropagation();
          queue(form, data, event.submitter);
        }
        return;
      }
      if (form.hasAttribute("data-logout")) {
        logout();
        return;
      }
      if (!form.hasAttribute("hx-post") && form.method === "post" && OWNER && !form.dataset.checked) {
        event.preventDefault();
        checkThenSend(form, event.submitter);
      }
    },
    true,
  );

  /** A plain form: is the session still there and the connection up? Then send it as it was. */
  async function checkThenSend(form, submitter) {
    let state;
    try {
      state = await fetch(SESSION_URL, { credentials: "same-origin", headers: { [OUTBOX_HEADER]: "1" } });
    } catch (error) {
      notice(form, say("offline"));
      return;
    }
    if (state.status === 401) {
      notice(form, say("session"), { login: true });
      return;
    }
    if (state.ok) useToken((await state.json()).csrf);
    form.dataset.checked = "1";
    form.requestSubmit(submitter || undefined);
    delete form.dataset.checked;
  }

  function failed(event) {
    const form = event.detail.elt.closest ? event.detail.elt.closest("form") : null;
    if (form && form.matches("[data-outbox]") && lastSubmit.has(form)) {
      const { data, submitter } = lastSubmit.get(form);
      queue(form, data, submitter);
      return;
    }
    notice(event.detail.elt, say("offline"));
  }

  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);
  document.addEventListener("htmx:beforeRequest", (event) => {
    // No connection at all: htmx would fail at once; a GET (open a row's form) says so here.
    if (!navigator.onLine && !event.detail.elt.closest("form[data-outbox]")) {
      event.preventDefault();
      notice(event.detail.elt, say("offline"));
    }
  });
  if (window.htmx) window.htmx.config.timeout = 20000;
  document.addEventListener("DOMContentLoaded", () => {
    if (window.htmx) window.htmx.config.timeout = 20000;
  });

  // --- The outbox: IndexedDB, encrypted ----------------------------------------------------------

  function openStore() {
    return new Promise((resolve, reject) => {
      if (!("indexedDB" in window) || !window.indexedDB) {
        reject(new Error("no IndexedDB"));
        return;
      }
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: "id" });
        store.createIndex("owner", "owner");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function transact(mode, work) {
    const db = await openStore();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const result = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(result.result !== undefined ? result.result : result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  async function itemsOf(owner) {
    if (!owner) return [];
    try {
      const items = await transact("readonly", (store) => store.index("owner").getAll(owner));
      return items.sort((a, b) => a.loggedAt - b.loggedAt);
    } catch (error) {
      return [];
    }
  }

  const putItem = (item) => transact("readwrite", (store) => store.put(item));
  const removeItem = (id) => transact("readwrite", (store) => store.delete(id));

  async function seal(payload) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv },
      key,
      new TextEncoder().encode(JSON.stringify(payload)),
    );
    return { iv, data };
  }

  async function open(item) {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: item.iv }, key, item.data);
    return JSON.parse(new TextDecoder().decode(plain));
  }

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  /** Now as the form's "at" field wants it: Amsterdam's wall clock, to the minute. */
  function amsterdam(date) {
    const parts = {};
    for (const part of new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Amsterdam",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(date)) {
      parts[part.type] = part.value;
    }
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
  }

  async function queue(form, data, submitter) {
    if (!(await ensureKey())) {
      notice(form, say("offline"));
      return;
    }
    const now = new Date();
    const at = form.querySelector("[name=at]");
    if (!data.get("at") || (at && at.value === at.defaultValue)) data.set("at", amsterdam(now));
    const given = String(data.get("submission_id") || "");
    const id = UUID.test(given) ? given : crypto.randomUUID();
    data.delete("csrfmiddlewaretoken");
    data.set("submission_id", id);
    const fields = [];
    for (const [name, value] of data.entries()) {
      if (typeof value === "string") fields.push([name, value]);
    }
    const label = (submitter && submitter.name === "quick" && submitter.textContent.trim()) || say("contact");
    try {
      const sealed = await seal({ url: form.action, fields, label, household: form.dataset.outboxLabel || "" });
      await putItem({ id, owner: sessionOwner, loggedAt: now.getTime(), iv: sealed.iv, data: sealed.data, error: "" });
    } catch (error) {
      notice(form, say("no_storage"));
      return;
    }
    navigator.storage?.persist?.().catch(() => undefined);
    // The next contact from this form is another one: a new id, an empty form.
    form.reset();
    const idField = form.querySelector("[name=submission_id]");
    if (idField) idField.value = crypto.randomUUID();
    notice(form, say("queued"), { kind: "success" });
    await render();
    window.setTimeout(flush, 15000);
  }

  let flushing = false;

  /** Send what waits, in the order logged; stop at the first sign of no connection. */
  async function flush() {
    if (flushing || !navigator.onLine || !(await itemsOf(owner())).length) return;
    flushing = true;
    try {
      if (navigator.locks) {
        await navigator.locks.request("wijkteam-outbox", send);
      } else {
        await send();
      }
    } finally {
      flushing = false;
      await render();
    }
  }

  async function send() {
    let state;
    try {
      state = await sessionState();
    } catch (error) {
      return;
    }
    if (!state) {
      outboxNote = say("login_to_send");
      return;
    }
    outboxNote = "";
    let sent = 0;
    for (const item of await itemsOf(state.owner)) {
      if (item.error) continue;
      let payload;
      try {
        payload = await open(item);
      } catch (error) {
        await putItem({ ...item, error: say("unreadable") });
        continue;
      }
      const fields = new URLSearchParams(payload.fields);
      fields.set("submission_id", item.id);
      let response;
      try {
        response = await fetch(payload.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": state.csrf, [OUTBOX_HEADER]: "1" },
          body: fields,
        });
      } catch (error) {
        break; // the connection went again: the rest waits
      }
      if (response.status === 201) {
        await removeItem(item.id);
        sent += 1;
      } else if (response.status === 401) {
        outboxNote = say("login_to_send");
        break;
      } else if ([400, 403, 404].includes(response.status)) {
        const answer = await response.json().catch(() => ({}));
        const reason = response.status === 400 ? (answer.errors || []).join(" ") : answer.message || say("refused");
        await putItem({ ...item, error: reason || say("refused") });
      } else {
        break; // the server is not well: try again later
      }
    }
    if (sent) lastSent = counted("sent", sent);
  }

  let lastSent = "";
  let outboxNote = "";

  /** The outbox above the page: how many wait, what each is (when the key is at hand), why a
   *  refused one was refused; and the logout button's warning. One drawing at a time. */
  let drawing = Promise.resolve();
  function render() {
    drawing = drawing.then(draw, draw);
    return drawing;
  }

  async function draw() {
    const box = document.getElementById("outbox");
    if (!box) return;
    const items = await itemsOf(owner());
    const logout = document.querySelector("form[data-logout] [type=submit]");
    if (logout) {
      logout.dataset.label = logout.dataset.label || logout.textContent;
      logout.textContent = items.length ? say("logout_waiting") : logout.dataset.label;
    }
    box.replaceChildren();
    box.hidden = !items.length && !lastSent;
    if (!items.length) {
      if (lastSent) {
        const done = document.createElement("div");
        done.className = "alert alert-success mt-3 mb-0";
        done.setAttribute("role", "status");
        done.textContent = lastSent;
        box.append(done);
        lastSent = "";
      }
      return;
    }
    const panel = document.createElement("div");
    panel.className = "outbox";
    const heading = document.createElement("strong");
    heading.textContent = counted("waiting", items.length);
    panel.append(heading);
    if (outboxNote) {
      const more = document.createElement("div");
      more.textContent = outboxNote;
      panel.append(more);
    }
    const list = document.createElement("ol");
    for (const item of items) {
      const row = document.createElement("li");
      const when = new Date(item.loggedAt);
      let what = when.toLocaleString("nl-NL", { timeZone: "Europe/Amsterdam", dateStyle: "short", timeStyle: "short" });
      if (key && item.owner === sessionOwner) {
        try {
          const payload = await open(item);
          what = `${what} · ${payload.label}${payload.household ? ` · ${payload.household}` : ""}`;
        } catch (error) {
          /* another key: shown by its time only */
        }
      }
      row.append(what);
      if (item.error) {
        const why = document.createElement("div");
        why.className = "outbox-error";
        why.textContent = item.error;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-outline-danger btn-sm mt-1";
        remove.textContent = say("remove");
        remove.addEventListener("click", async () => {
          if (window.confirm(say("remove_confirm"))) {
            await removeItem(item.id);
            render();
          }
        });
        row.append(why, remove);
      }
      list.append(row);
    }
    panel.append(list);
    if (items.some((item) => !item.error)) {
      const now = document.createElement("button");
      now.type = "button";
      now.className = "btn btn-primary btn-sm";
      now.textContent = say("send_now");
      now.addEventListener("click", flush);
      panel.append(now);
    }
    box.append(panel);
  }

  /** Log out: an empty queue is cleared with the owner tag; a full one stays, bound to its user
   *  (another user on this browser never sees or sends it), and the button said so. */
  function logout() {
    itemsOf(OWNER).then((items) => {
      if (!items.length) localStorage.removeItem(OWNER_KEY);
    });
    key = null;
  }

  // --- Online, offline, and the service worker ----------------------------------------------------

  function showConnection() {
    const banner = document.getElementById("offline-banner");
    if (banner) banner.hidden = navigator.onLine;
  }
  window.addEventListener("offline", showConnection);
  window.addEventListener("online", () => {
    showConnection();
    flush();
  });
  showConnection();

  async function start() {
    if (OWNER) localStorage.setItem(OWNER_KEY, OWNER);
    await render();
    if ((await itemsOf(owner())).length) {
      if (OWNER) await ensureKey();
      await render();
      flush();
    } else if (document.querySelector("form[data-outbox]") && OWNER) {
      ensureKey(); // at hand before the connection goes
    }
  }

  document.addEventListener("htmx:load", (event) => {
    if (event.detail.elt.querySelector?.("form[data-outbox]") && OWNER) ensureKey();
  });

  if ("serviceWorker" in navigator && body.dataset.swUrl) {
    navigator.serviceWorker.register(body.dataset.swUrl, { scope: "/" }).catch(() => undefined);
  }
  start();
})();
