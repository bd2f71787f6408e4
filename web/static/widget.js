/*
 * Insatsguiden – the embeddable chat widget.
 *
 *   <script src="https://HOST/widget.js" data-kommun="alingsas" defer></script>
 *
 * Builds its own DOM on the municipality's page (no iframe). Optional data-mount="ID" puts the
 * chat inside that element instead of a floating button + panel (our own chat page does this).
 *
 * Privacy: the conversation id is random per browser tab (crypto.getRandomValues) and lives
 * only in sessionStorage; messages are not stored anywhere in the browser.
 * Security: everything the bot or the resident wrote is rendered with textContent, never as
 * HTML; links from the bot's cards are accepted only as our own /<kommun>/insatser/<slug> paths.
 */
(function () {
  "use strict";

  var script = document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-kommun]');
  if (!script || script.getAttribute("data-insatsguiden-klar")) { return; }
  script.setAttribute("data-insatsguiden-klar", "1");

  var kommun = (script.getAttribute("data-kommun") || "").trim().toLowerCase();
  // The embedding site may name its own contact page; the server accepts only an https address.
  var kontaktUrl = (script.getAttribute("data-kontakt-url") || "").trim();
  var base = new URL(script.src, document.baseURI).origin;
  var mountId = script.getAttribute("data-mount");
  var uid = "ig-" + Math.random().toString(36).slice(2, 8);
  var KLIENT_TIMEOUT_MS = 25000;
  var MAX_TECKEN = 1000;

  var info = { namn: "", guide: base + "/" + encodeURIComponent(kommun) + "/guide", kontakt: "" };
  var okandKommun = false;
  var skickar = false;

  // -- small DOM helpers (text only) ---------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function srOnly(text) { return el("span", "ig-sr", text); }

  function conversationId() {
    var key = "insatsguiden-samtal-" + kommun;
    try {
      var saved = window.sessionStorage.getItem(key);
      if (saved && /^[a-f0-9]{32}$/.test(saved)) { return saved; }
    } catch (e) { /* storage blocked: keep the id in memory only */ }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    try { window.sessionStorage.setItem(key, id); } catch (e) { /* memory only */ }
    return id;
  }
  var sender = conversationId();

  // -- stylesheet (a file, so it works under a strict CSP on the host page) ---------------------
  if (!document.querySelector('link[data-insatsguiden]')) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = base + "/widget.css";
    css.setAttribute("data-insatsguiden", "1");
    (document.head || document.documentElement).appendChild(css);
  }

  // -- the panel -------------------------------------------------------------------------------
  var root = el("div", "ig-widget" + (mountId ? " ig-inline" : " ig-flytande"));
  root.setAttribute("lang", "sv");

  var panel = el("section", "ig-panel");
  panel.id = uid + "-panel";
  panel.setAttribute("aria-labelledby", uid + "-rubrik");

  var head = el("div", "ig-head");
  var title = el("h2", "ig-title", "Chatta anonymt");
  title.id = uid + "-rubrik";
  head.appendChild(title);
  var closeBtn = null;
  if (!mountId) {
    closeBtn = el("button", "ig-close");
    closeBtn.type = "button";
    closeBtn.appendChild(el("span", null, "Stäng"));
    closeBtn.setAttribute("aria-label", "Stäng chatten");
    head.appendChild(closeBtn);
  }
  panel.appendChild(head);

  var note = el("p", "ig-note",
    "Chatten är anonym. Skriv inte ditt namn, personnummer eller annat som visar vem du är. " +
    "Ingen personal läser chatten medan du skriver. Om någon är i fara just nu: ring 112.");
  note.id = uid + "-note";
  panel.appendChild(note);

  var log = el("div", "ig-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "Samtalet");
  log.tabIndex = 0;  // scrollable: must be reachable by keyboard
  panel.appendChild(log);

  var status = el("p", "ig-status");
  status.setAttribute("role", "status");
  panel.appendChild(status);

  var form = el("form", "ig-form");
  form.setAttribute("novalidate", "");
  var label = el("label", "ig-label", "Skriv ditt meddelande");
  label.htmlFor = uid + "-input";
  var input = el("input", "ig-input");
  input.type = "text";
  input.id = uid + "-input";
  input.name = "meddelande";
  input.autocomplete = "off";
  input.maxLength = MAX_TECKEN;
  input.setAttribute("aria-describedby", uid + "-note");
  var send = el("button", "ig-send", "Skicka");
  send.type = "submit";
  var row = el("div", "ig-row");
  row.appendChild(input);
  row.appendChild(send);
  form.appendChild(label);
  form.appendChild(row);
  panel.appendChild(form);

  var foot = el("p", "ig-foot");
  foot.appendChild(document.createTextNode("Vill du hellre klicka dig fram? "));
  var guideLink = el("a", null, "Använd guiden");
  guideLink.href = info.guide;
  foot.appendChild(guideLink);
  panel.appendChild(foot);

  var launcher = null;
  if (!mountId) {
    launcher = el("button", "ig-launcher", "Chatta anonymt");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", panel.id);
    panel.hidden = true;
    root.appendChild(launcher);
  }
  root.appendChild(panel);

  function mount() {
    var target = mountId ? document.getElementById(mountId) : document.body;
    if (!target) { target = document.body; }
    // Our noscript fallback (if any) stays in place; the panel goes after it.
    target.appendChild(root);
    addBot("Hej! Skriv med egna ord vad du vill ha stöd med, till exempel ”min son röker på” eller ”jag har skulder”.");
  }

  // -- open / close (floating mode) -------------------------------------------------------------
  function open() {
    root.classList.add("ig-oppen");
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.hidden = true;
    input.focus();
  }
  function close() {
    root.classList.remove("ig-oppen");
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  if (launcher) {
    launcher.addEventListener("click", open);
    closeBtn.addEventListener("click", close);
    panel.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); close(); }
    });
  }

  // -- messages --------------------------------------------------------------------------------
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function addUser(text) {
    var m = el("div", "ig-msg ig-user");
    m.appendChild(srOnly("Du: "));
    m.appendChild(el("span", "ig-text", text));
    log.appendChild(m);
    scrollDown();
  }

  function addBot(text) {
    var m = el("div", "ig-msg ig-bot");
    m.appendChild(srOnly("Insatsguiden: "));
    m.appendChild(el("span", "ig-text", text));
    log.appendChild(m);
    scrollDown();
    return m;
  }

  function safeInsatsUrl(path) {
    // Only our own insats pages: no javascript:, no other hosts, no protocol-relative tricks.
    if (typeof path !== "string" || !/^\/[a-z0-9-]+\/insatser\/[a-z0-9-]+$/.test(path)) { return null; }
    return base + path;
  }

  var STATUS = {
    uppfyllt: ["✓", "uppfyllt"],
    ej_uppfyllt: ["✗", "inte uppfyllt"],
    okant: ["?", "kontrolleras av verksamheten"]
  };

  function addCard(insats) {
    if (!insats || typeof insats.namn !== "string") { return; }
    var card = el("article", "ig-card");
    card.setAttribute("data-insats-id", String(insats.id || ""));
    var h = el("h3", "ig-card-title");
    var url = safeInsatsUrl(insats.url);
    if (url) {
      var a = el("a", null, insats.namn);
      a.href = url;
      h.appendChild(a);
    } else {
      h.textContent = insats.namn;
    }
    card.appendChild(h);
    if (insats.varfor) { card.appendChild(el("p", "ig-why", insats.varfor)); }
    if (Array.isArray(insats.villkor) && insats.villkor.length) {
      card.appendChild(el("p", "ig-sub", "Villkor:"));
      var ul = el("ul", "ig-villkor");
      insats.villkor.forEach(function (v) {
        if (!v || typeof v.text !== "string") { return; }
        var s = STATUS[v.status] || STATUS.okant;
        var li = el("li", "ig-v-" + (STATUS[v.status] ? v.status : "okant"));
        var sym = el("span", "ig-sym", s[0]);
        sym.setAttribute("aria-hidden", "true");
        li.appendChild(sym);
        li.appendChild(document.createTextNode(v.text + " – "));
        li.appendChild(el("strong", null, s[1]));
        ul.appendChild(li);
      });
      card.appendChild(ul);
    }
    if (insats.anonymitet) { card.appendChild(el("p", null, "Anonymitet: " + insats.anonymitet)); }
    if (insats.kontakt) { card.appendChild(el("p", null, insats.kontakt)); }
    if (url) {
      var more = el("a", "ig-more", "Läs mer om " + insats.namn);
      more.href = url;
      more.target = "_blank";
      more.rel = "noopener";
      more.appendChild(srOnly(" (öppnas i en ny flik)"));
      var p = el("p");
      p.appendChild(more);
      card.appendChild(p);
    }
    log.appendChild(card);
  }

  function removeChoices() {
    var old = log.querySelectorAll(".ig-choices");
    for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
  }

  function addChoices(buttons) {
    var group = el("div", "ig-choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Svarsalternativ");
    buttons.forEach(function (b) {
      if (!b || typeof b.title !== "string") { return; }
      var btn = el("button", "ig-choice", b.title);
      btn.type = "button";
      btn.addEventListener("click", function () {
        removeChoices();
        input.focus();  // the clicked button disappears; keep focus in the chat
        sendMessage(typeof b.payload === "string" ? b.payload : b.title, b.title);
      });
      group.appendChild(btn);
    });
    if (group.childNodes.length) { log.appendChild(group); }
  }

  function addError(text, guideUrl) {
    var m = el("div", "ig-msg ig-error");
    m.appendChild(srOnly("Meddelande: "));
    m.appendChild(el("span", "ig-text", text));
    var a = el("a", null, "Gå till guiden");
    a.href = guideUrl || info.guide;
    m.appendChild(document.createTextNode(" "));
    m.appendChild(a);
    log.appendChild(m);
    scrollDown();
  }

  function render(replies) {
    if (!Array.isArray(replies) || !replies.length) {
      addBot("Jag har inget svar just nu. Försök skriva på ett annat sätt.");
      return;
    }
    replies.forEach(function (r) {
      if (!r || typeof r !== "object") { return; }
      if (typeof r.text === "string" && r.text) { addBot(r.text); }
      if (r.custom && Array.isArray(r.custom.insatser)) { r.custom.insatser.forEach(addCard); }
      if (Array.isArray(r.buttons) && r.buttons.length) { addChoices(r.buttons); }
    });
    scrollDown();
  }

  function busy(on) {
    skickar = on;
    log.setAttribute("aria-busy", on ? "true" : "false");
    status.textContent = on ? "Insatsguiden skriver …" : "";
    send.disabled = false;  // never disable: a disabled button drops keyboard focus
  }

  function sendMessage(text, shown) {
    if (skickar || okandKommun) { return; }
    removeChoices();
    addUser(shown || text);
    busy(true);
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, KLIENT_TIMEOUT_MS) : null;
    fetch(base + "/api/chatt", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: text, kommun: kommun, kontakt_url: kontaktUrl }),
      credentials: "omit",
      referrerPolicy: "no-referrer",
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (resp) {
      return resp.json().catch(function () { return null; }).then(function (data) {
        if (resp.ok) { render(data); return; }
        var msg = data && typeof data.fel === "string" ? data.fel :
          "Chatten fungerar inte just nu. Använd guiden i stället, eller kontakta kommunens socialtjänst.";
        addError(msg, data && typeof data.guide === "string" && /^https?:\/\//.test(data.guide) ? data.guide : null);
      });
    }).catch(function () {
      addError("Chatten går inte att nå just nu. Använd guiden i stället, eller kontakta kommunens socialtjänst. " +
        (info.kontakt ? info.kontakt + " " : "") + "Om någon är i fara just nu: ring 112.");
    }).then(function () {
      if (timer) { clearTimeout(timer); }
      busy(false);
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) {
      status.textContent = "Skriv något först.";
      input.focus();
      return;
    }
    if (text.length > MAX_TECKEN) {
      status.textContent = "Meddelandet är för långt. Skriv högst " + MAX_TECKEN + " tecken.";
      return;
    }
    if (skickar) { return; }
    input.value = "";
    sendMessage(text);
    input.focus();
  });

  // -- the municipality's name and contact, and a clear message if the snippet is wrong ----------
  function loadInfo() {
    if (!/^[a-z0-9-]+$/.test(kommun)) {
      markUnknown();
      return;
    }
    fetch(base + "/api/kommun/" + encodeURIComponent(kommun), { credentials: "omit", referrerPolicy: "no-referrer" })
      .then(function (resp) {
        if (resp.status === 404) { markUnknown(); return null; }
        return resp.ok ? resp.json() : null;
      })
      .then(function (data) {
        if (!data) { return; }
        info.namn = data.namn || "";
        if (typeof data.guide === "string" && /^https?:\/\//.test(data.guide)) { info.guide = data.guide; }
        info.kontakt = data.kontakt || "";
        if (typeof data.maxTecken === "number") { MAX_TECKEN = data.maxTecken; input.maxLength = MAX_TECKEN; }
        guideLink.href = info.guide;
        if (info.namn) { title.textContent = "Chatta anonymt – " + info.namn; }
      })
      .catch(function () { /* the first message will show the error */ });
  }

  function markUnknown() {
    okandKommun = true;
    addError("Chatten är inte rätt inställd: kommunen ”" + kommun + "” finns inte i Insatsguiden. " +
      "Kontakta kommunens socialtjänst.", base + "/");
    input.disabled = true;
    send.disabled = true;
  }

  function start() {
    mount();
    loadInfo();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
