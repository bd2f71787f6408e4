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
 *
 * Lättläst (issue 13.6): the "Lättläst" button above the input (aria-pressed) switches the widget's
 * own fixed texts (TEXT below), each card's summary (the card's `lattlast`, the catalogue's
 * innehall_lattlast or else its innehall) and reason (`varfor_lattlast`, when the bot sends it)
 * and the right to apply (/api/kommun's `lattlast`) to easy-to-read Swedish. What the bot writes
 * in its messages stays as it is. The choice lives only in this page's memory (a variable): it
 * is not stored, so a new page starts in normal text, or in lättläst when the snippet says
 * data-lattlast="1" (our chat page with ?lattlast=1).
 *
 * A recommending reply (issue 13) carries custom = {insatser: [cards], sammanfattning, ersatter:
 * [texts], ratt_att_ansoka: {kort, mer}}: the widget shows the summary and one card per insats,
 * and leaves out the reply's text messages listed in `ersatter` (the same content as text, for
 * channels without cards), so each insats is shown, and read by a screen reader, once. Replies
 * without these fields are shown as they come (text, cards, buttons). A new reply is scrolled to
 * its start, marked "Nytt svar", and focus stays where the resident is.
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

  var info = { namn: "", guide: base + "/" + encodeURIComponent(kommun) + "/guide", kontakt: "", kontaktKort: "",
    latt: null };
  // Said on every page of Insatsguiden too (web/helpers.py OM_STATISTIK and, in lättläst,
  // web/lattlast.py STATISTIK_LATTLAST; issue 13.5 and 13.6).
  var STATISTIK_MENING = "Kommunen ser bara anonym statistik över vilka ämnen som tas upp, per vecka.";
  var STATISTIK_LATTLAST = "Kommunen ser bara hur ofta olika ämnen tas upp varje vecka. Kommunen ser inte vem du är.";

  // The widget's fixed texts: [normal, lättläst]. Short sentences, common words, one idea per
  // sentence. The header's and the footer's stay short in lättläst too: at 320 x 568 px the
  // conversation must keep 60 % of the height (tests/web/test_browser.py).
  var TEXT = {
    titel: ["Chatta anonymt", "Chatta utan namn"],
    akut: ["Akut fara? Ring 112", "I fara? Ring 112"],
    note: ["Chatten är anonym. Skriv inte ditt namn, personnummer eller annat som visar vem du är. " +
           "Ingen personal läser chatten medan du skriver. Det du skriver sparas inte. " + STATISTIK_MENING,
           "Du behöver inte säga vem du är. Skriv inte ditt namn eller ditt personnummer. " +
           "Ingen människa läser chatten när du skriver. Det du skriver sparas inte. " + STATISTIK_LATTLAST],
    hej: ["Hej! Skriv med egna ord vad du vill ha stöd med, till exempel ”min son röker på” eller ”jag har skulder”.",
          "Hej! Skriv vad du vill ha stöd med. Använd dina egna ord. Du kan till exempel skriva ”min son röker på”."],
    etikett: ["Skriv ditt meddelande", "Skriv här"],
    guideFraga: ["Hellre klicka dig fram? ", "Vill du hellre klicka? "],
    kontaktSaknas: ["Kontakt: kommunens socialtjänst.", "Kontakta kommunens socialtjänst."],
    villkor: ["Villkor:", "Det här gäller:"],
    uppfyllt: ["uppfyllt", "stämmer"],
    ej_uppfyllt: ["inte uppfyllt", "stämmer inte"],
    okant: ["kontrolleras av verksamheten", "verksamheten kollar det"],
    svarsalternativ: ["Svarsalternativ", "Svar att välja"],
    ingetSvar: ["Jag har inget svar just nu. Försök skriva på ett annat sätt.",
                "Jag har inget svar just nu. Skriv på ett annat sätt."],
    fel: ["Chatten fungerar inte just nu. Använd guiden i stället, eller kontakta kommunens socialtjänst.",
          "Chatten fungerar inte just nu. Använd guiden i stället. Du kan också kontakta kommunens socialtjänst."],
    natfel: ["Chatten går inte att nå just nu. Använd guiden i stället, eller kontakta kommunens socialtjänst.",
             "Chatten går inte att nå just nu. Använd guiden i stället. Du kan också kontakta kommunens socialtjänst."],
    fara: ["Om någon är i fara just nu: ring 112.", "Är någon i fara just nu? Ring 112."],
    tomt: ["Skriv något först.", "Skriv något först."],
    forLangt: ["Meddelandet är för långt. Skriv högst {n} tecken.", "Texten är för lång. Skriv högst {n} tecken."]
  };
  var lattlast = script.getAttribute("data-lattlast") === "1";  // page memory only
  function t(key) { return TEXT[key][lattlast ? 1 : 0]; }
  // A node whose text follows the switch: its text is TEXT[key].
  function fixed(node, key) {
    node.setAttribute("data-ig-t", key);
    node.textContent = t(key);
    return node;
  }
  // A node with a text from the bot or the API in both forms (either may be missing: then the other).
  function both(node, normal, latt) {
    node.igText = [normal || latt || "", latt || normal || ""];
    node.classList.add("ig-vx");
    node.textContent = node.igText[lattlast ? 1 : 0];
    return node;
  }
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

  // The way forward is always in view (issue 13.4): 112 in the header, the guide and the
  // municipality's contact under the input; only the conversation scrolls.
  var head = el("div", "ig-head");
  var headText = el("div", "ig-head-text");
  var title = fixed(el("h2", "ig-title"), "titel");
  title.id = uid + "-rubrik";
  headText.appendChild(title);
  headText.appendChild(fixed(el("p", "ig-akut"), "akut"));
  head.appendChild(headText);
  var closeBtn = null;
  if (!mountId) {
    closeBtn = el("button", "ig-close");
    closeBtn.type = "button";
    var x = el("span", "ig-close-x", "✕");
    x.setAttribute("aria-hidden", "true");
    closeBtn.appendChild(x);
    closeBtn.appendChild(document.createTextNode(" Stäng"));
    closeBtn.setAttribute("aria-label", "Stäng chatten");
    head.appendChild(closeBtn);
  }
  panel.appendChild(head);

  var body = el("div", "ig-body");
  var log = el("div", "ig-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "Samtalet");
  log.tabIndex = 0;  // scrollable: must be reachable by keyboard
  body.appendChild(log);

  // The start note is the conversation's first entry: read once, then it scrolls away.
  var note = fixed(el("p", "ig-note"), "note");
  note.id = uid + "-note";
  log.appendChild(note);

  var status = el("p", "ig-status");
  status.setAttribute("role", "status");
  body.appendChild(status);
  panel.appendChild(body);

  var form = el("form", "ig-form");
  form.setAttribute("novalidate", "");
  var label = fixed(el("label", "ig-label"), "etikett");
  label.htmlFor = uid + "-input";
  // The switch sits beside the input's label: always in view, and reached right before the input.
  var switchBtn = el("button", "ig-lattlast", "Lättläst");
  switchBtn.type = "button";
  switchBtn.setAttribute("aria-pressed", lattlast ? "true" : "false");
  var labelRow = el("div", "ig-labelrad");
  labelRow.appendChild(label);
  labelRow.appendChild(switchBtn);
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
  form.appendChild(labelRow);
  form.appendChild(row);
  panel.appendChild(form);

  var foot = el("div", "ig-foot");
  var footGuide = el("p", "ig-foot-guide");
  footGuide.appendChild(fixed(el("span"), "guideFraga"));
  var guideLink = el("a", null, "Använd guiden");
  guideLink.href = info.guide;
  footGuide.appendChild(guideLink);
  foot.appendChild(footGuide);
  // Until /api/kommun answers: the plain fact, never an invented number.
  var contactLine = fixed(el("p", "ig-kontakt"), "kontaktSaknas");
  foot.appendChild(contactLine);
  panel.appendChild(foot);

  var launcher = null;
  if (!mountId) {
    launcher = fixed(el("button", "ig-launcher"), "titel");
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
    var hej = addBot("");
    fixed(hej.querySelector(".ig-text"), "hej");
  }

  // -- the visible viewport ----------------------------------------------------------------------
  // On a phone the on-screen keyboard shrinks the visual viewport but not 100vh (nor 100dvh), so
  // the panel's height follows window.visualViewport (CSS var --ig-vh); the full-screen panel
  // also follows its offset (--ig-vtop), so the input stays above the keyboard.
  function fitViewport() {
    var vv = window.visualViewport;
    root.style.setProperty("--ig-vh", Math.round(vv ? vv.height : window.innerHeight) + "px");
    root.style.setProperty("--ig-vtop", Math.round(vv ? vv.offsetTop : 0) + "px");
    if (document.activeElement === input) { keepPanelInView(); }  // the keyboard opened or closed
  }
  fitViewport();
  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", fitViewport);
    window.visualViewport.addEventListener("scroll", fitViewport);
  } else {
    window.addEventListener("resize", fitViewport);
  }

  // Inline (our chat page): when a reply arrives, bring the whole panel into view if it fits, so
  // the start of the reply and the input are both on screen; the page scrolls, focus stays.
  function keepPanelInView() {
    if (!mountId || !panel.getBoundingClientRect) { return; }
    var r = panel.getBoundingClientRect();
    var vh = window.visualViewport ? window.visualViewport.height : window.innerHeight;
    if (r.height > vh + 1) { return; }
    if (r.top < 0) { window.scrollBy(0, r.top); } else if (r.bottom > vh) { window.scrollBy(0, r.bottom - vh); }
  }

  // -- open / close (floating mode) -------------------------------------------------------------
  function open() {
    fitViewport();
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

  function botMessage(text, cls) {
    var m = el("div", "ig-msg ig-bot" + (cls ? " " + cls : ""));
    m.appendChild(srOnly("Insatsguiden: "));
    m.appendChild(el("span", "ig-text", text));
    return m;
  }

  function addUser(text) {
    var m = el("div", "ig-msg ig-user");
    m.appendChild(srOnly("Du: "));
    m.appendChild(el("span", "ig-text", text));
    log.appendChild(m);
    scrollDown();
  }

  function addBot(text) {
    var m = botMessage(text);
    log.appendChild(m);
    scrollDown();
    return m;
  }

  // A reply is built off the page and added in one piece, so the live region reads it once, in
  // order. The view goes to its START (the first, best suggestion), not to its end; focus stays.
  function showReply(group) {
    var old = log.querySelectorAll(".ig-nytt");
    for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
    var marker = el("p", "ig-nytt", "Nytt svar");
    marker.setAttribute("aria-hidden", "true");  // seen, not read: the reply itself is announced
    group.insertBefore(marker, group.firstChild);
    log.appendChild(group);
    keepPanelInView();
    log.scrollTop = Math.max(0, group.offsetTop - 4);
  }

  // Scrolls the conversation (not the page) so that `node` is in view, its top first.
  function scrollIntoLog(node) {
    var top = node.getBoundingClientRect().top - log.getBoundingClientRect().top;
    var bottom = node.getBoundingClientRect().bottom - log.getBoundingClientRect().top;
    if (bottom > log.clientHeight) { log.scrollTop += Math.min(top, bottom - log.clientHeight); }
  }

  function safeInsatsUrl(path) {
    // Only our own insats pages: no javascript:, no other hosts, no protocol-relative tricks.
    if (typeof path !== "string" || !/^\/[a-z0-9-]+\/insatser\/[a-z0-9-]+$/.test(path)) { return null; }
    return base + path;
  }

  // Villkor status (catalogue/insatskatalog/routing.py: uppfyllt | ej_uppfyllt | okant) as symbol AND text (TEXT).
  var SYMBOL = { uppfyllt: "✓", ej_uppfyllt: "✗", okant: "?" };

  function labelled(label, text) {
    var p = el("p", "ig-fakta");
    p.appendChild(el("strong", null, label + " "));
    p.appendChild(document.createTextNode(text));
    return p;
  }

  var idCount = 0;  // ids for aria-labelledby / aria-controls inside this widget

  // One card: name (a link to its page, in a new tab so the conversation stays), why it fits,
  // villkor, anonymity, contact. The name appears once.
  function card(insats) {
    var c = el("article", "ig-card");
    c.setAttribute("data-insats-id", String(insats.id || ""));
    var h = el("h3", "ig-card-title");
    h.id = uid + "-kort-" + (++idCount);
    c.setAttribute("aria-labelledby", h.id);
    var url = safeInsatsUrl(insats.url);
    if (url) {
      var a = el("a", null, insats.namn);
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener";
      a.appendChild(srOnly(" (öppnas i en ny flik)"));
      var arrow = el("span", "ig-ny-flik", " ↗");
      arrow.setAttribute("aria-hidden", "true");
      a.appendChild(arrow);
      h.appendChild(a);
    } else {
      h.textContent = insats.namn;
    }
    c.appendChild(h);
    if (isText(insats.varfor)) {
      c.appendChild(both(el("p", "ig-why"), insats.varfor, isText(insats.varfor_lattlast) ? insats.varfor_lattlast : ""));
    }
    if (isText(insats.lattlast)) {
      // the insats's summary, in the card only while lättläst is on (as on the pages)
      c.igSammanfattning = el("p", "ig-kort-sammanfattning", insats.lattlast);
    }
    var plats = el("div", "ig-sammanfattning-plats");  // where the summary goes
    c.appendChild(plats);
    if (lattlast && c.igSammanfattning) { plats.appendChild(c.igSammanfattning); }
    if (Array.isArray(insats.villkor) && insats.villkor.length) {
      c.appendChild(fixed(el("p", "ig-sub"), "villkor"));
      var ul = el("ul", "ig-villkor");
      insats.villkor.forEach(function (v) {
        if (!v || typeof v.text !== "string") { return; }
        var st = Object.prototype.hasOwnProperty.call(SYMBOL, v.status) ? v.status : "okant";
        var li = el("li", "ig-v-" + st);
        var sym = el("span", "ig-sym", SYMBOL[st]);
        sym.setAttribute("aria-hidden", "true");
        li.appendChild(sym);
        li.appendChild(document.createTextNode(v.text.replace(/\.\s*$/, "") + " – "));
        li.appendChild(fixed(el("strong"), st));
        ul.appendChild(li);
      });
      c.appendChild(ul);
    }
    if (insats.anonymitet) { c.appendChild(labelled("Anonym?", insats.anonymitet)); }
    if (isText(insats.kontakt)) {
      // the bot's text begins "Kontakt: "; the label is shown like "Anonym?"
      var m = /^Kontakt:\s*/.exec(insats.kontakt);
      c.appendChild(m ? labelled("Kontakt:", insats.kontakt.slice(m[0].length)) : el("p", "ig-fakta", insats.kontakt));
    }
    return c;
  }
  function cardList(insatser) {
    var ol = el("ol", "ig-kortlista");
    insatser.forEach(function (insats) {
      if (!insats || typeof insats.namn !== "string") { return; }
      var li = el("li");
      li.appendChild(card(insats));
      ol.appendChild(li);
    });
    return ol.childNodes.length ? ol : null;
  }

  // The right to apply (11 kap. 6 §) as one sentence, with the full paragraph behind "Läs mer";
  // in lättläst the same rights from /api/kommun (insatskatalog.rights, lattlast=True).
  function rightToApply(ratt) {
    var latt = info.latt && info.latt.rattAttAnsoka && isText(info.latt.rattAttAnsoka.kort) ? info.latt.rattAttAnsoka : {};
    var m = botMessage("", "ig-ratt");
    both(m.querySelector(".ig-text"), ratt.kort, latt.kort);
    if (typeof ratt.mer === "string" && ratt.mer) {
      var more = both(el("p", "ig-mer"), ratt.mer, isText(latt.mer) ? latt.mer : "");
      more.id = uid + "-mer-" + (++idCount);
      more.hidden = true;
      var btn = el("button", "ig-lasmer", "Läs mer");
      btn.type = "button";
      btn.setAttribute("aria-expanded", "false");
      btn.setAttribute("aria-controls", more.id);
      btn.addEventListener("click", function () {
        var opening = more.hidden;
        more.hidden = !opening;
        btn.setAttribute("aria-expanded", opening ? "true" : "false");
        if (opening) { scrollIntoLog(more); }  // focus stays on the button
      });
      m.appendChild(document.createTextNode(" "));
      m.appendChild(btn);
      m.appendChild(more);
    }
    return m;
  }

  function removeChoices() {
    var old = log.querySelectorAll(".ig-choices");
    for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
  }

  function choices(buttons) {
    var group = el("div", "ig-choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("svarsalternativ"));
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
    return group.childNodes.length ? group : null;
  }

  function errorMessage(text, guideUrl) {
    var m = el("div", "ig-msg ig-error");
    m.appendChild(srOnly("Meddelande: "));
    m.appendChild(el("span", "ig-text", text));
    var a = el("a", null, "Gå till guiden");
    a.href = guideUrl || info.guide;
    m.appendChild(document.createTextNode(" "));
    m.appendChild(a);
    return m;
  }

  function addError(text, guideUrl) {
    var group = el("div", "ig-svar");
    group.appendChild(errorMessage(text, guideUrl));
    showReply(group);
  }

  function isText(s) { return typeof s === "string" && s.trim() !== ""; }

  // The recommendation of a reply: the first custom payload with insatser, the texts it replaces,
  // and where its parts go. The summary takes the place of the first replaced text and the cards
  // that of the last one before the payload, so texts in between (a note on consent) keep their
  // place, as in the text version.
  function recommendationOf(replies) {
    var rec = null;
    var replaced = {};
    replies.forEach(function (r, i) {
      var c = r && typeof r === "object" && r.custom && typeof r.custom === "object" ? r.custom : null;
      if (!c) { return; }
      if (Array.isArray(c.ersatter)) {
        c.ersatter.forEach(function (t) { if (isText(t)) { replaced[t.trim()] = true; } });
      }
      if (!rec && Array.isArray(c.insatser)) { rec = { index: i, custom: c }; }
    });
    if (rec) {
      rec.summaryAt = rec.cardsAt = rec.index;
      for (var i = rec.index - 1; i >= 0; i--) {
        if (isReplaced(replies[i], replaced)) {
          rec.summaryAt = i;
          if (rec.cardsAt === rec.index) { rec.cardsAt = i; }
        }
      }
    }
    return { rec: rec, replaced: replaced };
  }

  function isReplaced(r, replaced) {
    return !!(r && typeof r === "object" && isText(r.text) && replaced[r.text.trim()]);
  }

  function render(replies) {
    var group = el("div", "ig-svar");
    if (!Array.isArray(replies) || !replies.length) {
      group.appendChild(botMessage(t("ingetSvar")));
      showReply(group);
      return;
    }
    var found = recommendationOf(replies);
    var rec = found.rec;
    var buttons = [];
    replies.forEach(function (r, i) {
      if (!r || typeof r !== "object") { return; }
      if (rec && i === rec.summaryAt && isText(rec.custom.sammanfattning)) {
        group.appendChild(botMessage(rec.custom.sammanfattning, "ig-sammanfattning"));
      }
      if (isText(r.text) && !isReplaced(r, found.replaced)) { group.appendChild(botMessage(r.text)); }
      var list = null;
      if (rec && i === rec.cardsAt) {
        list = cardList(rec.custom.insatser);
      } else if (r.custom && Array.isArray(r.custom.insatser) && !(rec && i === rec.index)) {
        list = cardList(r.custom.insatser);  // a further payload with cards: as it comes
      }
      if (list) { group.appendChild(list); }
      if (Array.isArray(r.buttons)) { buttons = buttons.concat(r.buttons); }
    });
    var ratt = rec && rec.custom.ratt_att_ansoka;
    if (ratt && typeof ratt === "object" && isText(ratt.kort)) { group.appendChild(rightToApply(ratt)); }
    var choiceGroup = buttons.length ? choices(buttons) : null;
    if (choiceGroup) { group.appendChild(choiceGroup); }
    if (!group.childNodes.length) {
      group.appendChild(botMessage(t("ingetSvar")));
    }
    showReply(group);
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
        var msg = data && typeof data.fel === "string" ? data.fel : t("fel");
        addError(msg, data && typeof data.guide === "string" && /^https?:\/\//.test(data.guide) ? data.guide : null);
      });
    }).catch(function () {
      var kort = lattlast && info.latt && isText(info.latt.kontaktKort) ? info.latt.kontaktKort : info.kontaktKort;
      addError(t("natfel") + " " + (kort ? kort + " " : "") + t("fara"));
    }).then(function () {
      if (timer) { clearTimeout(timer); }
      busy(false);
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) {
      status.textContent = t("tomt");
      input.focus();
      return;
    }
    if (text.length > MAX_TECKEN) {
      status.textContent = t("forLangt").replace("{n}", String(MAX_TECKEN));
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
    var url = base + "/api/kommun/" + encodeURIComponent(kommun) +
      (kontaktUrl ? "?kontakt_url=" + encodeURIComponent(kontaktUrl) : "");
    fetch(url, { credentials: "omit", referrerPolicy: "no-referrer" })
      .then(function (resp) {
        if (resp.status === 404) { markUnknown(); return null; }
        return resp.ok ? resp.json() : null;
      })
      .then(function (data) {
        if (!data) { return; }
        info.namn = data.namn || "";
        if (typeof data.guide === "string" && /^https?:\/\//.test(data.guide)) { info.guide = data.guide; }
        info.kontakt = typeof data.kontakt === "string" ? data.kontakt : "";
        info.kontaktKort = typeof data.kontaktKort === "string" ? data.kontaktKort : "";
        info.latt = data.lattlast && typeof data.lattlast === "object" ? data.lattlast : null;
        if (typeof data.maxTecken === "number") { MAX_TECKEN = data.maxTecken; input.maxLength = MAX_TECKEN; }
        guideLink.href = info.guide;
        if (info.kontaktKort) {
          contactLine.removeAttribute("data-ig-t");
          both(contactLine, info.kontaktKort, info.latt && isText(info.latt.kontaktKort) ? info.latt.kontaktKort : "");
        }
        var shortName = typeof data.kortNamn === "string" && data.kortNamn ? data.kortNamn : info.namn;
        if (shortName) {
          // On a phone the name is left out of the title (it is in the contact line).
          var suffix = el("span", "ig-title-kommun", " – " + shortName);
          title.appendChild(suffix);
        }
      })
      .catch(function () { /* the first message will show the error */ });
  }

  function markUnknown() {
    okandKommun = true;
    log.appendChild(errorMessage("Chatten är inte rätt inställd: kommunen ”" + kommun + "” finns inte i Insatsguiden. " +
      "Kontakta kommunens socialtjänst.", base + "/"));
    contactLine.textContent = "Kontakta kommunens socialtjänst.";
    input.disabled = true;
    send.disabled = true;
  }

  // -- the lättläst switch -----------------------------------------------------------------------
  function applyTexts() {
    var i;
    var keyed = root.querySelectorAll("[data-ig-t]");
    for (i = 0; i < keyed.length; i++) { keyed[i].textContent = t(keyed[i].getAttribute("data-ig-t")); }
    var pairs = root.querySelectorAll(".ig-vx");
    for (i = 0; i < pairs.length; i++) { pairs[i].textContent = pairs[i].igText[lattlast ? 1 : 0]; }
    var cards = root.querySelectorAll(".ig-card");
    for (i = 0; i < cards.length; i++) {
      var sum = cards[i].igSammanfattning;
      var plats = cards[i].querySelector(".ig-sammanfattning-plats");
      if (!sum || !plats) { continue; }
      if (lattlast && !sum.parentNode) { plats.appendChild(sum); }
      if (!lattlast && sum.parentNode) { sum.parentNode.removeChild(sum); }
    }
    var groups = root.querySelectorAll(".ig-choices");
    for (i = 0; i < groups.length; i++) { groups[i].setAttribute("aria-label", t("svarsalternativ")); }
  }
  switchBtn.addEventListener("click", function () {
    lattlast = !lattlast;
    switchBtn.setAttribute("aria-pressed", lattlast ? "true" : "false");
    // The conversation's texts change in place: not news, so the live region does not read them
    // again (the button's own state is what a screen reader announces). Focus stays on the button.
    var live = !skickar;
    if (live) { log.setAttribute("aria-live", "off"); }
    applyTexts();
    if (live) { setTimeout(function () { log.setAttribute("aria-live", "polite"); }, 300); }
  });

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
